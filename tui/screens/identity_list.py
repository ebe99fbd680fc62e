"""A list of workload identities: one view (`:apps`, `:mi`, ...) over the index rows.

The title reads like k9s: `Apps(tier:ControlPlane)[42/1200]` (view, the filter,
shown/total), with the sort and marks in the subtitle. Enter opens the identity.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult

from tui.screens.base import ViewScreen
from tui.screens.columns import identity_columns, identity_id, identity_search
from tui.screens.links import Link, Location, Target
from tui.screens.views import VIEWS, View, find_view
from tui.text import safe
from tui.widgets.table_model import RowSet
from tui.widgets.virtual_table import VirtualTable


class IdentityListScreen(ViewScreen):
    """Identities of one view, filtered live by the `/` prompt."""

    reloads_with_index = True

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
        self.view: View = find_view(location.target) or find_view("identities") or VIEWS[0]
        self._scope: Callable[[Any], bool] | None = None

    def compose_body(self) -> ComposeResult:
        yield VirtualTable(identity_columns(self.wlx.now()), identity_id, identity_search,
                           empty_text="loading…", id="identities")

    def on_mount(self) -> None:
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
        return self.view.scope is not None or self.view.scope_for is not None

    def scope(self, row: Any) -> bool:
        if self._scope is None:
            self._scope = self.view.scope or (
                self.view.scope_for(self.wlx) if self.view.scope_for else (lambda r: True))
        return self._scope(row)

    def view_name(self) -> str:
        return self.view.alias

    def update_title(self) -> None:
        table = self.query_one(VirtualTable)
        table.border_title = list_title(self.view.title, table.filter_text, table.row_count,
                                        table.total_count)
        parts = []
        if table.model.sort_key:
            column = table.model.column(table.model.sort_key)
            arrow = "▼" if table.model.sort_reverse else "▲"
            parts.append(f"sort {column.title.lower() if column else table.model.sort_key}{arrow}")
        if table.marked_ids:
            parts.append(f"✓ {len(table.marked_ids)} marked")
        table.border_subtitle = " · ".join(parts)

    def links_for(self, row: Any) -> list[Link]:
        return [Link("the identity", Location("detail", identity_id(row)))]

    def target_of(self, row: Any) -> Target | None:
        return Target("identity", identity_id(row), identity_id(row), row)

    def on_virtual_table_marks_changed(self, event: VirtualTable.MarksChanged) -> None:
        self.update_title()

    def on_virtual_table_sorted(self, event: VirtualTable.Sorted) -> None:
        self.update_title()

    def on_virtual_table_row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        self.update_title()


def list_title(title: str, filter_text: str, shown: int, total: int) -> str:
    """`Identities[300]`, `Identities(tier:=ControlPlane)[10/300]` (markup-safe: a title
    may name a directory object, e.g. an audit actor's UPN)."""
    title = safe(title)
    if not filter_text:
        return f"{title}[{shown}]" if shown == total else f"{title}[{shown}/{total}]"
    return f"{title}({safe(filter_text)})[{shown}/{total}]"
