"""The explorer's writes (issue 6): the glue between the screens and graph.writes.

Modules: session (the per-session writer: where writes go, sign-in with write scopes on
first use, the writable replay of the demo and recordings), actions (the cleanup row
actions, confirm, run, result, resume). The journal view is tui/screens/journal.py.
`register()` runs once when the app module loads.
"""

from __future__ import annotations

from typing import Any

from tui.actions import RowAction, register_action

REMOVABLE_KINDS = frozenset({"credential", "federated-credential", "app-permission",
                             "delegated-grant", "owner"})


def _lazy(name: str) -> Any:
    """A row action's run, importing tui.writes.actions (Textual dialogs) on first use."""
    def run(app: Any, targets: list[Any]) -> None:
        from tui.writes import actions

        getattr(actions, name)(app, targets)
    return run


def register() -> None:
    from tui.screens.registry import register_screen
    from tui.screens.views import View, register_view

    identity = frozenset({"identity"})
    # ctrl+d is the view's own "disable" binding (tui/keys.py), which runs this one
    register_action(RowAction("disable_service_principal", "ctrl+d", "Disable", identity,
                              _lazy("disable"), show=False))
    register_action(RowAction("enable_service_principal", "E", "Enable", identity,
                              _lazy("enable"), show=False))
    register_action(RowAction("remove", "ctrl+x", "Remove", REMOVABLE_KINDS, _lazy("remove"),
                              show=False))
    register_action(RowAction("delete_application", "D", "Delete app", identity,
                              _lazy("delete_application"), show=False))
    _register_labels_and_plans()

    def journal(location: Any) -> Any:
        from tui.screens.journal import JournalScreen

        return JournalScreen(location)
    register_screen("journal", journal)
    register_view(View("journal", "Journal", "what wlx changed in this tenant; u undoes, "
                       "U undoes the last run", screen="journal", sort=(None, False),
                       synonyms=("history", "undo")))


def _register_labels_and_plans() -> None:
    """L labels (local: allowed in read-only mode), P saves a plan, F fixes a finding."""
    def labels(app: Any, targets: list[Any]) -> None:
        from tui.writes.labels import edit_labels

        edit_labels(app, targets)
    # every row that belongs to an identity: the detail view's tabs label their identity
    labelled = frozenset({"identity", "credential", "federated-credential", "app-permission",
                          "delegated-grant", "owner", "finding", "directory-role", "group",
                          "sign-in", "audit-event", "risk-detection"})
    # not in the footer (show=False), like the other write keys: the help lists them
    register_action(RowAction("labels", "L", "Labels", labelled, labels, writes=False,
                              show=False))

    def plan(app: Any, targets: list[Any]) -> None:
        from tui.writes.plan_save import save_plan

        save_plan(app, targets)
    # saving a plan sends nothing: allowed in read-only mode
    register_action(RowAction("save_plan", "P", "Save as plan", frozenset({"identity"}), plan,
                              writes=False, show=False))

    def fix(app: Any, targets: list[Any]) -> None:
        from tui.writes.fix import fix as fix_finding

        fix_finding(app, targets)
    register_action(RowAction("fix_finding", "F", "Fix", frozenset({"finding"}), fix,
                              show=False))
