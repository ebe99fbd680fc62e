"""`wlx diff`: what changed between two snapshots of one tenant.

    wlx diff                          # the two newest cached snapshots of the last tenant
    wlx diff --tenant T 5 7           # cached generations 5 and 7 of tenant T
    wlx diff OLD_DIR NEW_DIR          # two recording directories
    wlx diff 6 NEW_DIR --format json  # a cached generation against a recording

The first snapshot is "before", the second "after". Exit codes: 0 done, 2 bad input (the
message says what). `wlx cache list` shows the cached tenants; the cache keeps the last
three snapshots of each.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cache import Store
    from cache.snapshot_diff import Side

HELP = "what changed between two snapshots of a tenant (cached generations or recordings)"


class InputError(Exception):
    """Bad input: exit 2 with this message."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("snapshots", nargs="*", metavar="SNAPSHOT",
                        help="two snapshots, before then after: cached generation numbers "
                        "(each sync adds one; the cache keeps the last three) or recording "
                        "directories; none: the two newest cached snapshots")
    parser.add_argument("--tenant", metavar="T", help="the cached tenant (id, name or id "
                        "prefix; default: the last one used)")
    parser.add_argument("--format", choices=("md", "json"), default="md",
                        help="output format (default md)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument("--config", metavar="FILE", help="config file, for analysing recordings "
                        "(default $XDG_CONFIG_HOME/wlx/config.toml)")


def run(args: argparse.Namespace) -> int:
    from cache import CacheError

    try:
        diff = _diff(args)
        text = (json.dumps(diff, indent=1, ensure_ascii=True) + "\n" if args.format == "json"
                else _markdown(diff))
        _write(text, args.output)
    except InputError as exc:
        print(f"wlx diff: {exc}", file=sys.stderr)
        return 2
    except CacheError as exc:
        print(f"wlx diff: the cache cannot be read: {exc}", file=sys.stderr)
        return 2
    return 0


def _markdown(diff: dict[str, Any]) -> str:
    from models.diff import diff_markdown

    return diff_markdown(diff)


def _diff(args: argparse.Namespace) -> dict[str, Any]:
    from cache.snapshot_diff import diff_sides

    names = list(args.snapshots)
    if len(names) not in (0, 2):
        raise InputError("give two snapshots (before and after), or none for the two newest "
                         "cached ones")
    # a number names a cached generation (write ./5 for a directory called 5)
    needs_cache = not names or any(n.isdigit() for n in names)
    store = _store() if needs_cache else None
    try:
        tenant_id = _tenant(store, args.tenant) if store is not None else None
        if not names:
            assert store is not None and tenant_id is not None
            numbers = [g.number for g in store.tenant(tenant_id).generations()]
            if len(numbers) < 2:
                raise InputError(f"tenant {tenant_id} has {len(numbers)} cached snapshot(s); "
                                 "a diff needs two: run `wlx sync` again, or name two "
                                 "recording directories")
            names = [str(numbers[1]), str(numbers[0])]
        before, after = (_side(name, store, tenant_id, args.config) for name in names)
    finally:
        if store is not None:
            for notice in store.notices:
                print(f"note: {notice}", file=sys.stderr)
            store.close()
    if before.tenant_id and after.tenant_id and before.tenant_id != after.tenant_id:
        raise InputError(f"the snapshots are of different tenants ({before.tenant_id} and "
                         f"{after.tenant_id}): a diff compares one tenant over time")
    for side in (before, after):
        if side.missing:
            print(f"wlx diff: note: {side.missing} identities of {side.label} had no stored "
                  "detail and were left out", file=sys.stderr)
    return diff_sides(before, after)


def _store() -> Store:
    from cache import Store

    return Store()


def _tenant(store: Store, name: str | None) -> str:
    if name:
        tenant_id = store.find(name)
        if tenant_id is None:
            raise InputError(f"tenant {name!r} is not in the cache (`wlx cache list` shows what "
                             "is; `wlx sync` loads one)")
        return tenant_id
    tenant_id = store.last_tenant()
    if tenant_id is None:
        raise InputError("no tenant in the cache: run `wlx sync`, pass --tenant, or name two "
                         "recording directories")
    return tenant_id


def _side(name: str, store: Store | None, tenant_id: str | None, config: str | None) -> Side:
    if not name.isdigit():
        return _recording_side(name, config)
    from cache.snapshot_diff import snapshot_side

    assert store is not None and tenant_id is not None
    tenant = store.tenant(tenant_id)
    reader = tenant.snapshot(int(name))
    if reader is None:
        have = ", ".join(str(g.number) for g in tenant.generations()) or "none"
        raise InputError(f"tenant {tenant_id} has no snapshot {name} (cached: {have})")
    try:
        return snapshot_side(reader)
    finally:
        reader.close()


def _recording_side(directory: str, config_path: str | None) -> Side:
    from cache.snapshot_diff import Side
    from graph.recording import RecordingError, read_recording
    from models.analysis import analyze
    from models.diff import states_from_identities
    from models.tenant import TenantData
    from tui.config import ConfigError, load_config

    path = Path(directory)
    if not path.is_dir():
        raise InputError(f"{directory}: not a recording directory (nor a snapshot number)")
    try:
        recording = read_recording(path)
        config = load_config(config_path).analysis
    except (RecordingError, ConfigError) as exc:
        raise InputError(str(exc)) from exc
    analysis = analyze(TenantData.from_recording(recording), config, recording.recorded_at,
                       detail=False)
    label = {"recording": str(path), "asOf": analysis.as_of.isoformat()}
    return Side(tenant_id=recording.tenant_id, label=label,
                states=states_from_identities(analysis.identities),
                findings=[f.model_dump(mode="json") for f in analysis.findings])


def _write(text: str, output: str | None) -> None:
    if not output:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc}") from exc
