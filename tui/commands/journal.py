"""`wlx journal`: every change wlx made (or tried) in a tenant, newest run last.

One line per action: entry id, time, status, what it did, Graph's answer, and whether it
can be undone (`wlx undo ENTRY`, `wlx undo --last`). Runs that did not finish are named
with the command that finishes them. `--json` prints the entries as stored (prior state
and exact requests included; never a secret: the journal refuses them).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

HELP = "list the journal of changes made to a tenant (and what can be undone)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--tenant", metavar="T",
                        help="tenant id or domain (default: the last one used)")
    parser.add_argument("--limit", type=int, default=200, metavar="N",
                        help="the newest N entries (default 200; 0 for all)")
    parser.add_argument("--run", metavar="RUN", help="only the entries of this run")
    parser.add_argument("--json", action="store_true", help="the entries as stored, as JSON")


def choose_tenant(store: Any, text: str | None) -> str | None:
    """The tenant meant: `text` (id, name or id prefix), else the last one used, else the
    only one in the cache."""
    if text:
        return store.find(text) or (text if store.has_tenant(text) else None)
    last = store.last_tenant()
    if last:
        return last
    tenants = store.tenants()
    return tenants[0].tenant_id if len(tenants) == 1 else None


def run(args: argparse.Namespace) -> int:
    from cache import CacheError, Store
    from models.text import clean

    store = Store()
    try:
        tenant_id = choose_tenant(store, args.tenant)
        if tenant_id is None:
            what = f"tenant {clean(args.tenant)} is not in the cache" if args.tenant else \
                "which tenant? pass --tenant"
            print(f"wlx journal: {what}", file=sys.stderr)
            return 1
        entries = store.tenant(tenant_id).journal.entries(limit=args.limit or None)
    except CacheError as exc:
        print(f"wlx journal: {clean(exc)}", file=sys.stderr)
        return 2
    finally:
        store.close()
    if args.run:
        entries = [e for e in entries if e.get("run") == args.run]
    if args.json:
        print(json.dumps(entries, indent=2, ensure_ascii=False))
        return 0
    for line in lines(tenant_id, entries):
        print(line)
    return 0


def lines(tenant_id: str, entries: list[dict[str, Any]]) -> list[str]:
    from graph.writes import row
    from models.text import clean

    if not entries:
        return [f"The journal of tenant {tenant_id} is empty: wlx has changed nothing there."]
    out = [f"Journal of tenant {tenant_id}: {len(entries)} entr{'y' if len(entries) == 1 else 'ies'}"]
    run = None
    open_runs: dict[str, int] = {}
    for entry in entries:
        r = row(entry)
        if r.run != run:
            run = r.run
            out += ["", f"run {clean(run)} ({r.kind}) by {clean(r.by, 60)}"]
        outcome = f"  {clean(r.outcome, 160)}" if r.outcome else ""
        undo = f"  [undo: {clean(r.undo, 100)}]" if r.undo else ""
        out.append(f"  {r.id}  {r.recorded[:19]}  {r.position:>7}  {r.status:<8} "
                   f"{clean(r.title, 90)}{outcome}{undo}")
        if r.status in ("planned", "running"):
            open_runs[r.run] = open_runs.get(r.run, 0) + 1
    for run_id, count in open_runs.items():
        out += ["", f"run {clean(run_id)} has {count} unfinished action(s): "
                "`wlx apply --resume` finishes it"]
    return out
