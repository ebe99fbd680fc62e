"""`wlx apply PLAN`: run a change plan through wlx's one write path, journalled.

    wlx apply plan.json --dry-run              # what would be sent; nothing is
    wlx apply plan.json                        # preview, then type the count to confirm
    wlx apply plan.json --yes                  # no questions (scripts, change windows)
    wlx apply --resume                         # finish a run stopped by throttling, a 403 or a crash
    wlx apply plan.json --graph-url http://127.0.0.1:8080 --auth none    # a `wlx serve --writable`

Running `wlx apply` on a plan is the admin's request to write: it signs in with the write
scopes (`wlx permissions --write`), checks the signed-in tenant is the plan's, shows every
request, asks for the typed confirmation, and journals each action before and after in the
tenant's cache (`wlx journal`; `wlx undo` reverses what Graph allows). Before each write it
reads the current state, so nothing is done twice, even when resuming.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

HELP = "apply a change plan (wlx-plan/1) to the tenant: previewed, confirmed, journalled"


def add_graph_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the writes go and how to sign in (shared with `wlx undo`)."""
    group = parser.add_argument_group("where the changes go")
    group.add_argument("--graph-url", metavar="URL",
                       help="a Graph-compatible endpoint, e.g. `wlx serve --writable`")
    group.add_argument("--auth", metavar="MODE",
                       choices=("device-code", "browser", "cli", "env", "managed-identity",
                                "workload-identity", "none"),
                       help="sign-in (as for `wlx sync`); none only for a loopback URL")
    group.add_argument("--cloud", default="global",
                       choices=("global", "usgov", "usgov-dod", "china"),
                       help="national cloud (sets the Graph host and the sign-in authority)")
    group.add_argument("--client-id", metavar="ID", help=argparse.SUPPRESS)
    group.add_argument("--token-cache", action="store_true",
                       help="let azure-identity keep its token cache on disk (off by default)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", metavar="PLAN", nargs="?", help="a plan file (wlx-plan/1)")
    parser.add_argument("--dry-run", action="store_true",
                        help="show what would be sent, send nothing")
    parser.add_argument("--yes", action="store_true",
                        help="do not ask for confirmation (the count is not typed)")
    parser.add_argument("--resume", action="store_true",
                        help="finish the newest interrupted run of the tenant from its journal")
    parser.add_argument("--tenant", metavar="T",
                        help="the tenant whose interrupted run to resume (default: the plan's, "
                        "or the last one used)")
    add_graph_arguments(parser)


def say(text: str = "", err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout, flush=True)


class Connection:
    """A sender to Graph for one command: signed in with the write scopes (or none)."""

    def __init__(self, args: argparse.Namespace, tenant_id: str, graph_url: str = "") -> None:
        self.args = args
        self.tenant_id = tenant_id
        self.graph_url = args.graph_url or graph_url
        self.sender: Any = None
        self.principal = ""

    async def open(self) -> None:
        from graph.auth import AuthOptions, is_loopback, prepare_sign_in, sign_in
        from graph.client import client_for
        from graph.writes import GraphSender

        auth = self.args.auth
        if auth is None and self.graph_url and is_loopback(self.graph_url):
            auth = "none"  # a local replay: there is nobody to sign in to
        sign = prepare_sign_in(AuthOptions(
            mode=auth, tenant=self.tenant_id, cloud=self.args.cloud,
            graph_url=self.graph_url or None, token_cache=self.args.token_cache,
            client_id=self.args.client_id, write=True,
            device_code_prompt=lambda url, code, expires: say(
                f"To sign in, open {url} and enter the code {code}", err=True)))
        if sign.credential is not None:
            principal = await sign_in(sign)  # the write scopes: consent is asked here
            self.principal = principal.name
        # through the SDK's adapter: its auth middleware adds the token to each request
        self.sender = GraphSender(client_for(sign))

    async def check_tenant(self) -> str | None:
        """Why this connection is not to the plan's tenant, or None when it is."""
        answer = await self.sender.send("GET", "v1.0/organization?$select=id,displayName")
        if not answer.ok:
            return (f"cannot confirm which tenant this is ({answer.reason}); wlx only "
                    "changes a tenant it can name")
        ids = [str(o.get("id")) for o in (answer.json() or {}).get("value") or []
               if isinstance(o, dict)]
        if self.tenant_id.lower() not in [i.lower() for i in ids]:
            return (f"the plan is for tenant {self.tenant_id}, but this connection is to "
                    f"tenant {', '.join(str(i) for i in ids) or '(unknown)'}")
        return None

    async def close(self) -> None:
        if self.sender is not None:
            await self.sender.aclose()


def confirm(preview: Any, assume_yes: bool, plain: bool = False) -> tuple[bool, str | None]:
    """(go ahead?, what was typed) after showing the confirmation prompt."""
    if assume_yes:
        return True, None
    needed = None if plain else preview.confirmation
    try:
        if needed is None:
            answer = input("Apply? [y/N] ").strip().lower()
            return answer in ("y", "yes"), None
        typed = input(f"{needed.prompt} ")
    except EOFError:
        return False, None
    return needed.matches(typed), typed


def progress_printer() -> Any:
    from models.text import clean

    def show(event: Any) -> None:
        if event.status == "running":
            return
        message = f": {clean(event.message, 200)}" if event.message else ""
        say(f"[{event.index}/{event.total}] {event.status:<8} {clean(event.title, 100)}{message}")
    return show


def run(args: argparse.Namespace) -> int:
    from cache import CacheError, Store
    from graph.auth import AuthError
    from graph.writes import WriteRefused
    from models.plan import PlanError
    from models.text import clean

    if not args.plan and not args.resume:
        say("wlx apply: name a plan file, or --resume", err=True)
        return 2
    store = Store()
    try:
        return asyncio.run(_apply(args, store))
    except (PlanError, WriteRefused, AuthError, CacheError) as exc:
        say(f"wlx apply: {clean(exc)}", err=True)
        return 2
    finally:
        store.close()


async def _apply(args: argparse.Namespace, store: Any) -> int:
    from graph.writes import WriteMode, Writer, build_preview, operation_for
    from tui.commands.journal import choose_tenant
    from tui.commands.plan import cached_context, read_plan

    plan = read_plan(args.plan) if args.plan else None
    tenant_id = plan.tenant_id if plan else (choose_tenant(store, args.tenant) or "")
    if not tenant_id:
        say("wlx apply: which tenant? pass --tenant", err=True)
        return 2
    if plan and args.tenant and args.tenant != plan.tenant_id:
        say(f"wlx apply: the plan is for tenant {plan.tenant_id}, not {args.tenant}", err=True)
        return 2
    tenant = store.tenant(tenant_id)
    context, _ = cached_context(store, tenant_id)
    mode = WriteMode.writable("wlx apply: the admin applies a plan and confirms it")
    writer = Writer(None, tenant.journal, tenant.tenant_id, mode=mode, labels=tenant.labels)
    if args.resume:
        runs = writer.unfinished()
        if not runs:
            say("wlx apply --resume: nothing to resume, every journalled action is finished")
            return 0
        run_id, entries = list(runs.items())[-1]
        ops = [operation_for(e["action"]) for e in entries]
        graph_url = next((e.get("graphUrl") for e in entries if e.get("graphUrl")), "")
        say(f"Resuming run {run_id}: {len(entries)} action(s) not finished")
    else:
        ops = [operation_for(action) for action in plan.actions]
        graph_url = ""
    preview = build_preview(ops, context, mode)
    for line in preview.lines():
        say(line)
    if args.dry_run:
        say("\ndry run: nothing was sent and nothing journalled")
        return 0
    # a resumed run was confirmed when it started: a plain yes is enough
    go, typed = confirm(preview, args.yes, plain=args.resume)
    if not go:
        say("not confirmed: nothing was changed")
        return 1
    async def work(writer: Any) -> Any:
        if args.resume:
            return await writer.resume(run_id, progress=progress_printer())
        return await writer.execute(plan.actions, typed=typed, confirmed=args.yes,
                                    context=context, progress=progress_printer(),
                                    source={"plan": str(args.plan)})

    result = await run_connected(args, "apply", tenant, graph_url, ops, mode, work)
    if result is None:
        return 2
    if result.counts.get("done"):
        say("The cached snapshot does not show these changes yet: `wlx sync` reads them.")
    return 0 if result.complete and not result.failures else 1


async def run_connected(args: argparse.Namespace, command: str, tenant: Any, graph_url: str,
                        ops: list[Any], mode: Any, work: Any) -> Any:
    """Sign in when an operation needs Graph, make sure it is the right tenant, run
    `work(writer)` through the choke point and print its summary; None when the tenant
    is not the one meant (nothing was changed)."""
    from graph.writes import Writer

    connection = Connection(args, tenant.tenant_id, graph_url)
    if any(not op.local for op in ops):
        await connection.open()
        wrong = await connection.check_tenant()
        if wrong:
            await connection.close()
            say(f"wlx {command}: {wrong}; nothing was changed", err=True)
            return None
    writer = Writer(connection.sender, tenant.journal, tenant.tenant_id, mode=mode,
                    principal=connection.principal, labels=tenant.labels)
    try:
        result = await work(writer)
    finally:
        await connection.close()
    say(result.summary())
    for failure in result.failures:
        say(f"  failed: {failure}")
    return result
