"""`wlx` with no subcommand: open the explorer on a tenant from the cache.

    wlx                      the last tenant used
    wlx --tenant T           a cached tenant (id, name or id prefix); signs in and syncs if new
    wlx --demo               the built-in demo tenant (synced into the cache first)
    wlx --replay DIR         a recording (synced into the cache first)

The app only ever reads the cache (one data path): a source named on the command line is
synced first, with a progress bar per data kind, then opened.
"""

from __future__ import annotations

import argparse
import sys

HELP = "open the explorer"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tui.source import add_source_arguments

    add_source_arguments(parser)
    parser.add_argument("--write", action="store_true",
                        help="allow changes to the tenant (read-only by default; every write "
                        "is previewed, confirmed and journalled)")
    parser.add_argument("--config", metavar="FILE",
                        help="config file (default $XDG_CONFIG_HOME/wlx/config.toml)")
    parser.add_argument("--trusted-github-org", action="append", metavar="ORG",
                        dest="trusted_github_orgs", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    from cache import CacheError, Store
    from tui.config import ConfigError, load_config
    from tui.source import parse_now, source_from_args

    try:
        now = parse_now(args.now)
        config = load_config(args.config)
        store = Store()
    except (ValueError, ConfigError, CacheError) as exc:
        print(f"wlx: {exc}", file=sys.stderr)
        return 2
    for notice in store.notices:
        print(f"wlx: note: {notice.message}", file=sys.stderr)
    source = source_from_args(args)
    tenant_id = None
    if source is None and args.tenant:
        tenant_id = store.find(args.tenant)
    elif source is None:
        tenant_id = store.last_tenant()
        if tenant_id is None:
            print("wlx: no tenant in the cache yet. Try the demo tenant (`wlx --demo`), or "
                  "load yours with `wlx sync --tenant contoso.onmicrosoft.com`",
                  file=sys.stderr)
            return 2
    if tenant_id is None:
        tenant_id = _sync_first(args, store)
        if tenant_id is None:
            return 2
    return _open(store, tenant_id, args, config, now)


def _sync_first(args: argparse.Namespace, store: object) -> str | None:
    """Sync the named source in the terminal; the tenant id, or None after an error."""
    from cache import CacheError
    from tui.commands.sync import _BarProgress, analysis_config, resolve_source
    from tui.config import ConfigError
    from tui.source import parse_now
    from tui.sync import SyncError, sync

    try:
        source = resolve_source(args, store)
        config = analysis_config(args, source)
        with _BarProgress() as progress:
            result = sync(source, store, config=config, now=parse_now(args.now),
                          progress=progress.update)
    except (SyncError, ConfigError, CacheError, ValueError) as exc:
        print(f"wlx: {exc}", file=sys.stderr)
        return None
    return result.tenant_id


def _open(store: object, tenant_id: str, args: argparse.Namespace, config: object,
          now: object) -> int:
    from tui.app import build_app
    from tui.cache_source import CacheSource

    try:
        source = CacheSource(store, tenant_id)
    except LookupError:
        print(f"wlx: tenant {tenant_id} has no complete snapshot; run `wlx sync --tenant "
              f"{tenant_id}`", file=sys.stderr)
        return 2
    store.set_last_tenant(tenant_id)
    app = build_app(source, read_only=not args.write, now=now, config=config)
    app.run()
    return 0
