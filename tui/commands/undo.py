"""`wlx undo --last` / `wlx undo ENTRY...`: reverse journalled changes where Graph allows.

`--last` takes every done action of the newest run (a bulk disable of three service
principals is undone as one); ENTRY is a journal entry id (`wlx journal` lists them) or a
run id. Undo re-enables, re-adds app role assignments, delegated grants, owners,
federated credentials and certificates, restores deleted applications (with their
service principals) and puts labels back; it says plainly what cannot be undone (a removed
client secret's value is gone). Undo runs through the same choke point as every write:
previewed, confirmed, journalled, and itself undoable.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

HELP = "undo journalled changes (the last run, or given entries) where Graph allows"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from tui.commands.apply import add_graph_arguments

    parser.add_argument("entries", metavar="ENTRY", nargs="*",
                        help="journal entry ids or run ids (see `wlx journal`)")
    parser.add_argument("--last", action="store_true", help="undo the newest run")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--tenant", metavar="T",
                        help="the tenant whose journal to use (default: the last one used)")
    add_graph_arguments(parser)


def pick(journal: Any, writer: Any, wanted: list[str], last: bool) -> list[dict[str, Any]]:
    """The entries named on the command line, in the order to undo them (newest first)."""
    from cache.journal import entry_id

    if last:
        return writer.last_undoable()
    found: dict[str, dict[str, Any]] = {}
    everything = None
    for text in wanted:
        if text.strip().isdigit():
            entry = journal.get(entry_id(text))
            if entry is None:
                raise LookupError(f"no journal entry {text}")
            found[entry["id"]] = entry
            continue
        everything = everything if everything is not None else journal.entries()
        run = [e for e in everything if e.get("run") == text and e.get("status") == "done"]
        if not run:
            raise LookupError(f"no entry or run {text!r} with done actions in the journal")
        found.update({e["id"]: e for e in run})
    return sorted(found.values(), key=lambda e: e["id"], reverse=True)


def run(args: argparse.Namespace) -> int:
    from cache import CacheError, Store
    from graph.auth import AuthError
    from graph.writes import WriteRefused
    from models.text import clean

    if not args.last and not args.entries:
        print("wlx undo: say what to undo: --last, or journal entry or run ids", file=sys.stderr)
        return 2
    store = Store()
    try:
        return asyncio.run(_undo(args, store))
    except (LookupError, ValueError, WriteRefused, AuthError, CacheError) as exc:
        print(f"wlx undo: {clean(exc)}", file=sys.stderr)
        return 2
    finally:
        store.close()


async def _undo(args: argparse.Namespace, store: Any) -> int:
    from graph.writes import WriteMode, Writer, build_preview, operation_for
    from models.text import clean
    from tui.commands.apply import confirm, progress_printer, run_connected, say
    from tui.commands.journal import choose_tenant
    from tui.commands.plan import cached_context

    tenant_id = choose_tenant(store, args.tenant) or ""
    if not tenant_id:
        say("wlx undo: which tenant? pass --tenant", err=True)
        return 2
    tenant = store.tenant(tenant_id)
    mode = WriteMode.writable("wlx undo: the admin undoes journalled changes and confirms it")
    journal_only = Writer(None, tenant.journal, tenant_id, mode=mode, labels=tenant.labels)
    entries = pick(tenant.journal, journal_only, args.entries, args.last)
    if not entries:
        say("wlx undo: nothing to undo in the journal of this tenant")
        return 0
    actions, ids, problems = journal_only.undo_actions(entries)
    for problem in problems:
        say(f"not undone: {clean(problem)}")
    if not actions:
        return 1
    context, _ = cached_context(store, tenant_id)
    ops = [operation_for(a) for a in actions]
    say(f"Undo of {len(ids)} journalled action(s): {', '.join(ids)}")
    preview = build_preview(ops, context, mode)
    for line in preview.lines():
        say(line)
    go, typed = confirm(preview, args.yes)
    if not go:
        say("not confirmed: nothing was changed")
        return 1
    graph_url = next((e.get("graphUrl") for e in entries if e.get("graphUrl")), "")

    async def work(writer: Any) -> Any:
        return await writer.undo(entries, typed=typed, confirmed=args.yes, context=context,
                                 progress=progress_printer())

    result = await run_connected(args, "undo", tenant, graph_url, ops, mode, work)
    if result is None:
        return 2
    return 0 if result.complete and not result.failures and not problems else 1
