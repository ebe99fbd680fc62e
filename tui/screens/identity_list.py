"""A list of workload identities: one view (`:apps`, `:mi`, ...) over the index rows.

The title reads like k9s: `Apps[42/1200] </payroll>` (view, shown/total, the filter),
with the sort and marks in the subtitle. Enter opens the identity.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult

from tui.screens.base import Location, ViewScreen
from tui.screens.columns import identity_columns, identity_id, identity_search
from tui.screens.views import VIEWS, View, find_view
from tui.text import safe
from tui.widgets.table_model import RowSet
from tui.widgets.virtual_table import VirtualTable


class IdentityListScreen(ViewScreen):
    """Identities of one view, filtered live by the `/` prompt."""

    DEFAULT_CSS = """
    IdentityListScreen VirtualTable {
        border: round $primary-darken-1;
        border-title-align: center;
        border-subtitle-align: right;
        border-title-color: $text;
        border-title-style: bold;
        &:focus { border: round $primary; }
    }
    """

    def __init__(self, location: Location) -> None:
        super().__init__(location)
        self.view: View = find_view(location.target) or VIEWS[0]

    def compose_body(self) -> ComposeResult:
        yield VirtualTable(identity_columns(self.wlx.now()), identity_id, identity_search,
                           empty_text="loading…", id="identities")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(VirtualTable)
        key, reverse = self.view.sort
        table.model.set_sort(key, reverse)
        table.filter_text = self.location.filter_text
        table.model.predicate = self.predicate(self.location.filter_text)
        if self.wlx.rowset is None:
            table.loading = True
        else:
            self.rows_loaded(self.wlx.rowset)
        self.update_title()

    def rows_loaded(self, rows: RowSet) -> None:
        """The app read (or re-read) the index: show it, keeping cursor and filter."""
        table = self.query_one(VirtualTable)
        table.loading = False
        table.empty_text = "no match for the filter" if len(rows) else "no identity in this view"
        table.set_rows(rows)
        self.update_title()

    def has_scope(self) -> bool:
        return self.view.scope is not None

    def scope(self, row: Any) -> bool:
        return self.view.scope(row) if self.view.scope is not None else True

    def view_name(self) -> str:
        return self.view.alias

    def update_title(self) -> None:
        table = self.query_one(VirtualTable)
        title = f"{self.view.title}[{table.row_count}/{table.total_count}]"
        if table.filter_text:
            title += f" </{safe(table.filter_text)}>"
        table.border_title = title
        parts = []
        if table.model.sort_key:
            column = table.model.column(table.model.sort_key)
            arrow = "▼" if table.model.sort_reverse else "▲"
            parts.append(f"sort {column.title.lower() if column else table.model.sort_key}{arrow}")
        if table.marked_ids:
            parts.append(f"✓ {len(table.marked_ids)} marked")
        table.border_subtitle = " · ".join(parts)

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        self.wlx.open(Location("detail", event.row_id))

    def on_virtual_table_marks_changed(self, event: VirtualTable.MarksChanged) -> None:
        self.update_title()

    def on_virtual_table_sorted(self, event: VirtualTable.Sorted) -> None:
        self.update_title()

    def on_virtual_table_row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        self.update_title()
