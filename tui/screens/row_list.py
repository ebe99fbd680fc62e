"""A view whose rows are built in a worker from the snapshot (findings, credentials,
pivots, a principal): the frame they share.

Subclasses give the columns, how to build the rows (off the UI thread), the title, and
what a row links to; this does the loading state, the k9s title, the filter and the
reload after a refresh (keeping filter, sort and cursor). Rows are built once the list
index is there, since they join with it (names, tiers, owners).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from textual import work
from textual.worker import get_current_worker
from textual.app import ComposeResult

from tui.screens.base import ViewScreen
from tui.screens.identity_list import list_title
from tui.screens.links import Location
from tui.widgets.table_model import Column, RowSet, TableState
from tui.widgets.virtual_table import VirtualTable

TABLE_CSS = """
{name} VirtualTable {{
    border: round $primary-darken-1;
    border-title-align: center;
    border-subtitle-align: right;
    border-title-color: $text;
    border-title-style: bold;
    &:focus {{ border: round $primary; }}
}}
"""


class RowListScreen(ViewScreen):
    """A table of rows built by `build_rows()` in a thread worker."""

    reloads_with_index = True

    view_title = "Rows"
    markable = True
    default_sort: tuple[str | None, bool] = (None, False)

    def __init__(self, location: Location) -> None:
        super().__init__(location)
        self.rows: list[Any] = []
        self.built = False
        self._pending_state: TableState | None = None

    # -- what subclasses give ---------------------------------------------------------
    def columns(self) -> list[Column]:
        raise NotImplementedError

    def row_id(self, row: Any) -> str:
        raise NotImplementedError

    def search(self, row: Any) -> str:
        raise NotImplementedError

    def build_rows(self, index: RowSet) -> list[Any]:
        """Runs in a thread: read what the view needs from the source."""
        raise NotImplementedError

    def empty_text(self) -> str:
        return "nothing matches the filter" if self.rows else "nothing to show"

    def counts(self, table: VirtualTable) -> tuple[int, int]:
        """(shown, total) for the title."""
        return table.row_count, table.total_count

    def subtitle(self, table: VirtualTable) -> str:
        return ""

    # -- the frame --------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        yield VirtualTable(self.columns(), self.row_id, self.search, empty_text="loading…",
                           markable=self.markable, id="rows")

    def on_mount(self) -> None:
        table = self.query_one(VirtualTable)
        table.model.set_sort(*self.default_sort)
        table.filter_text = self.location.filter_text
        table.model.predicate = self.predicate(self.location.filter_text)
        table.loading = True
        self.update_title()
        if self.wlx.rowset is not None:
            self.rows_loaded(self.wlx.rowset)

    def rows_loaded(self, index: RowSet) -> None:
        """The app read (or re-read) the list index: build the rows again."""
        self.build(index)

    def reload(self) -> None:
        if self.wlx.rowset is not None:
            self.build(self.wlx.rowset)

    @work(thread=True, exclusive=True, group="rows", exit_on_error=False)
    def build(self, index: RowSet) -> None:
        rows = self.build_rows(index)
        if not get_current_worker().is_cancelled:  # a newer build replaced this one
            self.app.call_from_thread(self.show_rows, rows)

    def show_rows(self, rows: list[Any]) -> None:
        table = self.query_one(VirtualTable)
        self.rows, self.built = rows, True
        table.loading = False
        table.set_rows(self.prepare(rows))  # the filter set on mount applies to them
        table.empty_text = self.empty_text()
        if self._pending_state is not None:
            state, self._pending_state = self._pending_state, None
            super().restore(state)
        if self.location.focus:  # once: a refresh later keeps the user's cursor
            position = table.model.position(self.location.focus)
            if position is not None:
                table.move_cursor(position)
            self.location = replace(self.location, focus="")
        self.update_title()

    def restore(self, state: TableState) -> None:
        if not self.built:  # reopened by `]`: the rows are not there yet
            self._pending_state = state
            return
        super().restore(state)

    def prepare(self, rows: list[Any]) -> list[Any]:
        """The rows as the table gets them (a subclass may add group headers)."""
        return rows

    def update_title(self) -> None:
        table = self.query_one(VirtualTable)
        shown, total = self.counts(table)
        table.border_title = list_title(self.view_title, table.filter_text, shown, total)
        parts = [self.subtitle(table)]
        if table.model.sort_key:
            column = table.model.column(table.model.sort_key)
            arrow = "▼" if table.model.sort_reverse else "▲"
            parts.append(f"sort {column.title.lower() if column else table.model.sort_key}"
                         f"{arrow}")
        if table.marked_ids:
            parts.append(f"✓ {len(table.marked_ids)} marked")
        table.border_subtitle = " · ".join(p for p in parts if p)

    def on_virtual_table_marks_changed(self, event: VirtualTable.MarksChanged) -> None:
        self.update_title()

    def on_virtual_table_sorted(self, event: VirtualTable.Sorted) -> None:
        self.update_title()


def lookup(index: RowSet) -> Callable[[str], Any]:
    """id -> index row (None when the identity is not in the index)."""
    rows, positions = index.rows, index.position_of_id

    def get(identity_id: str) -> Any:
        at = positions.get(identity_id)
        return rows[at] if at is not None else None
    return get
