"""`P`: save the marked identities as a change plan instead of disabling them (issue 6).

The plan (`wlx-plan/1`, models.plan) holds one `disable-service-principal` per marked
identity that can be disabled (managed identities and first-party apps are left out, with
the reason); `wlx apply` runs it later, after the change board said yes. Nothing is sent:
this works in read-only mode. The file is the admin's to hand on, so it is written 0600
and never replaces a file without asking.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.plan import PlanError, make_plan
from tui.triage.files import save_text
from tui.writes.actions import remedies_for
from tui.writes.session import session_of

ACTION = "disable-service-principal"


def plan_text(app: Any, targets: list[Any]) -> tuple[str, int, list[str]]:
    """(the plan as JSON, how many actions, why some rows were left out); runs in a thread."""
    remedies, _ = remedies_for(app, targets, lambda t: ACTION if t.kind == "identity" else None)
    possible = [r.action for r in remedies if r.possible]
    blocked = [r.blocked for r in remedies if not r.possible and r.blocked]
    meta = app.meta or app.source.meta()
    plan = make_plan(session_of(app).tenant_id, possible,
                     description=f"disable {len(possible)} service principals "
                                 f"(saved by wlx from {meta.tenant_name or meta.tenant_id})",
                     createdAt=app.now().isoformat())
    return plan.dumps(), len(possible), blocked


def save_actions(app: Any, title: str, actions: list[Any]) -> None:
    """The confirm dialog's "Save as plan": these exact actions, to apply later."""
    meta = app.meta or app.source.meta()
    try:
        plan = make_plan(session_of(app).tenant_id, actions,
                         description=f"{title}: {len(actions)} actions (saved by wlx from "
                                     f"{meta.tenant_name or meta.tenant_id})",
                         createdAt=app.now().isoformat())
    except PlanError as exc:
        app.flash(f"plan: {exc}", "error")
        return
    _ask(app, plan.dumps(), len(actions), [], what=f"{title.lower()} ({len(actions)} actions)")


def default_path(app: Any) -> Path:
    return Path.cwd() / f"wlx-plan-{app.now():%Y%m%d-%H%M}.json"


def save_plan(app: Any, targets: list[Any]) -> None:
    """Build the plan in a thread, then ask where to write it."""
    def prepare() -> None:
        try:
            text, count, blocked = plan_text(app, targets)
        except PlanError as exc:
            app.call_from_thread(app.flash, f"plan: {exc}", "error")
            return
        app.call_from_thread(_ask, app, text, count, blocked)
    app.run_worker(prepare, thread=True, group="writes", exit_on_error=False)


def _ask(app: Any, text: str, count: int, blocked: list[str], what: str = "") -> None:
    if not count:
        why = blocked[0] if blocked else "mark identities (space) to plan disabling them"
        app.flash(f"plan: nothing to save: {why}", "warning")
        return
    what = what or f"disable {count} identities"
    left_out = f" ({len(blocked)} left out: {blocked[0]})" if blocked else ""
    save_text(app, default_path(app), text, "Save as a plan",
              f"a plan to {what} (wlx-plan/1, for wlx apply)",
              f"plan to {what}{left_out}, for `wlx apply`, saved")
