"""`wlx report`: the findings without the UI, as JSON, CSV or Markdown, for people and CI.

    wlx report --replay DIR [--format json|csv|md] [--fail-on high] [--now ISO]
    wlx report --demo --format md
    wlx report --tenant T            # a synced tenant from the cache

Exit codes: 0 done, 1 a finding at or above --fail-on exists, 2 bad input (the message
says what). A recording is evaluated as of its `recordedAt` unless --now is given.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models.recording import Recording

HELP = "print findings and the tenant overview without the UI (json, csv or md)"
SEVERITIES = ("high", "medium", "low", "info")


class InputError(Exception):
    """Bad input: exit 2 with this message."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--demo", action="store_true", help="the built-in demo tenant")
    source.add_argument("--replay", metavar="DIR", help="a tenant recording directory")
    source.add_argument("--tenant", metavar="T", help="a synced tenant from the cache "
                        "(id, name or id prefix)")
    parser.add_argument("--format", choices=("json", "csv", "md"), default="md",
                        help="output format (default md)")
    parser.add_argument("--fail-on", choices=SEVERITIES, metavar="SEVERITY",
                        help="exit 1 when a finding of this severity or worse exists "
                        "(high, medium, low, info)")
    parser.add_argument("--now", metavar="ISO", help="evaluate as of this time (default: the "
                        "recording's recordedAt, or now)")
    parser.add_argument("--output", "-o", metavar="FILE", help="write to FILE instead of stdout")
    parser.add_argument("--config", metavar="FILE", help="config file (default "
                        "$XDG_CONFIG_HOME/wlx/config.toml)")
    parser.add_argument("--trusted-github-org", action="append", metavar="ORG",
                        dest="trusted_github_orgs", help="a GitHub org whose workflows may hold "
                        "federated credentials (repeatable; adds to the config's list)")
    parser.add_argument("--trusted-issuer", action="append", metavar="URL",
                        dest="trusted_issuers", help="an OIDC issuer to trust (repeatable)")
    for name, what in (("expiring-days", "a credential ending within N days is expiring (30)"),
                       ("secret-max-days", "longest acceptable client secret (180)"),
                       ("certificate-max-days", "longest acceptable certificate (365)"),
                       ("unused-days", "a credential unused N days is unused (90)"),
                       ("stale-days", "an identity without sign-in for N days is stale (90)")):
        parser.add_argument(f"--{name}", type=int, metavar="N", help=what)
    parser.add_argument("--size", type=int, default=300, help=argparse.SUPPRESS)  # demo size


def run(args: argparse.Namespace) -> int:
    from models.finding import severity_rank
    from models.nogc import paused_gc
    from models.report import fails, render

    try:
        # a one-shot process building ~a million small objects: the cyclic GC only slows it
        with paused_gc():
            analysis, labels = _analyse(args)
            text = render(analysis, args.format, labels)
        _write(text, args.output)
    except InputError as exc:
        print(f"wlx report: {exc}", file=sys.stderr)
        return 2
    for warning in analysis.warnings if args.format != "md" else ():
        print(f"wlx report: note: {warning}", file=sys.stderr)
    if args.fail_on and fails(analysis.findings, args.fail_on):
        worst = [f for f in analysis.findings
                 if severity_rank(f.severity) >= severity_rank(args.fail_on)]
        print(f"wlx report: {len(worst)} finding(s) at or above {args.fail_on}", file=sys.stderr)
        return 1
    return 0


def _analyse(args: argparse.Namespace):  # -> models.analysis.Analysis
    from models.analysis import analyze
    from models.tenant import TenantData
    from tui.config import ConfigError, load_config, with_overrides
    from tui.sync import overrides_from_labels

    now = _parse_now(args.now)
    try:
        config = with_overrides(
            load_config(args.config).analysis,
            trusted_github_orgs=args.trusted_github_orgs, trusted_issuers=args.trusted_issuers,
            expiring_days=args.expiring_days, secret_max_days=args.secret_max_days,
            certificate_max_days=args.certificate_max_days, unused_days=args.unused_days,
            stale_days=args.stale_days)
    except ConfigError as exc:
        raise InputError(str(exc)) from exc
    recording, labels = _source(args, now)
    if args.demo and not config.trusted_github_orgs:
        # the demo tenant's own GitHub org, as a configured tenant would trust its own
        from graph.demo import names

        config = with_overrides(config, trusted_github_orgs=[names.GITHUB_ORG])
    as_of = now or recording.recorded_at
    data = TenantData.from_recording(recording)
    overrides = overrides_from_labels(labels)  # an admin's tier label wins, shown as such
    return analyze(data, config, as_of, overrides, detail=False), labels


def _parse_now(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"--now {text!r} is not an ISO-8601 time (e.g. "
                         "2026-11-20T09:00:00Z)") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _source(args: argparse.Namespace, now: datetime | None) -> tuple[Recording, dict[str, Any]]:
    """The recording, and the admins' label documents by identity id (cached tenants)."""
    if args.replay:
        return _replay(args.replay), {}
    if args.tenant:
        return _cached_tenant(args.tenant)
    if args.demo:
        return _demo(now or datetime.now(UTC), args.size), {}
    raise InputError("say what to report on: --demo, --replay DIR or --tenant T")


def _replay(directory: str) -> Recording:
    from graph.recording import RecordingError, read_recording

    path = Path(directory)
    if not path.exists():
        raise InputError(f"{directory}: no such directory")
    if not path.is_dir():
        raise InputError(f"{directory}: not a directory (a recording is a directory)")
    try:
        return read_recording(path)
    except RecordingError as exc:
        raise InputError(str(exc)) from exc


def _demo(now: datetime, size: int) -> Recording:
    try:
        from graph.demo import generate_demo
    except ImportError:
        raise InputError("the demo tenant is not part of this build yet (graph.demo)") from None
    return generate_demo(size=size, now=now)


def _cached_tenant(name: str) -> tuple[Recording, dict[str, Any]]:
    """The newest snapshot's recording of a synced tenant, and the tenant's labels."""
    from cache import CacheError, Store

    try:
        store = Store()
        try:
            tenant_id = store.find(name)
            if tenant_id is None:
                raise InputError(f"tenant {name!r} is not in the cache (`wlx cache list` shows "
                                 "what is; `wlx sync` loads one)")
            tenant = store.tenant(tenant_id)
            reader = tenant.current()
            recording = reader.recording() if reader is not None else None
            labels = dict(tenant.labels.all())
        finally:
            store.close()
    except CacheError as exc:
        raise InputError(f"the cache cannot be read: {exc}") from exc
    if recording is None:
        raise InputError(f"tenant {name!r} has no complete snapshot in the cache; run `wlx sync`")
    return recording, labels


def _write(text: str, output: str | None) -> None:
    if not output:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(output)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(target)
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc}") from exc
