"""What every explorer view shares: the header bar, the prompts, the flash line, the footer,
and the keys that act on "the selected object" (filter, back, raw JSON, copy, export,
drill down, row actions).

A view has a `location` (how to open it again) and a table `state()` (filter, sort,
cursor, scroll) that the app keeps when the user goes back, so `]` can reopen it as it was.
Subclasses compose their body and say what their rows are: `links_for(row)` (where enter
leads), `target_of(row)` (what an action acts on), `copy_extra(row)` (what `c` offers
besides the identity's ids). `reload()` re-reads the data after a refresh.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from models.query import Query, parse_query
from tui.actions import action_bindings, find_action
from tui.keys import VIEW_BINDINGS, WRITE_ACTIONS
from tui.screens.columns import IDENTITY_FIELDS
from tui.screens.filtering import QueryFilter
from tui.screens.links import Link, Location, Target
from tui.screens.views import complete
from tui.widgets.flash import Flash
from tui.widgets.header_bar import HeaderBar
from tui.widgets.prompt import COMMAND, FILTER, PromptBar
from tui.widgets.table_model import Predicate, TableState
from tui.widgets.virtual_table import VirtualTable

if TYPE_CHECKING:
    from tui.app import WlxApp


FILTER_HINT = ("plain words match names and ids · kind: tier: rule: severity: owner: label: "
               "· ! negates · \"quote spaces\" · enter keeps · esc clears")


class ViewScreen(Screen):
    """The frame of a view; subclasses yield the body and know the selected object."""

    BINDINGS = VIEW_BINDINGS
    AUTO_FOCUS = "VirtualTable"

    def __init__(self, location: Location) -> None:
        super().__init__()
        self.location = location
        self._pending_flash: list[tuple[str, str]] = []
        self.generation = -1  # the app's data generation this view shows
        # row actions registered by other features (tui/actions.py), remappable by id
        for binding in action_bindings():
            self._bindings.key_to_bindings.setdefault(binding.key, []).append(binding)

    @property
    def wlx(self) -> WlxApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield HeaderBar(self.wlx.clock)
        yield from self.compose_body()
        yield PromptBar()
        yield Flash()
        yield Footer(compact=True)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.query_one(HeaderBar).show(self.wlx.meta, self.wlx.read_only, self.wlx.sync_status())
        self.generation = self.wlx.generation
        if self.uses_index:
            self.wlx.request_index()
        for message, severity in self._pending_flash:
            self.flash(message, severity)
        self._pending_flash.clear()

    def on_screen_resume(self) -> None:
        # a refresh while this view was covered: catch up now it shows again
        if self.is_mounted and self.generation != self.wlx.generation:
            self.generation = self.wlx.generation
            self.reload()

    def reload(self) -> None:
        """The app switched to a newer snapshot: read this view's data again, keeping the
        filter, sort and cursor. List views get new rows through rows_loaded instead."""

    uses_index = True  # lists and most views need the list index (the overview does not)
    reloads_with_index = False  # True: rows_loaded() rebuilds it after a refresh

    @property
    def busy(self) -> bool:
        """Still loading what it shows (tests and benchmarks wait for this)."""
        return any(table.loading for table in self.query(VirtualTable))

    # -- what subclasses provide ------------------------------------------------------
    @property
    def table(self) -> VirtualTable | None:
        tables = self.query(VirtualTable)
        return tables.first() if tables else None

    def selected(self) -> Any | None:
        """The object the keys act on (the cursor row)."""
        table = self.table
        return table.cursor_row if table is not None else None

    def selected_id(self) -> str | None:
        """The identity the cursor row belongs to (for `y` raw JSON)."""
        table = self.table
        return table.cursor_id if table is not None else None

    def links_for(self, row: Any) -> list[Link]:
        """Where enter on this row leads (one link opens, several offer a menu)."""
        return []

    def target_of(self, row: Any) -> Target | None:
        """What a row action acts on for this row."""
        return None

    def targets(self) -> list[Target]:
        """The marked rows of the table, or the cursor row when nothing is marked."""
        table = self.table
        if table is None:
            return []
        rows = table.marked or ([table.cursor_row] if table.cursor_row is not None else [])
        return [t for t in (self.target_of(row) for row in rows) if t is not None]

    def copy_extra(self, row: Any) -> list[Any]:
        """CopyChoices for what this row names besides the identity (a keyId, an IP)."""
        return []

    def view_name(self) -> str:
        return self.location.target or self.location.screen

    def state(self) -> TableState:
        table = self.table
        return table.state() if table is not None else TableState()

    def restore(self, state: TableState) -> None:
        table = self.table
        if table is not None:
            table.restore(state, self.predicate(state.filter_text))
            self.update_title()

    def update_title(self) -> None:
        pass

    def flash(self, message: str, severity: str = "information") -> None:
        flashes = self.query(Flash)
        if flashes:
            flashes.first().flash(message, severity)
        else:  # not composed yet (a message at start-up): show it once mounted
            self._pending_flash.append((message, severity))

    # -- filter -----------------------------------------------------------------------
    def scope(self, row: Any) -> bool:
        return True

    def has_scope(self) -> bool:
        return False

    def predicate(self, text: str | Query) -> Predicate | None:
        """scope AND the parsed filter; None when neither limits anything."""
        query = parse_query(text) if isinstance(text, str) else text
        scope = self.scope if self.has_scope() else None
        if query.is_empty and scope is None:
            return None
        return QueryFilter(query, scope, self.view_name(), self.fields())

    def fields(self) -> Mapping[str, Callable[[Any], Any]]:
        """The `field:` values of this view's rows (models.query.FIELDS)."""
        return IDENTITY_FIELDS

    def filter_hint(self) -> str:
        return FILTER_HINT

    def apply_filter(self, text: str) -> None:
        table = self.table
        if table is None:
            return
        query = parse_query(text)
        table.set_filter(self.predicate(query), text)
        prompt = self.query_one(PromptBar)
        if prompt.is_open and prompt.mode == FILTER:
            if query.error:
                prompt.set_hint(query.error, error=True)
            else:
                prompt.set_hint(f"{table.row_count} of {table.total_count} · "
                                f"{self.filter_hint()}")
        self.update_title()

    def action_filter_prompt(self) -> None:
        table = self.table
        if table is None:
            self.flash("this view has nothing to filter", "warning")
            return
        self.query_one(PromptBar).open(FILTER, table.filter_text)
        self.apply_filter(table.filter_text)

    def open_command_prompt(self, history: list[str]) -> None:
        prompt = self.query_one(PromptBar)
        prompt.open(COMMAND, "", history=history, candidates=complete)
        views = "  ".join(complete(""))
        prompt.set_hint(f"a view: {views} · tab completes · ↑↓ history")

    def on_prompt_bar_changed(self, event: PromptBar.Changed) -> None:
        if event.mode == FILTER:
            self.apply_filter(event.value)
        else:
            word = event.value.partition(" ")[0]
            matches = complete(word)
            event.bar.set_hint("  ".join(matches) if matches else f"no view starts with {word!r}",
                               error=not matches)

    def on_prompt_bar_submitted(self, event: PromptBar.Submitted) -> None:
        self.focus_body()
        if event.mode == COMMAND and event.value:
            self.wlx.run_command(event.value)
        else:
            self.update_title()

    def on_prompt_bar_cancelled(self, event: PromptBar.Cancelled) -> None:
        if event.mode == FILTER:
            self.apply_filter("")
        self.focus_body()

    def focus_body(self) -> None:
        table = self.table
        if table is not None:
            table.focus()

    # -- drill down -------------------------------------------------------------------
    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        event.stop()
        self.open_links(self.links_for(event.row))

    def open_links(self, links: list[Link]) -> None:
        if not links:
            self.flash("nothing to open from this row", "information")
        elif len(links) == 1:
            self.wlx.open(links[0].location)
        else:
            self.wlx.choose_link(links)

    # -- keys -------------------------------------------------------------------------
    def action_back(self) -> None:
        """esc: first clear the filter, then go back a view."""
        table = self.table
        if table is not None and table.filter_text:
            self.apply_filter("")
            self.flash("filter cleared")
            return
        self.wlx.go_back()

    def action_raw(self) -> None:
        identity_id = self.selected_id()
        if identity_id is None:
            self.flash("nothing selected", "warning")
            return
        row = self.selected()
        identity = self.identity_for_copy(row) if row is not None else None
        name = getattr(identity, "display_name", None) or identity_id
        self.load_raw(identity_id, name)

    @work(thread=True, exclusive=True, group="raw", exit_on_error=False)
    def load_raw(self, identity_id: str, title: str) -> None:
        body = self.wlx.source.raw(identity_id)
        self.app.call_from_thread(self.wlx.show_raw, title, body)

    def action_copy(self) -> None:
        row = self.selected()
        if row is None:
            self.flash("nothing selected", "warning")
            return
        self.wlx.open_copy_menu(self.identity_for_copy(row), self.copy_extra(row))

    def identity_for_copy(self, row: Any) -> Any:
        """The identity whose ids `c` offers (the index row of the cursor's identity)."""
        return row

    def action_export(self) -> None:
        table = self.table
        if table is None:
            self.flash("this view has nothing to export", "warning")
            return
        self.wlx.open_export(self.view_name(), table, self.export_rows(table))

    def export_rows(self, table: VirtualTable) -> list[Any]:
        """The rows `ctrl+s` writes: the table as shown (a view may leave headers out)."""
        return table.visible_rows

    def action_disable(self) -> None:
        # check_action keeps this off in read-only mode; tui/writes registers the action
        self.action_row_action("disable_service_principal")

    def action_row_action(self, action_id: str) -> None:
        action = find_action(action_id)
        targets = self.targets()
        if action is None or not targets:
            self.flash("no row here for this action", "warning")
            return
        action.run(self.wlx, targets)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in WRITE_ACTIONS and self.wlx.read_only:
            return None  # shown disabled, with the reason in help and on a key press
        if action == "row_action" and parameters:
            row_action = find_action(str(parameters[0]))
            row = self.selected()  # the cursor row only: this runs on every footer refresh
            target = self.target_of(row) if row is not None else None
            if row_action is None or target is None or target.kind not in row_action.kinds:
                return False  # not for this kind of row: hidden
            if row_action.writes and self.wlx.read_only:
                return None
        return True

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # a screen's workers report to the screen only (the message does not bubble)
        if event.state == WorkerState.ERROR:
            self.wlx.worker_failed(event.worker, [self])

    def on_key(self, event: events.Key) -> None:
        """A disabled key does nothing in Textual: say why instead of staying silent."""
        binding = self.active_bindings.get(event.key)
        if binding is not None and not binding.enabled:
            action = binding.binding.action
            reason = self.wlx.disabled_reason(action)
            if reason:
                self.flash(f"{binding.binding.description}: {reason}", "warning")
                event.stop()
