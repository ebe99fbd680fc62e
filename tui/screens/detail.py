"""One identity, as field/value lines: the stand-in until the tabbed detail screen (issue 5,
second part) is built on the analysis' WorkloadIdentity.

The detail loads in a thread worker (the source may read the disk) with a loading state.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from textual import work
from textual.app import ComposeResult

from tui.screens.base import Location, ViewScreen
from tui.text import safe
from tui.widgets.table_model import Column
from tui.widgets.virtual_table import VirtualTable


def _plain(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "_asdict"):
        return value._asdict()
    return value


def field_rows(detail: Any) -> list[tuple[str, str]]:
    """(field, value) per top-level field; lists and objects as compact JSON."""
    data = _plain(detail)
    if not isinstance(data, Mapping):
        return [("value", str(data))]
    rows = []
    for key, value in data.items():
        if isinstance(value, (list, dict)):
            text = json.dumps(value, ensure_ascii=False, default=str, separators=(", ", ": "))
            if isinstance(value, list):
                text = f"[{len(value)}] {text}"
        else:
            text = "" if value is None else str(value)
        rows.append((str(key), text))
    return rows


COLUMNS = [
    Column("field", "FIELD", lambda r: r[0], min_width=12, max_width=28),
    Column("value", "VALUE", lambda r: r[1], min_width=20, flex=4),
]


class DetailScreen(ViewScreen):
    """Field/value lines of one identity; `y` shows its raw Graph JSON."""

    DEFAULT_CSS = """
    DetailScreen VirtualTable {
        border: round $primary-darken-1;
        border-title-align: center;
        border-title-style: bold;
        &:focus { border: round $primary; }
    }
    """

    def __init__(self, location: Location) -> None:
        super().__init__(location)
        self.identity_id = location.target
        self.detail: Any = None

    def compose_body(self) -> ComposeResult:
        yield VirtualTable(COLUMNS, lambda r: r[0], lambda r: f"{r[0]}\n{r[1]}",
                           empty_text="loading…", markable=False, selectable=False,
                           id="detail")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one(VirtualTable)
        table.loading = True
        table.border_title = safe(self.identity_id)
        self.load()

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load(self) -> None:
        detail = self.wlx.source.detail(self.identity_id)
        self.app.call_from_thread(self.show_detail, detail)

    def show_detail(self, detail: Any) -> None:
        table = self.query_one(VirtualTable)
        table.loading = False
        self.detail = detail
        if detail is None:
            table.empty_text = "this identity is not in the snapshot (refresh with r)"
            table.set_rows([])
            return
        table.set_rows(field_rows(detail))
        name = _plain(detail).get("display_name") if isinstance(_plain(detail), Mapping) else None
        table.border_title = safe(name or self.identity_id)

    def selected_id(self) -> str | None:
        return self.identity_id

    def selected(self) -> Any | None:
        rowset = self.wlx.rowset
        position = rowset.position_of_id.get(self.identity_id) if rowset is not None else None
        return rowset.rows[position] if position is not None else self.detail

    def view_name(self) -> str:
        return f"identity-{self.identity_id}"

    def fields(self) -> dict[str, Any]:
        return {}  # no field terms here: plain words only
