"""The explorer app: holds the data source and the view history, and nothing else.

Screens draw; this opens them (through the registry of tui/screens/registry.py: drill
down, `:` aliases, back and forward), loads the list index in a worker, switches to a
new snapshot after a refresh (tui/sync_runner.py), and owns the app-wide keys.
`build_app()` is the one factory the command line and the tests share.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.message import Message
from textual.system_commands import SystemCommandsProvider
from textual.worker import Worker, WorkerState

from tui.actions import ROW_ACTIONS, find_action
from tui.datasource import DataSource, SourceMeta
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.copy_menu import CopyMenu, copy_choices
from tui.dialogs.export import ExportDialog, write_export
from tui.dialogs.open_menu import OpenMenu
from tui.keys import (APP_BINDINGS, READ_ONLY_REASON, VIEW_BINDINGS, WRITE_ACTIONS,
                      binding_ids, keymap_from_config)
from tui.screens.base import ViewScreen
from tui.screens.columns import identity_columns, identity_id, identity_search
from tui.screens.detail import DETAIL_BINDINGS
from tui.screens.help import HelpScreen, help_rows
from tui.screens.links import Link, Location
from tui.screens.palette import ExplorerCommands
from tui.screens.raw import RawScreen
from tui.screens.registry import make_screen
from tui.screens.sync_panel import SyncPanel
from tui.screens.views import parse_command
from tui.styles.themes import DEFAULT_THEME, WLX_THEMES
from tui.sync_runner import SyncRunner, describe_changes
from tui.widgets.header_bar import HeaderBar
from tui.widgets.prompt import PromptInput
from tui.widgets.table_model import RowSet, TableModel, TableState
from tui.widgets.tiles import TileBoard
from tui.widgets.virtual_table import VirtualTable
from tui.triage import register as register_triage
from tui.writes import register as register_writes

register_triage()  # issue 7's views: search, timeline, presets, diff, queue
register_writes()  # issue 6: cleanup actions, confirm, journal, undo

MAX_DEPTH = 40  # views on the stack before the app suggests going back
WORKER_WHAT = {"index": "cannot read the identities", "detail": "cannot read this identity",
               "raw": "cannot read the raw JSON", "export": "cannot export",
               "rows": "cannot read this view", "overview": "cannot read the overview",
               "reopen": "cannot open the new snapshot", "sync": "the sync stopped"}


def over_ssh() -> bool:
    return bool(os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))


class RefreshRequested(Message):
    """`r`: sync the tenant again (or re-read a source that cannot be synced)."""


class WlxApp(App[None]):
    """k9s for Entra workload identities."""

    CSS_PATH = "styles/app.tcss"
    TITLE = "wlx"
    BINDINGS = APP_BINDINGS
    COMMANDS = {SystemCommandsProvider, ExplorerCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, source: DataSource, *, read_only: bool = True,
                 clock: Callable[[], datetime] | None = None, keys: Mapping[str, str] | None = None,
                 theme: str | None = None, animations: bool = False,
                 start: Location | None = None, fixed_now: datetime | None = None,
                 stale_days: int = 90, config_path: Path | None = None) -> None:
        super().__init__()
        self.source = source
        self.read_only = read_only
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.fixed_now = fixed_now  # --now / tests: a sync child evaluates as of it too
        self.stale_days = stale_days
        self.config_path = config_path
        self.meta: SourceMeta | None = None
        self.rowset: RowSet | None = None
        self.app_ids: dict[str, int] = {}  # appId -> position in the rowset
        self.generation = 0  # bumped on each new snapshot; views catch up on resume
        self.command_history: list[str] = []
        self.forward: list[tuple[Location, TableState]] = []
        self.start = start or Location("overview", "overview")
        self.syncer = SyncRunner(self)
        self._index_requested = False
        self._keys = dict(keys or {})
        self._theme_name = theme or DEFAULT_THEME
        # motion costs bandwidth over SSH and distracts during an incident
        self.animation_level = "full" if animations and not over_ssh() else "none"

    def now(self) -> datetime:
        return self.clock()

    # -- start ------------------------------------------------------------------------
    def on_mount(self) -> None:
        for theme in WLX_THEMES:
            self.register_theme(theme)
        problems = self._apply_settings()
        self.push_screen(make_screen(self.start))
        if problems:
            self.flash("; ".join(problems), "warning")
        if self.start.screen != "overview":
            self.request_index()
        # the overview asks for the index once it is drawn: the two would only compete
        # for the interpreter, and the overview is what the admin sees first

    def request_index(self) -> None:
        """Load the list index unless it is loaded or loading (the first time only)."""
        if not self._index_requested:
            self._index_requested = True
            self.load_index()

    def _apply_settings(self) -> list[str]:
        problems = []
        if self._theme_name in self.available_themes:
            self.theme = self._theme_name
        else:
            problems.append(f"theme {self._theme_name!r} is unknown; try one of: "
                            + ", ".join(sorted(self.available_themes)))
        known = binding_ids(APP_BINDINGS, VIEW_BINDINGS, VirtualTable.BINDINGS,
                            PromptInput.BINDINGS, HelpScreen.BINDINGS, RawScreen.BINDINGS,
                            CopyMenu.BINDINGS, ExportDialog.BINDINGS, ConfirmDialog.BINDINGS,
                            DETAIL_BINDINGS, TileBoard.BINDINGS, SyncPanel.BINDINGS,
                            OpenMenu.BINDINGS) | {action.id for action in ROW_ACTIONS}
        keymap, key_problems = keymap_from_config(self._keys, known)
        self.set_keymap(keymap)
        return problems + key_problems

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def load_index(self) -> None:
        meta = self.source.meta()
        self.call_from_thread(self.index_loaded, meta, self._rowset())

    def _rowset(self) -> RowSet:
        """The index as every list shares it, built in a worker thread: ids, search texts
        and the default order (problems first), so the UI thread only draws."""
        rowset = RowSet(self.source.index(), identity_id, identity_search)
        model = TableModel(identity_columns(self.now()), identity_id, identity_search)
        model.set_rows(rowset)
        model.set_sort("findings")  # kept in rowset.orders for the lists to reuse
        return rowset

    def index_loaded(self, meta: SourceMeta, rowset: RowSet) -> None:
        self.meta, self.rowset = meta, rowset
        self.app_ids = {getattr(row, "app_id", "") or "": i for i, row in enumerate(rowset.rows)}
        self.update_headers()
        for screen in self.view_screens():
            if screen.is_mounted and hasattr(screen, "rows_loaded"):
                screen.rows_loaded(rowset)

    def update_headers(self) -> None:
        for screen in self.view_screens():
            if screen.is_mounted:
                screen.query_one(HeaderBar).show(self.meta, self.read_only, self.sync_status())

    def sync_status(self) -> str:
        return self.syncer.state.headline()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.worker_failed(event.worker, self.view_screens())

    def worker_failed(self, worker: Worker[Any], screens: list[ViewScreen]) -> None:
        """Every failed worker becomes a message; the app keeps running on what it has."""
        error = worker.error
        what = WORKER_WHAT.get(worker.group, f"{worker.name} failed")
        self.request_index()  # the overview failed before asking for it
        self.flash(f"{what}: {type(error).__name__}: {error}", "error")
        if worker.group in ("index", "detail", "rows"):  # their tables wait, loading
            for screen in screens:
                for table in screen.query(VirtualTable):
                    if table.loading:
                        table.loading = False
                        table.empty_text = f"{what} ({error}); r tries again"
                        table.refresh()

    @property
    def rows(self) -> list[Any] | None:
        """The index rows, None until the first load."""
        return self.rowset.rows if self.rowset is not None else None

    def identity_row(self, identity: str) -> Any | None:
        """The index row of an identity id (None: not in the snapshot, or not loaded)."""
        rowset = self.rowset
        at = rowset.position_of_id.get(identity) if rowset is not None else None
        return rowset.rows[at] if at is not None and rowset is not None else None

    def identity_by_app_id(self, app_id: str) -> Any | None:
        at = self.app_ids.get(app_id) if app_id else None
        return self.rowset.rows[at] if at is not None and self.rowset is not None else None

    # -- navigation -------------------------------------------------------------------
    def view_screens(self) -> list[ViewScreen]:
        return [s for s in self.screen_stack if isinstance(s, ViewScreen)]

    def open(self, location: Location, state: TableState | None = None) -> None:
        """Drill down or jump: a new view on top; forward history is dropped."""
        if location.screen == "detail" and self.rowset is not None \
                and self.identity_row(location.target) is None:
            self.flash("that object is not one of the identities in this snapshot", "warning")
            return
        self.forward.clear()
        self._push(location, state)

    def _push(self, location: Location, state: TableState | None) -> None:
        screen = make_screen(location)
        self.push_screen(screen)
        if state is not None:
            screen.call_after_refresh(screen.restore, state)
        if len(self.view_screens()) > MAX_DEPTH:
            self.flash(f"more than {MAX_DEPTH} views deep: esc goes back", "warning")

    def go_back(self) -> None:
        """esc or `[`: back to the previous view, as it was; `]` comes forward again."""
        views = self.view_screens()
        if len(views) <= 1 or self.screen is not views[-1]:
            self.flash("this is the first view: q quits", "information")
            return
        current = views[-1]
        self.forward.append((current.location, current.state()))
        self.pop_screen()

    def action_history_back(self) -> None:
        self.go_back()

    def action_history_forward(self) -> None:
        if not self.forward:
            self.flash("nothing forward: [ goes back", "information")
            return
        location, state = self.forward.pop()
        self._push(location, state)

    def choose_link(self, links: list[Link]) -> None:
        """A row that names several objects: ask which to open."""
        self.push_screen(OpenMenu(links), lambda link: link and self.open(link.location))

    def run_command(self, text: str) -> None:
        """A `:` line: a view alias with an optional filter, q or help."""
        command = parse_command(text)
        if command.error:
            self.flash(command.error, "error")
            return
        if text.strip() and (not self.command_history or self.command_history[-1] != text):
            self.command_history.append(text.strip())
        if command.action == "quit":
            self.exit()
        elif command.action == "help":
            self.action_help()
        elif command.view is not None:
            view = command.view
            alias = "identities" if view.alias == "search" else view.alias
            self.open(Location(view.screen, alias, command.argument))
            if view.alias == "search" and not command.argument:
                self.call_after_refresh(self.screen.run_action, "filter_prompt")

    # -- app keys ---------------------------------------------------------------------
    def action_command_prompt(self) -> None:
        if isinstance(self.screen, ViewScreen):
            self.screen.open_command_prompt(self.command_history)

    def action_search(self) -> None:
        """ctrl+k: the global search, from anywhere."""
        self.open(Location("search", "search"))

    def action_presets(self) -> None:
        """p: the incident presets (then 1..7 opens one)."""
        self.open(Location("presets", "presets"))

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        rows = help_rows(self.screen.active_bindings, self.get_key_display,
                         self.disabled_reason)
        title = getattr(self.screen, "view_name", lambda: "")() or "wlx"
        self.push_screen(HelpScreen(rows, title))

    def action_refresh(self) -> None:
        self.post_message(RefreshRequested())

    def on_refresh_requested(self, message: RefreshRequested) -> None:
        self.syncer.start_or_show()

    def action_cancel_sync(self) -> None:
        self.syncer.cancel()

    @work(thread=True, exclusive=True, group="reopen", exit_on_error=False)
    def switch_snapshot(self, changes: str | None) -> None:
        """A sync finished: open the new snapshot off the UI thread, then show it."""
        reopen = getattr(self.source, "reopen", None)
        newer = bool(reopen()) if reopen is not None else True
        meta = self.source.meta()
        self.call_from_thread(self.snapshot_switched, meta, self._rowset(), changes, newer)

    def snapshot_switched(self, meta: SourceMeta, rowset: RowSet, changes: str | None,
                          newer: bool) -> None:
        old = self.rowset
        self.generation += 1
        self.index_loaded(meta, rowset)
        for view in self.view_screens():  # lists got their rows with index_loaded
            if view.reloads_with_index:
                view.generation = self.generation
        screen = self.screen
        if isinstance(screen, ViewScreen) and not screen.reloads_with_index:
            screen.generation = self.generation
            screen.reload()  # the others catch up when they show again
        summary = describe_changes(old, rowset, changes, newer)
        self.syncer.state.outcome = summary
        self.syncer.redraw()
        self.flash(summary, "success")

    def disabled_reason(self, action: str) -> str | None:
        name = action.rpartition(".")[2]
        if name.startswith("row_action("):  # a registered row action: row_action('id')
            row_action = find_action(name[len("row_action("):].strip("()'\""))
            return READ_ONLY_REASON if row_action and row_action.writes and self.read_only \
                else None
        return READ_ONLY_REASON if name in WRITE_ACTIONS and self.read_only else None

    def flash(self, message: str, severity: str = "information") -> None:
        screen = self.screen
        if isinstance(screen, ViewScreen):
            screen.flash(message, severity)
        else:
            self.notify(message, severity="error" if severity == "error" else "information",
                        markup=False)

    # -- things the views ask for -----------------------------------------------------
    def show_raw(self, title: str, body: Mapping[str, Any] | None) -> None:
        if body is None:
            self.flash("no raw JSON for this identity in the snapshot", "warning")
            return
        self.push_screen(RawScreen(title, body))

    def open_copy_menu(self, row: Any, extra: list[Any] | None = None) -> None:
        choices = copy_choices(row, self.meta.cloud if self.meta else "global", extra)
        if not choices:
            self.flash("nothing to copy for this row", "warning")
            return

        def copy(choice: Any) -> None:
            if choice is not None:
                self.copy_to_clipboard(choice.value)
                self.flash(f"copied the {choice.label.lower()} (OSC 52)", "success")
        self.push_screen(CopyMenu(choices), copy)

    def open_export(self, view_name: str, table: VirtualTable,
                    rows: list[Any] | None = None) -> None:
        rows, columns = (rows if rows is not None else table.visible_rows), table.model.columns
        safe_name = "".join(c if c.isalnum() or c in "-_" else "-" for c in view_name)[:60]
        default = Path.cwd() / f"wlx-{safe_name}-{self.now():%Y%m%d-%H%M}.csv"

        def chosen(path: Path | None) -> None:
            if path is None:
                return
            if path.exists():
                question = ConfirmDialog("Replace the file?", f"{path} exists. Replace it?",
                                         "Replace")
                self.push_screen(question, lambda yes: yes and self.export(path, columns, rows,
                                                                           True))
            else:
                self.export(path, columns, rows, False)
        self.push_screen(ExportDialog(default, len(rows), view_name), chosen)

    @work(thread=True, group="export", exit_on_error=False)
    def export(self, path: Path, columns: list[Any], rows: list[Any], overwrite: bool) -> None:
        try:
            written = write_export(path, columns, rows, overwrite=overwrite)
        except FileExistsError:
            self.call_from_thread(self.flash, f"{path} appeared meanwhile; not replaced", "error")
        except OSError as exc:
            self.call_from_thread(self.flash, f"cannot write {path}: {exc.strerror}", "error")
        else:
            self.call_from_thread(self.flash, f"exported {len(rows)} rows to {written}",
                                  "success")


def build_app(source: DataSource, *, read_only: bool = True, now: datetime | None = None,
              config: Any = None, clock: Callable[[], datetime] | None = None,
              start: Location | None = None) -> WlxApp:
    """The app as the command line starts it; `now` freezes the clock (tests, --now)."""
    ui = (getattr(config, "sections", {}) or {}).get("ui", {}) if config is not None else {}
    ui = ui if isinstance(ui, dict) else {}
    analysis = getattr(config, "analysis", None)
    fixed = (lambda: now) if now is not None else clock
    return WlxApp(source, read_only=read_only, clock=fixed,
                  keys=getattr(config, "keys", None) or {}, theme=ui.get("theme"),
                  animations=bool(ui.get("animations", False)), start=start, fixed_now=now,
                  stale_days=int(getattr(analysis, "stale_days", 90) or 90),
                  config_path=getattr(config, "path", None))
