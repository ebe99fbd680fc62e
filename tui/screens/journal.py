"""`:journal`: what wlx changed in this tenant, newest first, and undo from the keyboard.

One row per journal entry: time, who, action, target, status, outcome, undo availability.
enter shows the entry (its requests and the prior state it keeps for undo); `u` undoes the
selected entry, or the marked ones (with their own confirm); `U` / ctrl+z undo the newest
run that changed something; `R` resumes a run stopped by throttling, a 403 or a crash.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from graph.writes import row as journal_row
from models.query import search_text
from tui.screens.row_list import TABLE_CSS, RowListScreen
from tui.widgets.table_model import Column, RowSet

STATUS_TONE = {"failed": "error", "running": "warning", "planned": "warning",
               "done": "success", "undone": None, "skipped": None}


class JournalScreen(RowListScreen):
    DEFAULT_CSS = TABLE_CSS.format(name="JournalScreen")
    BINDINGS = [Binding("u", "undo_selected", "Undo", id="journal_undo"),
                Binding("U,ctrl+z", "undo_last", "Undo last run", id="journal_undo_last"),
                Binding("R", "resume", "Resume", id="journal_resume")]
    view_title = "Journal"
    uses_index = False
    reloads_with_index = True

    def columns(self) -> list[Column]:
        return [Column("recorded", "TIME", lambda r: r.recorded[:19].replace("T", " "),
                       width=19),
                Column("by", "WHO", lambda r: r.by, min_width=8, max_width=28),
                Column("action", "ACTION", lambda r: r.action, min_width=10, max_width=28),
                Column("title", "TARGET", lambda r: r.title, min_width=20, flex=3),
                Column("status", "STATUS", lambda r: r.status, width=8,
                       tone=lambda r: STATUS_TONE.get(r.status)),
                Column("outcome", "OUTCOME", lambda r: r.outcome, min_width=8, flex=2),
                Column("undo", "UNDO", lambda r: r.undo, min_width=6, max_width=24)]

    def row_id(self, row: Any) -> str:
        return row.id

    def search(self, row: Any) -> str:
        return search_text(row.title, row.action, row.status, row.by, row.outcome)

    def fields(self) -> dict[str, Any]:
        return {"status": lambda r: r.status, "action": lambda r: r.action}

    def build_rows(self, index: RowSet | None = None) -> list[Any]:
        from tui.writes.session import session_of

        entries = session_of(self.wlx).journal().entries()
        return [journal_row(e) for e in reversed(entries)]

    def on_mount(self) -> None:
        super().on_mount()
        if self.wlx.rowset is None:  # the journal does not need the index
            self.build(RowSet([], lambda r: r.id, lambda r: ""))

    def view_name(self) -> str:
        return "journal"

    def subtitle(self, table: Any) -> str:
        from tui.writes.session import session_of

        unfinished = session_of(self.wlx).offline_writer().unfinished()
        return f"{len(unfinished)} run(s) unfinished: R resumes" if unfinished else ""

    # -- enter: the entry as kept ----------------------------------------------------
    def on_virtual_table_row_selected(self, event: Any) -> None:
        event.stop()
        entry = self._entry(event.row.id)
        if entry is not None:
            self.wlx.show_raw(f"journal entry {event.row.id}", entry)

    def _entry(self, entry_id: str) -> dict[str, Any] | None:
        from tui.writes.session import session_of

        return session_of(self.wlx).journal().get(entry_id)

    # -- undo and resume ---------------------------------------------------------------
    def action_undo_selected(self) -> None:
        table = self.table
        rows = (table.marked if table is not None else []) or [self.selected()]
        entries = [e for e in (self._entry(r.id) for r in rows if r is not None) if e]
        self._undo(entries)

    def action_undo_last(self) -> None:
        from tui.writes.session import session_of

        entries = session_of(self.wlx).offline_writer().last_undoable()
        if not entries:
            self.flash("nothing to undo: no run in the journal changed anything", "warning")
            return
        self._undo(entries)

    def _undo(self, entries: list[dict[str, Any]]) -> None:
        from tui.writes.actions import run_actions
        from tui.writes.session import session_of

        writer = session_of(self.wlx).offline_writer()
        actions, _ids, problems = writer.undo_actions(entries)
        if not actions:
            self.flash("; ".join(problems) or "nothing to undo", "warning")
            return
        if problems:
            self.flash(f"{len(problems)} cannot be undone: {problems[0]}", "warning")
        run_actions(self.wlx, "Undo", actions, undoes=entries)

    def action_resume(self) -> None:
        from tui.writes.actions import resume

        resume(self.wlx)
