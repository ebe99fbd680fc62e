"""The cleanup actions of the explorer (issue 6), as row actions of tui/actions.py.

Each one turns the marked rows (or the cursor row) into plan actions through
models.remedies (so what is impossible says why: managed identities, first-party apps),
then `run_actions` shows the confirm dialog, runs them through the session's writer with
progress in the flash line, shows the result, and refreshes so the change shows.
"""

from __future__ import annotations

from typing import Any

from graph.writes import WriteRefused
from models.remedies import Remedy, actions_for
from tui.dialogs.action_confirm import SAVE_PLAN, ActionConfirm, RunSummary, summary_lines
from tui.writes.session import session_of

IDENTITY = frozenset({"identity"})
REMOVABLE = {  # row kind -> the plan action that removes it
    "credential": "remove-credential",
    "federated-credential": "remove-federated-credential",
    "app-permission": "remove-app-role-assignment",
    "delegated-grant": "remove-delegated-grant",
    "owner": "remove-owner",
}


def _matches(remedy: Remedy, name: str, object_id: str) -> bool:
    if remedy.action.action != name:
        return False
    return not object_id or object_id in remedy.action.to_json().values()


def remedies_for(app: Any, targets: list[Any], name_of: Any) -> tuple[list[Remedy], list[Any]]:
    """(the remedies the targets ask for, the identities they belong to); runs in a thread.
    `name_of(target)` gives the plan action name (None: not for this row)."""
    found: list[Remedy] = []
    identities: dict[str, Any] = {}
    for target in targets:
        name = name_of(target)
        if name is None or not target.identity_id:
            continue
        identity = identities.get(target.identity_id)
        if identity is None:
            identity = app.source.detail(target.identity_id)
            if identity is None:
                continue
            identities[target.identity_id] = identity
        object_id = "" if target.kind == "identity" else target.object_id
        found += [r for r in actions_for(identity) if _matches(r, name, object_id)]
    return found, list(identities.values())


def on_outcome(app: Any, callback: Any) -> None:
    """Call `callback(outcome)` once when the next action started on `app` ends: "done"
    (something was changed), "cancelled", "refused", "failed" or "nothing" (e.g. the
    maintenance queue marks its item done only when the change was made)."""
    app._wlx_write_outcome = callback


def report_outcome(app: Any, what: str) -> None:
    """What the running action says when it ends (see on_outcome)."""
    callback = getattr(app, "_wlx_write_outcome", None)
    app._wlx_write_outcome = None
    if callback is not None:
        callback(what)


def start(app: Any, title: str, targets: list[Any], name_of: Any) -> None:
    """Find what the rows ask for (a thread), then confirm and run it."""
    def prepare() -> None:
        remedies, _ = remedies_for(app, targets, name_of)
        app.call_from_thread(_chosen, app, title, remedies)
    app.run_worker(prepare, thread=True, group="writes", exit_on_error=False)


def _chosen(app: Any, title: str, remedies: list[Remedy]) -> None:
    blocked = [r for r in remedies if not r.possible]
    possible = [r for r in remedies if r.possible]
    if not possible:
        why = blocked[0].blocked if blocked else "nothing to do on these rows"
        app.flash(f"{title}: {why}", "warning")
        report_outcome(app, "nothing")
        return
    if blocked:
        app.flash(f"{len(blocked)} left out: {blocked[0].blocked}", "warning")
    run_actions(app, title, [r.action for r in possible])


def run_actions(app: Any, title: str, actions: list[Any], *,
                undoes: list[dict[str, Any]] | None = None) -> None:
    """Preview (names from the snapshot, read in a thread), confirm, run, report. An undo
    when `undoes` are journal entries. No worker waits on a dialog: each step starts the
    next from a callback."""
    session = session_of(app)

    def prepare() -> None:
        context = session.context()
        preview = session.offline_writer().preview(actions, context)
        app.call_from_thread(_confirm, app, title, actions, context, preview, undoes)
    app.run_worker(prepare, thread=True, group="writes", exit_on_error=False)


def _confirm(app: Any, title: str, actions: list[Any], context: Any, preview: Any,
             undoes: list[dict[str, Any]] | None) -> None:
    session = session_of(app)
    if preview.refused and preview.tenant_changes:
        app.flash(f"{title}: {preview.refused}", "warning")
        report_outcome(app, "refused")
        return

    def confirmed(typed: str | None) -> None:
        if typed is None:
            app.flash(f"{title}: cancelled, nothing was sent")
            report_outcome(app, "cancelled")
            return
        if typed == SAVE_PLAN:
            from tui.writes.plan_save import save_actions

            save_actions(app, title, actions)
            report_outcome(app, "saved as a plan")
            return
        app.run_worker(_execute(app, title, actions, context, typed, undoes), group="writes",
                       exit_on_error=False)
    app.push_screen(ActionConfirm(title, preview, session.where or _where(session),
                                  verb=title, can_plan=undoes is None), confirmed)


def _reporter(app: Any, title: str, progress: list[str]) -> Any:
    def report(event: Any) -> None:
        if event.status == "running":
            app.flash(f"{title}: {event.index}/{event.total} {event.title}")
            return
        message = f": {event.message}" if event.message else ""
        progress.append(f"[{event.index}/{event.total}] {event.status:<8} {event.title}"
                        f"{message}")
    return report


async def _execute(app: Any, title: str, actions: list[Any], context: Any, typed: str,
                   undoes: list[dict[str, Any]] | None) -> None:
    progress: list[str] = []
    report = _reporter(app, title, progress)
    try:
        writer = await session_of(app).connected()
        if undoes is not None:
            result = await writer.undo(undoes, typed=typed, context=context, progress=report)
        else:
            result = await writer.execute(actions, typed=typed, context=context,
                                          progress=report)
    except WriteRefused as exc:
        app.flash(f"{title}: {exc}", "error")
        report_outcome(app, "refused")
        return
    except Exception as exc:  # a sign-in or connection failure: say it, keep running
        app.flash(f"{title}: cannot reach Graph: {type(exc).__name__}: {exc}", "error")
        report_outcome(app, "failed")
        return
    report_outcome(app, "done" if result.counts.get("done") and not result.failures else "failed")
    show_result(app, title, result, progress)


def show_result(app: Any, title: str, result: Any, progress: list[str]) -> None:
    severity = "success" if result.complete and not result.failures else "error"
    app.flash(result.summary().splitlines()[0], severity)

    def closed(choice: str | None) -> None:
        reload = getattr(app.screen, "reload", None)
        if reload is not None:  # the journal shows the new entries
            reload()
        if result.counts.get("done"):
            app.action_refresh()  # the change shows once the new snapshot is read
        if choice == "resume":
            resume(app, result.run_id)
    app.push_screen(RunSummary(f"{title}: result", summary_lines(result, progress),
                               resumable=bool(result.remaining)), closed)


def resume(app: Any, run_id: str | None = None) -> None:
    """Finish a stopped run (the newest unfinished one unless `run_id`)."""
    async def work() -> None:
        progress: list[str] = []
        try:
            writer = await session_of(app).connected()
            result = await writer.resume(run_id, progress=_reporter(app, "Resume", progress))
        except WriteRefused as exc:
            app.flash(f"resume: {exc}", "error")
            return
        show_result(app, "Resume", result, progress)
    app.run_worker(work(), group="writes", exit_on_error=False)


def _where(session: Any) -> str:
    source = session.source()
    if source is not None and source.kind in ("demo", "replay"):
        from tui.writes.session import IN_SESSION
        return IN_SESSION
    return ""


# -- the row actions ------------------------------------------------------------------
def disable(app: Any, targets: list[Any]) -> None:
    start(app, "Disable", targets,
          lambda t: "disable-service-principal" if t.kind == "identity" else None)


def enable(app: Any, targets: list[Any]) -> None:
    start(app, "Enable", targets,
          lambda t: "enable-service-principal" if t.kind == "identity" else None)


def remove(app: Any, targets: list[Any]) -> None:
    start(app, "Remove", targets, lambda t: REMOVABLE.get(t.kind))


def delete_application(app: Any, targets: list[Any]) -> None:
    start(app, "Delete application", targets,
          lambda t: "delete-application" if t.kind == "identity" else None)
