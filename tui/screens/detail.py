"""One identity: a header with its kind's facts and tier, and a tab per relation (Findings,
Credentials, Federated, Permissions, Roles, Groups, Owners, Activity, Audit, Risk; the
tabs are declared in tui/screens/tabs/).

The detail loads in a thread worker (the source reads the disk) while every tab shows
"loading…". Each tab is a VirtualTable, so long lists stay fast; under it a preview shows
the cursor row in full (a finding's evidence, an audit event's changes). Keys 1..9, 0
pick a tab, ←/→ (h/l) step through them; enter on a row opens what it names; esc goes
back, and coming back finds the same tab and cursor.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual import work
from textual.worker import get_current_worker
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static, TabbedContent, TabPane

from models.identity import WorkloadIdentity
from models.text import clean
from tui.dialogs.copy_menu import CopyChoice
from tui.screens.base import ViewScreen
from tui.screens.links import Link, Location, Target
from tui.screens.tabs import TABS, TabSpec, empty_reason, find_tab
from tui.widgets.identity_header import IdentityHeader
from tui.widgets.table_model import TableState
from tui.widgets.virtual_table import VirtualTable

TAB_KEYS = "1234567890"
DETAIL_BINDINGS = [
    *(Binding(key, f"show_tab({n})", f"Tab {n + 1}", show=False, id=f"tab_{n + 1}")
      for n, key in enumerate(TAB_KEYS)),
    Binding("right,l", "step_tab(1)", "Next tab", show=False, id="tab_next"),
    Binding("left,h", "step_tab(-1)", "Previous tab", show=False, id="tab_previous"),
]


def as_identity(detail: Any) -> WorkloadIdentity | None:
    """What a source returned for one identity, as a WorkloadIdentity (a mapping from a
    simple source is validated; an unusable one is None)."""
    if detail is None or isinstance(detail, WorkloadIdentity):
        return detail
    return WorkloadIdentity.model_validate(detail)


class DetailScreen(ViewScreen):
    """The header and tabs of one identity."""

    BINDINGS = DETAIL_BINDINGS
    AUTO_FOCUS = ""  # the active tab's table gets the focus once loaded
    DEFAULT_CSS = """
    DetailScreen {
        TabbedContent { height: 1fr; }
        TabPane { padding: 0; height: 1fr; }
        ContentSwitcher { height: 1fr; }
        VirtualTable { height: 1fr; }
        #preview { height: auto; max-height: 8; padding: 0 1; background: $boost;
                   display: none; }
        #preview.-shown { display: block; }
        #identity-labels { height: auto; padding: 0 1; background: $boost; display: none; }
        #identity-labels.-shown { display: block; }
    }
    """

    def __init__(self, location: Location) -> None:
        super().__init__(location)
        self.identity_id = location.target
        self.detail: WorkloadIdentity | None = None
        self.loaded = False
        self._pending_state: TableState | None = None
        self._focus = location.focus
        if not find_tab(location.tab):
            self.location = replace(location, tab=TABS[0].id)

    # -- layout -----------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        yield IdentityHeader(id="identity-header")
        # the admin's labels under the header; hidden (no space) when there are none
        yield Static(id="identity-labels", markup=False)
        now = self.wlx.now()
        with TabbedContent(initial=f"tab-{self.location.tab}", id="tabs"):
            for spec in TABS:
                with TabPane(spec.title, id=f"tab-{spec.id}"):
                    yield VirtualTable(spec.columns(now), spec.row_id, spec.search,
                                       empty_text="loading…", id=f"table-{spec.id}")
        yield Static(id="preview")

    def on_mount(self) -> None:
        for table in self.query(VirtualTable):
            table.loading = True
        self.load()

    @property
    def spec(self) -> TabSpec:
        return find_tab(self.location.tab) or TABS[0]

    @property
    def table(self) -> VirtualTable | None:
        tables = self.query(f"#table-{self.spec.id}")
        return tables.first(VirtualTable) if tables else None

    # -- data -------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def load(self) -> None:
        detail = as_identity(self.wlx.source.detail(self.identity_id))
        if not get_current_worker().is_cancelled:  # a newer load replaced this one
            self.app.call_from_thread(self.show_detail, detail)

    def reload(self) -> None:
        self.load()

    def show_detail(self, detail: WorkloadIdentity | None) -> None:
        self.detail, self.loaded = detail, True
        header = self.query_one(IdentityHeader)
        if detail is None:
            header.update(Content.styled(f"{clean(self.identity_id)} is not in this snapshot "
                                         "(r refreshes)", "bold $text-warning"))
            for table in self.query(VirtualTable):
                table.loading = False
                table.empty_text = "this identity is not in the snapshot"
                table.set_rows([])
            return
        header.show(detail)
        self.show_labels()
        unavailable = self.wlx.meta.unavailable if self.wlx.meta else {}
        tabs = self.query_one(TabbedContent)
        for spec in TABS:
            table = self.query_one(f"#table-{spec.id}", VirtualTable)
            rows = spec.rows(detail)
            table.loading = False
            table.empty_text = empty_reason(spec, detail, unavailable)
            table.set_rows(rows)
            tabs.get_tab(f"tab-{spec.id}").label = (f"{spec.title} {len(rows)}" if rows
                                                     else spec.title)
        if self._pending_state is not None:
            state, self._pending_state = self._pending_state, None
            self.restore(state)
        self.show_tab(self.location.tab, self._focus)
        self._focus = ""

    # -- tabs -------------------------------------------------------------------------
    def show_tab(self, tab_id: str, focus: str = "") -> None:
        """Bring a tab forward (and put the cursor on row `focus` when given)."""
        tabs = self.query_one(TabbedContent)
        self.location = replace(self.location, tab=tab_id, focus="")
        if tabs.active != f"tab-{tab_id}":
            tabs.active = f"tab-{tab_id}"
        table = self.table
        if table is None:
            return
        if focus:
            position = table.model.position(focus)
            if position is None and table.filter_text:  # filtered out: show it anyway
                table.set_filter(None, "")
                position = table.model.position(focus)
            if position is not None:
                table.move_cursor(position)
        if self.loaded:
            table.focus()
        self.update_preview()

    def action_show_tab(self, number: int) -> None:
        if number < len(TABS):
            self.show_tab(TABS[number].id)

    def action_step_tab(self, step: int) -> None:
        ids = [spec.id for spec in TABS]
        at = ids.index(self.spec.id) if self.spec.id in ids else 0
        self.show_tab(ids[(at + step) % len(ids)])

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        tab_id = (event.pane.id or "").removeprefix("tab-")
        if tab_id != self.location.tab:  # a click on the tab or the tabs' own keys
            self.show_tab(tab_id)

    def on_virtual_table_row_highlighted(self, event: VirtualTable.RowHighlighted) -> None:
        if event.table is self.table:
            self.update_preview()

    def on_resize(self) -> None:
        # a short terminal keeps most of its lines for the table
        self.query_one("#preview", Static).styles.max_height = 8 if self.size.height >= 36 else 4

    def update_preview(self) -> None:
        preview = self.query_one("#preview", Static)
        row = self.selected()
        spec = self.spec
        if row is None or spec.preview is None or not self.loaded:
            preview.set_class(False, "-shown")
            return
        lines = [Content.assemble((f"{label:<12} ", "bold"), clean(text, 600))
                 for label, text in spec.preview(row, self.wlx.now()) if text]
        preview.update(Content("\n").join(lines))
        preview.set_class(True, "-shown")

    # -- what the keys act on ---------------------------------------------------------
    def links_for(self, row: Any) -> list[Link]:
        if self.detail is None:
            return []
        return self.spec.links(row, self.detail, self.wlx)

    def open_links(self, links: list[Link]) -> None:
        if len(links) == 1 and self.is_here(links[0].location):
            self.show_tab(links[0].location.tab, links[0].location.focus)
        else:
            super().open_links(links)

    def is_here(self, location: Location) -> bool:
        """A link to another tab of this identity switches tabs instead of stacking."""
        return location.screen == "detail" and location.target == self.identity_id \
            and bool(location.tab)

    def show_labels(self) -> None:
        from tui.dialogs.labels import labels_summary

        labels = getattr(self.wlx.source, "labels", None)
        try:
            line = labels_summary(labels().get(self.identity_id)) if labels is not None else ""
        except Exception:  # a broken label store must not hide the identity
            line = "labels: the label store cannot be read"
        widget = self.query_one("#identity-labels", Static)
        widget.update(line)
        widget.set_class(bool(line), "-shown")

    def target_of(self, row: Any) -> Target | None:
        spec = self.spec
        object_id = (spec.object_id or spec.row_id)(row)
        return Target(spec.target, self.identity_id, object_id, row)

    def copy_extra(self, row: Any) -> list[CopyChoice]:
        return [CopyChoice("", label, str(value)) for label, value in self.spec.copy(row)
                if value]

    def identity_for_copy(self, row: Any) -> Any:
        return self.wlx.identity_row(self.identity_id) or self.detail

    def selected_id(self) -> str | None:
        return self.identity_id

    def view_name(self) -> str:
        name = self.detail.display_name if self.detail else self.identity_id
        return f"{clean(name)[:40]}-{self.spec.id}"

    def fields(self) -> dict[str, Any]:
        return {}  # plain words only: the rows of a tab are not identities

    def filter_hint(self) -> str:
        return f"plain words match the {self.spec.title.lower()} rows · enter keeps · esc clears"

    def state(self) -> TableState:
        return super().state()

    def restore(self, state: TableState) -> None:
        if not self.loaded:  # reopened by `]`: the rows are not there yet
            self._pending_state = state
            return
        super().restore(state)
