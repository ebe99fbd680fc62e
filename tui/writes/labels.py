"""The label row action (`L`, issue 6): the labels dialog, then one journalled `set-label`
per identity through the session's offline writer (labels are local: no sign-in, allowed
in read-only mode, undoable from the journal). The list shows the change at once:
the source re-reads the labels onto its index rows and the view rebuilds its rows.
"""

from __future__ import annotations

from typing import Any

from graph.writes import WriteRefused
from models.plan import SetLabel
from tui.writes.session import session_of


def identity_ids(targets: list[Any]) -> list[str]:
    """The identities the rows belong to, once each, in order."""
    seen: list[str] = []
    for target in targets:
        if target.identity_id and target.identity_id not in seen:
            seen.append(target.identity_id)
    return seen


def _name(app: Any, identity_id: str) -> str:
    row = app.identity_row(identity_id)
    return getattr(row, "display_name", "") or identity_id


def edit_labels(app: Any, targets: list[Any]) -> None:
    """Open the labels dialog for the targets' identities; save what the admin changed."""
    from tui.dialogs.labels import LabelsDialog

    ids = identity_ids(targets)
    if not ids:
        app.flash("labels: no identity here", "warning")
        return
    store = session_of(app).labels()
    documents = [store.get(i) or {} for i in ids]

    def chosen(change: dict[str, Any] | None) -> None:
        if change is None:
            app.flash("labels: nothing changed")
            return
        app.run_worker(save_labels(app, ids, change), group="writes", exit_on_error=False)
    app.push_screen(LabelsDialog([_name(app, i) for i in ids], documents), chosen)


async def save_labels(app: Any, ids: list[str], change: dict[str, Any]) -> None:
    actions = [SetLabel(identityId=i, label=change) for i in ids]
    try:
        result = await session_of(app).offline_writer().execute(actions, confirmed=True)
    except (WriteRefused, ValueError) as exc:
        app.flash(f"labels: {exc}", "error")
        return
    if result.failures:
        app.flash(f"labels: {result.failures[0]}", "error")
    else:
        app.flash(f"labels saved for {len(ids)} "
                  f"identit{'y' if len(ids) == 1 else 'ies'} (local; u in :journal undoes)",
                  "success")
    show_labels(app)


def show_labels(app: Any) -> None:
    """Put the stored labels on the rows and redraw the views that show them."""
    reload_labels = getattr(app.source, "reload_labels", None)
    if reload_labels is not None:
        reload_labels()
    for screen in app.screen_stack:
        reload = getattr(screen, "reload", None)
        if reload is not None:
            reload()
