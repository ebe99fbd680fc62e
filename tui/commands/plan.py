"""`wlx plan show PLAN`: a change plan (`wlx-plan/1`) as it would run, for review.

Prints each action with the Graph requests wlx would send (reads first, then the writes,
with their bodies), the same change as Microsoft Graph PowerShell commands, how to undo it
and what cannot be undone. Names and credential types come from the tenant's cached
snapshot when there is one; nothing is sent to Graph.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

HELP = "show a change plan: each action with its Graph requests and PowerShell commands"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="plan_command", metavar="ACTION")
    show = sub.add_parser("show", help="print a plan's actions, Graph requests and "
                          "PowerShell commands", description=HELP)
    show.add_argument("plan", metavar="PLAN", help="a plan file (wlx-plan/1 JSON)")
    show.add_argument("--no-powershell", action="store_true",
                      help="leave out the PowerShell commands")
    show.add_argument("--json", action="store_true",
                      help="print the actions with their requests as JSON")


def read_plan(path: str) -> Any:
    """The plan in a file; PlanError (a ValueError) with the file name and the reason."""
    from models.plan import PlanError, load_plan

    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise PlanError(f"{path}: cannot read it: {exc.strerror}") from None
    try:
        return load_plan(text)
    except PlanError as exc:
        raise PlanError(f"{path}: {exc}") from None


def cached_context(store: Any, tenant_id: str) -> tuple[Any, str]:
    """Names and credential types from the tenant's cached snapshot (empty without one),
    and the tenant's display name."""
    from graph.writes import Context

    if not store.has_tenant(tenant_id):
        return Context(), ""
    snapshot = store.tenant(tenant_id).current()
    if snapshot is None:
        return Context(), ""
    try:
        recording = snapshot.recording()
        name = str(snapshot.meta.get("displayName") or "")
    finally:
        snapshot.close()
    return (Context.from_recording(recording) if recording is not None else Context()), name


def run(args: argparse.Namespace) -> int:
    from cache import CacheError, Store
    from graph.writes import build_preview, operation_for
    from models.plan import PlanError
    from models.text import clean

    if getattr(args, "plan_command", None) != "show":
        print("usage: wlx plan show PLAN", file=sys.stderr)
        return 2
    try:
        plan = read_plan(args.plan)
    except PlanError as exc:
        print(f"wlx plan: {clean(exc)}", file=sys.stderr)
        return 2
    store = Store()
    try:
        context, tenant_name = cached_context(store, plan.tenant_id)
    except CacheError as exc:
        print(f"wlx plan: the cache could not be read ({clean(exc)}); showing ids only",
              file=sys.stderr)
        from graph.writes import Context

        context, tenant_name = Context(), ""
    finally:
        store.close()
    ops = [operation_for(action) for action in plan.actions]
    preview = build_preview(ops, context)
    if args.json:
        print(json.dumps([_item_json(item) for item in preview.items], indent=2,
                         ensure_ascii=False))
        return 0
    name = f" ({clean(tenant_name)})" if tenant_name else ""
    print(f"Plan {clean(args.plan)} for tenant {clean(plan.tenant_id)}{name}: "
          f"{len(ops)} action(s), {preview.tenant_changes} change(s) to the tenant")
    if plan.description:
        print(f"  {clean(plan.description)}")
    if not context.names:
        print("  (no cached snapshot of this tenant: objects are shown by id; "
              "`wlx sync` first to see names)")
    print()
    for line in preview.lines(powershell=not args.no_powershell):
        print(line)
    print()
    print(f"Apply it with: wlx apply {clean(args.plan)} (asks before changing anything)")
    return 0


def _item_json(item: Any) -> dict[str, Any]:
    return {"action": item.op.to_json(), "title": item.title,
            "reads": [r.to_json() for r in item.reads],
            "requests": [{**r.to_json(), **({"when": r.note} if r.note else {})}
                         for r in item.writes],
            "powershell": item.powershell, "undo": item.undo,
            "cannotBeUndone": item.irreversible, "notPossible": item.blocked}
