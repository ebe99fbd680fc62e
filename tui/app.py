"""The explorer app: holds the data source and the view history, and nothing else.

Screens draw; this opens them (drill down, `:` aliases, back and forward), loads the
list index in a worker, and owns the app-wide keys. `build_app()` is the one factory the
command line and the tests share.
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

from tui.datasource import DataSource, SourceMeta
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.copy_menu import CopyMenu, copy_choices
from tui.dialogs.export import ExportDialog, write_export
from tui.keys import (APP_BINDINGS, READ_ONLY_REASON, VIEW_BINDINGS, WRITE_ACTIONS,
                      binding_ids, keymap_from_config)
from tui.screens.base import Location, ViewScreen
from tui.screens.detail import DetailScreen
from tui.screens.help import HelpScreen, help_rows
from tui.screens.identity_list import IdentityListScreen
from tui.screens.overview import OverviewScreen
from tui.screens.palette import ExplorerCommands
from tui.screens.raw import RawScreen
from tui.screens.views import parse_command
from tui.styles.themes import DEFAULT_THEME, WLX_THEMES
from tui.widgets.header_bar import HeaderBar
from tui.widgets.prompt import PromptInput
from tui.screens.columns import identity_id, identity_search
from tui.widgets.table_model import RowSet, TableState
from tui.widgets.virtual_table import VirtualTable

MAX_DEPTH = 40  # views on the stack before the app suggests going back


def over_ssh() -> bool:
    return bool(os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"))


class RefreshRequested(Message):
    """`r`: re-read the data. Until sync is wired in, the app re-reads the source."""


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
                 start: Location | None = None) -> None:
        super().__init__()
        self.source = source
        self.read_only = read_only
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.meta: SourceMeta | None = None
        self.rowset: RowSet | None = None
        self.command_history: list[str] = []
        self.forward: list[tuple[Location, TableState]] = []
        self.start = start or Location("list", "identities")
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
        self.push_screen(self.make_screen(self.start))
        if problems:
            self.flash("; ".join(problems), "warning")
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
                            CopyMenu.BINDINGS, ExportDialog.BINDINGS, ConfirmDialog.BINDINGS)
        keymap, key_problems = keymap_from_config(self._keys, known)
        self.set_keymap(keymap)
        return problems + key_problems

    @work(thread=True, exclusive=True, group="index", exit_on_error=False)
    def load_index(self) -> None:
        meta = self.source.meta()
        # ids and search texts are computed here, off the UI thread, once for every view
        rowset = RowSet(self.source.index(), identity_id, identity_search)
        self.call_from_thread(self.index_loaded, meta, rowset)

    def index_loaded(self, meta: SourceMeta, rowset: RowSet) -> None:
        self.meta, self.rowset = meta, rowset
        for screen in self.screen_stack:
            if isinstance(screen, ViewScreen) and screen.is_mounted:
                screen.query_one(HeaderBar).show(meta, self.read_only)
                if hasattr(screen, "rows_loaded"):
                    screen.rows_loaded(rowset)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.worker_failed(event.worker, self.view_screens())

    def worker_failed(self, worker: Worker[Any], screens: list[ViewScreen]) -> None:
        """Every failed worker becomes a message; the app keeps running on what it has."""
        error = worker.error
        what = {"index": "cannot read the identities", "detail": "cannot read this identity",
                "raw": "cannot read the raw JSON", "export": "cannot export"}.get(
                    worker.group, f"{worker.name} failed")
        self.flash(f"{what}: {type(error).__name__}: {error}", "error")
        if worker.group in ("index", "detail"):  # their tables wait in a loading state
            for screen in screens:
                for table in screen.query(VirtualTable):
                    table.loading = False
                    table.empty_text = f"{what} ({error}); r tries again"
                    table.refresh()

    @property
    def rows(self) -> list[Any] | None:
        """The index rows, None until the first load."""
        return self.rowset.rows if self.rowset is not None else None

    # -- navigation -------------------------------------------------------------------
    def make_screen(self, location: Location) -> ViewScreen:
        if location.screen == "detail":
            return DetailScreen(location)
        if location.screen == "overview":
            return OverviewScreen(location)
        return IdentityListScreen(location)

    def view_screens(self) -> list[ViewScreen]:
        return [s for s in self.screen_stack if isinstance(s, ViewScreen)]

    def open(self, location: Location, state: TableState | None = None) -> None:
        """Drill down or jump: a new view on top; forward history is dropped."""
        self.forward.clear()
        self._push(location, state)

    def _push(self, location: Location, state: TableState | None) -> None:
        screen = self.make_screen(location)
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
            if view.screen == "overview":
                self.open(Location("overview", "overview"))
            else:
                alias = "identities" if view.alias == "search" else view.alias
                self.open(Location("list", alias, command.argument))
                if view.alias == "search" and not command.argument:
                    self.call_after_refresh(self.screen.run_action, "filter_prompt")

    # -- app keys ---------------------------------------------------------------------
    def action_command_prompt(self) -> None:
        if isinstance(self.screen, ViewScreen):
            self.screen.open_command_prompt(self.command_history)

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
        self.flash("re-reading the snapshot…")
        self.load_index()

    def disabled_reason(self, action: str) -> str | None:
        name = action.rpartition(".")[2]
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

    def open_copy_menu(self, row: Any) -> None:
        choices = copy_choices(row, self.meta.cloud if self.meta else "global")
        if not choices:
            self.flash("nothing to copy for this row", "warning")
            return

        def copy(choice: Any) -> None:
            if choice is not None:
                self.copy_to_clipboard(choice.value)
                self.flash(f"copied the {choice.label.lower()} (OSC 52)", "success")
        self.push_screen(CopyMenu(choices), copy)

    def open_export(self, view_name: str, table: VirtualTable) -> None:
        rows, columns = table.visible_rows, table.model.columns
        default = Path.cwd() / f"wlx-{view_name}-{self.now():%Y%m%d-%H%M}.csv"

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
              config: Any = None, clock: Callable[[], datetime] | None = None) -> WlxApp:
    """The app as the command line starts it; `now` freezes the clock (tests, --now)."""
    ui = (getattr(config, "sections", {}) or {}).get("ui", {}) if config is not None else {}
    ui = ui if isinstance(ui, dict) else {}
    fixed = (lambda: now) if now is not None else clock
    return WlxApp(source, read_only=read_only, clock=fixed,
                  keys=getattr(config, "keys", None) or {}, theme=ui.get("theme"),
                  animations=bool(ui.get("animations", False)))
