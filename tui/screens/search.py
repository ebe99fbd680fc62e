"""Global search (`ctrl+k` anywhere, `:search TEXT`): names, object ids, appIds, credential
keyIds, federated subjects, IP addresses and actor UPNs, across every identity and event.

The snapshot's search index (stored at sync time) loads once in a worker ("loading
index…"); then every keystroke queries it on the UI thread (milliseconds). Results are
grouped by the field that matched; enter opens the identity on the tab that shows the
match, the event on its tab, or the pivot of an IP, keyId or actor. `down` (or enter)
moves from the box to the results, `/` back to the box.
"""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from cache import CacheError
from models.query import search_text
from tui.screens.base import ViewScreen
from tui.screens.formatting import minute
from tui.screens.identity_list import list_title
from tui.screens.links import Link, Location, Target
from tui.screens.row_list import TABLE_CSS
from tui.triage.search_rows import FIELD_TITLES, SearchRow, field_counts, search_rows
from tui.widgets.badges import tier_label, tier_tone
from tui.widgets.table_model import Column
from tui.widgets.virtual_table import VirtualTable

HINT = ("name, object id, appId, keyId, federated subject, IP or actor UPN · "
        "ip: key: app: id: subject: actor: owner: name: search one field")


def search_columns() -> list[Column]:
    return [
        Column("field", "FOUND IN", lambda r: FIELD_TITLES.get(r.field, r.field), width=17),
        Column("value", "VALUE", lambda r: r.value, min_width=12, max_width=38),
        Column("what", "WHAT", lambda r: r.what, width=9),
        Column("name", "IDENTITY", lambda r: r.name, min_width=16, max_width=40),
        Column("tier", "TIER", lambda r: tier_label(r.tier, short=True) if r.tier else "",
               width=13, tone=lambda r: tier_tone(r.tier) if r.tier else None, priority=2),
        Column("time", "TIME (UTC)", lambda r: minute(r.time), width=16, priority=1),
        Column("detail", "DETAIL", lambda r: r.detail, min_width=16, flex=3),
    ]


class SearchScreen(ViewScreen):
    """A search box over the snapshot's search index, results below."""

    DEFAULT_CSS = TABLE_CSS.format(name="SearchScreen") + """
    SearchScreen #search-box { border: round $accent; height: 3; }
    """
    AUTO_FOCUS = "#search-box"
    BINDINGS = [Binding("down", "results", "Results", show=False, id="search_results")]

    def __init__(self, location: Location) -> None:
        super().__init__(location)
        self.index: Any = None
        self.index_error = ""
        self.rows: list[SearchRow] = []
        self.truncated = False

    def compose_body(self) -> ComposeResult:
        yield Input(self.location.filter_text, placeholder=HINT, id="search-box")
        yield VirtualTable(search_columns(), lambda r: r.id,
                           lambda r: search_text(r.value, r.name, r.detail),
                           empty_text="loading index…", markable=True, id="rows")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(VirtualTable).loading = True
        self.update_title()
        self.load_index()

    @property
    def busy(self) -> bool:
        return self.index is None and not self.index_error

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def load_index(self) -> None:
        loader = getattr(self.wlx.source, "search", None)
        try:
            index = loader() if loader is not None else None
        except (CacheError, ValueError) as exc:  # a damaged index: say so, the app works
            self.app.call_from_thread(self.index_failed, f"cannot read the search index: {exc}")
            return
        if index is None:
            self.app.call_from_thread(self.index_failed, "this snapshot has no search index: "
                                      "press r to sync again")
            return
        self.app.call_from_thread(self.index_loaded, index)

    def index_failed(self, why: str) -> None:
        self.index_error = why
        table = self.query_one(VirtualTable)
        table.loading = False
        table.empty_text = why
        table.set_rows([])
        self.update_title()

    def index_loaded(self, index: Any) -> None:
        self.index = index
        self.query_one(VirtualTable).loading = False
        self.run_search(self.query_one("#search-box", Input).value)

    def reload(self) -> None:
        self.index = None
        self.query_one(VirtualTable).loading = True
        self.load_index()

    # -- searching ----------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search-box":
            event.stop()
            self.location = Location(self.location.screen, self.location.target, event.value)
            if self.index is not None:
                self.run_search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "search-box":
            event.stop()
            self.action_results()

    def run_search(self, text: str) -> None:
        table = self.query_one(VirtualTable)
        if not text.strip():
            self.rows, self.truncated = [], False
            table.empty_text = "type to search: " + HINT
        else:
            result = self.index.search(text)
            self.rows, self.truncated = search_rows(result, self.wlx.identity_row), \
                result.truncated
            table.empty_text = f"nothing in this snapshot matches {text.strip()!r}"
        table.set_rows(self.rows)
        self.update_title()

    def update_title(self) -> None:
        table = self.query_one(VirtualTable)
        text = self.query_one("#search-box", Input).value.strip()
        table.border_title = list_title("Search", text, table.row_count, table.total_count)
        sub = field_counts(self.rows)
        if self.truncated:
            sub += " · more matched: type more to narrow"
        table.border_subtitle = sub

    # -- keys ---------------------------------------------------------------------------
    def action_results(self) -> None:
        table = self.query_one(VirtualTable)
        if table.row_count:
            table.focus()

    def action_filter_prompt(self) -> None:
        """`/` goes back to the search box (the results are the search)."""
        self.query_one("#search-box", Input).focus()

    def links_for(self, row: Any) -> list[Link]:
        return [Link(row.name, row.opens)] if row.opens is not None else []

    def target_of(self, row: Any) -> Target | None:
        if row.identity_id and row.what == "identity":
            return Target("identity", row.identity_id, row.identity_id, row)
        return None

    def selected_id(self) -> str | None:
        row = self.selected()
        return (row.identity_id or None) if row is not None else None

    def identity_for_copy(self, row: Any) -> Any:
        return self.wlx.identity_row(row.identity_id) if row.identity_id else None

    def view_name(self) -> str:
        return "search"
