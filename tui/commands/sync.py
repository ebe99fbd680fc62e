"""`wlx sync`: load a tenant (live, a recording or the demo) into the local cache.

    wlx sync --tenant contoso.onmicrosoft.com          # sign in and read a live tenant
    wlx sync --replay DIR | --demo                      # a recording, the demo tenant
    wlx sync                                            # the last tenant again (incremental)

Prints a progress line per data kind and a summary: counts, data that could not be read
(with the permission that unlocks it), requests made and time. `--progress-json` prints
one JSON event per line instead (the app runs sync this way for its refresh key).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

HELP = "load a tenant into the local cache (live tenant, recording or demo)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tui.source import add_source_arguments

    add_source_arguments(parser)
    parser.add_argument("--full", action="store_true",
                        help="read everything again instead of only what changed")
    parser.add_argument("--sign-in-days", type=int, default=7, metavar="N",
                        help="sign-ins of the last N days (default 7)")
    parser.add_argument("--audit-days", type=int, default=30, metavar="N",
                        help="directory audits of the last N days (default 30)")
    parser.add_argument("--config", metavar="FILE", help="config file (default "
                        "$XDG_CONFIG_HOME/wlx/config.toml)")
    parser.add_argument("--trusted-github-org", action="append", metavar="ORG",
                        dest="trusted_github_orgs",
                        help="a GitHub org trusted for federated credentials (repeatable)")
    parser.add_argument("--progress-json", action="store_true", help=argparse.SUPPRESS)


def resolve_source(args: argparse.Namespace, store: Any) -> Any:
    """The source named by the options, or the one the cached tenant was read from."""
    from tui.source import Source, source_from_args
    from tui.sync import SyncError

    source = source_from_args(args)
    if source is not None:
        return source
    wanted = args.tenant
    tenant_id = store.find(wanted) if wanted else store.last_tenant()
    if tenant_id is None and wanted:
        # a tenant we have never read: sign in to it
        return Source("graph", tenant=wanted, auth=args.auth, cloud=args.cloud)
    snapshot = store.tenant(tenant_id).current() if tenant_id else None
    saved = Source.from_json(snapshot.meta.get("source")) if snapshot else None
    if saved is None:
        raise SyncError("say which tenant to read: --tenant T (sign in), --replay DIR, "
                        "--demo, or --graph-url URL")
    return saved


def analysis_config(args: argparse.Namespace, source: Any) -> Any:
    from tui.config import load_config, with_overrides

    config = with_overrides(load_config(getattr(args, "config", None)).analysis,
                            trusted_github_orgs=getattr(args, "trusted_github_orgs", None))
    if source.kind == "demo" and not config.trusted_github_orgs:
        from graph.demo import names  # the demo tenant trusts its own GitHub org

        config = with_overrides(config, trusted_github_orgs=[names.GITHUB_ORG])
    return config


def run(args: argparse.Namespace) -> int:
    from cache import CacheError, Store
    from tui.config import ConfigError
    from tui.source import parse_now
    from tui.sync import SyncError, sync

    try:
        now = parse_now(args.now)
        store = Store()
        source = resolve_source(args, store)
        config = analysis_config(args, source)
    except (ValueError, SyncError, ConfigError, CacheError) as exc:
        return _fail(args, str(exc))
    progress = _JsonProgress() if args.progress_json else _BarProgress()
    try:
        with progress:
            result = sync(source, store, config=config, now=now, full=args.full,
                          progress=progress.update, sign_in_days=args.sign_in_days,
                          audit_days=args.audit_days)
    except (SyncError, CacheError) as exc:
        return _fail(args, str(exc))
    finally:
        store.close()
    if args.progress_json:
        _emit({"event": "done", "tenantId": result.tenant_id,
               "generation": result.generation, "changes": result.changes})
    else:
        print_summary(result, source)
    return 0


def _fail(args: argparse.Namespace, message: str) -> int:
    if getattr(args, "progress_json", False):
        _emit({"event": "error", "message": message})
    else:
        print(f"wlx sync: {message}", file=sys.stderr)
    return 2


def _emit(event: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


class _JsonProgress:
    def __enter__(self) -> _JsonProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, step: Any) -> None:
        _emit({"event": "progress", "kind": step.kind, "done": step.done,
               "total": step.total, "status": step.status, "detail": step.detail})


class _BarProgress:
    """One bar per data kind on stderr (rich), like a package manager's download list."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.progress = Progress(TextColumn("{task.description:<34}"), BarColumn(),
                                 MofNCompleteColumn(), TextColumn("{task.fields[status]}"),
                                 console=Console(stderr=True), transient=False)
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> _BarProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def update(self, step: Any) -> None:
        from rich.markup import escape

        from models.text import clean

        if step.kind == "sign-in":  # the device code must be readable in full
            self.progress.console.print(escape(clean(step.detail)))
            return
        task = self.tasks.get(step.kind)
        if task is None:
            task = self.tasks[step.kind] = self.progress.add_task(
                step.kind, total=step.total, status="")
        status = step.status if not step.detail else f"{step.status}: {step.detail}"
        total = step.total if step.total is not None else (
            step.done if step.status in ("done", "unavailable", "skipped") else None)
        self.progress.update(task, completed=step.done, total=total,
                             status=escape(clean(status, 60)))


def print_summary(result: Any, source: Any) -> None:
    from models.text import clean

    print(f"Synced {clean(result.display_name)} ({result.tenant_id}) from {source.describe()}")
    print(f"  {result.identities:,} workload identities, {result.findings:,} findings, "
          f"snapshot #{result.generation}")
    if result.changes:
        print(f"  changes: {result.changes}")
    print(f"  {result.requests:,} requests ({result.batch_items:,} inside $batch; minimum "
          f"for this tenant {result.minimum_requests:,}), {result.retries:,} retries, "
          f"{result.throttled:,} throttled")
    timings = ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items())
    print(f"  {result.seconds:.1f} s ({timings})")
    if result.warnings:
        print(f"  {result.warnings:,} values Graph sent could not be used (kept as unknown)")
    print_unavailable(result.unavailable)


def print_unavailable(unavailable: dict[str, Any]) -> None:
    from models.recording import KIND_BY_NAME
    from models.text import clean

    for name, why in sorted(unavailable.items()):
        kind = KIND_BY_NAME.get(name)
        unlocks = f" ({kind.unlocks})" if kind else ""
        permission = why.get("permission") or (kind.permission if kind else "")
        grant = f"; grant {permission}" if permission else ""
        print(f"  not available: {name}{unlocks}: {clean(why.get('reason'), 120)}{grant}")
