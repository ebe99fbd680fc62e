"""`wlx cache list | clear TENANT | clear --all`: see and remove cached tenants.

The cache lives in `$XDG_CACHE_HOME/wlx` (default `~/.cache/wlx`). Clearing a tenant
removes its snapshots, labels and action journal, so it asks first unless `--yes`.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cache import Store

HELP = "list cached tenants, or clear one (or all) from the local cache"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="cache_action", metavar="ACTION")
    listing = actions.add_parser("list", help="cached tenants: name, last sync, age, size")
    listing.add_argument("--now", metavar="ISO", help="evaluate ages as of this time")
    clear = actions.add_parser("clear", help="delete a tenant's cache (snapshots, labels, "
                                             "journal), or all of it")
    clear.add_argument("tenant", nargs="?", metavar="TENANT", help="tenant id as listed")
    clear.add_argument("--all", action="store_true", help="every tenant, and what was moved aside")
    clear.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")


def run(args: argparse.Namespace) -> int:
    from cache import CacheError, Store

    try:
        store = Store()
    except CacheError as exc:
        print(f"wlx cache: {exc}", file=sys.stderr)
        return 2
    try:
        if getattr(args, "cache_action", None) == "clear":
            return _clear(store, args)
        return _list(store, getattr(args, "now", None))
    except CacheError as exc:
        print(f"wlx cache: {exc}", file=sys.stderr)
        return 2
    finally:
        for notice in store.notices:
            print(f"note: {notice}", file=sys.stderr)
        store.close()


def _list(store: Store, now_text: str | None) -> int:
    from models.text import clean

    try:
        now = _parse_now(now_text)
    except ValueError:
        print(f"wlx cache: --now {clean(now_text)} is not an ISO-8601 time", file=sys.stderr)
        return 2
    tenants = store.tenants()
    print(f"cache: {store.root}")
    if not tenants:
        print("no tenants cached yet; `wlx sync` loads one")
    else:
        rows = [("TENANT", "NAME", "LAST SYNC", "AGE", "GENERATIONS", "SIZE")]
        for t in tenants:
            rows.append((
                t.tenant_id, clean(t.display_name, 32) or "-",
                t.last_sync.strftime("%Y-%m-%d %H:%M UTC") if t.last_sync else "never",
                age(now - t.last_sync) if t.last_sync else "-",
                str(t.generations), size(t.size),
            ))
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    aside = store.aside()
    if aside:
        total = sum(entry.size for entry in aside)
        print(f"moved aside (damaged or from another wlx version, kept until cleared): "
              f"{len(aside)} item(s), {size(total)} in {store.root / 'aside'}")
    return 0


def _clear(store: Store, args: argparse.Namespace) -> int:
    from models.text import clean

    if args.all == bool(args.tenant):
        print("wlx cache clear: give a TENANT or --all", file=sys.stderr)
        return 2
    if args.all:
        targets = store.tenants()
        what = f"all {len(targets)} cached tenant(s)"
    else:
        if not store.has_tenant(args.tenant):
            print(f"wlx cache clear: tenant {clean(args.tenant)} is not in the cache "
                  "(`wlx cache list` shows what is)", file=sys.stderr)
            return 1
        key = store.tenant(args.tenant).tenant_id
        targets = [t for t in store.tenants() if t.tenant_id == key]
        what = f"tenant {key}" + (f" ({clean(targets[0].display_name, 40)})"
                                  if targets and targets[0].display_name else "")
    total = sum(t.size for t in targets)
    open_actions = sum(len(store.tenant(t.tenant_id).journal.unfinished())
                       for t in targets)
    print(f"This deletes the cached data of {what}: {size(total)}, with labels and the "
          "action journal.")
    if open_actions:
        print(f"The journal holds {open_actions} unfinished action(s) that `wlx apply "
              "--resume` would need.")
    if not args.yes and not _confirm("Delete it? [y/N] "):
        print("nothing deleted")
        return 1
    if args.all:
        count = store.clear_all()
        print(f"deleted {count} tenant(s) and everything moved aside")
    else:
        store.clear(args.tenant)
        print(f"deleted tenant {key}")
    return 0


def _confirm(prompt: str) -> bool:
    try:
        answer = input(prompt)
    except EOFError:
        print()
        return False
    return answer.strip().lower() in ("y", "yes")


def _parse_now(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)  # the command line is where wall-clock time comes in
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def age(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h {seconds % 3600 // 60}m"
    return f"{seconds // 86400}d {seconds % 86400 // 3600}h"


def size(count: int) -> str:
    value = float(count)
    for unit in ("B", "KB", "MB"):
        if value < 1000:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"
