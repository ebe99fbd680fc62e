"""The sync progress panel (`r`): a bar per data kind, the sign-in code when the sync
needs one, and the outcome. esc hides it and the sync goes on (the header says
"syncing…"); `r` shows it again; `x` stops the sync, leaving the current snapshot as is.

Messages from the child (a device-code prompt, an error) are cleaned and never parsed
as markup.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from models.recording import KINDS
from models.text import clean
from tui.syncing import STAGES, KindProgress, SyncState
from tui.widgets.table_model import Column
from tui.widgets.tiles import bar
from tui.widgets.virtual_table import VirtualTable

TONES = {"done": "success", "unavailable": "warning", "failed": "error", "throttled": "warning",
         "skipped": "muted", "waiting": "muted"}


def _count(p: KindProgress) -> str:
    if p.total is not None:
        return f"{p.done:,}/{p.total:,}"
    return f"{p.done:,}" if p.done else ""


COLUMNS = [
    Column("kind", "DATA", lambda p: p.kind, min_width=16, max_width=32),
    Column("bar", "PROGRESS", lambda p: bar(p.fraction or 0.0, 1.0, 16), width=16,
           tone=lambda p: TONES.get(p.status, "accent")),
    Column("count", "COUNT", _count, width=15, align="right"),
    Column("status", "STATUS", lambda p: p.status + (f": {p.detail}" if p.detail else ""),
           min_width=10, flex=2, tone=lambda p: TONES.get(p.status)),
]


def panel_rows(state: SyncState) -> list[KindProgress]:
    """Every step of a sync, in reading order: the ones seen so far with their progress."""
    names = [kind.name for kind in KINDS] + list(STAGES)
    seen = list(state.kinds)
    ordered = seen + [name for name in names if name not in state.kinds]
    return [state.kinds.get(name) or KindProgress(name) for name in ordered]


class SyncPanel(ModalScreen[None]):
    """Progress of the running (or last) sync."""

    BINDINGS = [
        Binding("escape,r", "dismiss", "Hide", id="sync_hide"),
        Binding("x", "app.cancel_sync", "Stop sync", id="sync_cancel"),
    ]
    DEFAULT_CSS = """
    SyncPanel {
        align: center middle;
        #sync-box { width: 96%; max-width: 110; height: auto; max-height: 90%;
                    background: $surface; border: round $primary; padding: 0 1; }
        #sync-title { height: 1; text-style: bold; }
        #sync-sign-in { height: auto; border: heavy $accent; padding: 0 1; display: none;
                        color: $text; text-style: bold; }
        #sync-sign-in.-shown { display: block; }
        #sync-outcome { height: auto; display: none; }
        #sync-outcome.-shown { display: block; }
        #sync-outcome.-error { color: $text-error; text-style: bold; }
        VirtualTable { height: auto; max-height: 26; background: $surface; }
        #sync-hint { height: 1; color: $text-muted; }
    }
    """

    def __init__(self, state: SyncState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        with Vertical(id="sync-box") as box:
            box.border_title = "Sync"
            yield Static(id="sync-title")
            yield Static(id="sync-sign-in")
            yield Static(id="sync-outcome")
            yield VirtualTable(COLUMNS, lambda p: p.kind, lambda p: p.kind, markable=False,
                               selectable=False, id="sync-kinds")
            yield Static(Content("esc hides this panel (the sync goes on) · r shows it again "
                                 "· x stops the sync"), id="sync-hint")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show_state()

    def show_state(self) -> None:
        """Draw the state again (the app calls this as events arrive)."""
        if not self.is_mounted:
            return
        state = self.state
        what = "Syncing" if state.running else "Last sync of"
        self.query_one("#sync-title", Static).update(Content(
            f"{what} {clean(state.source)} · {state.finished_steps}/{state.expected} steps · "
            f"{state.seconds():.0f}s"))
        sign_in = self.query_one("#sync-sign-in", Static)
        sign_in.set_class(bool(state.sign_in), "-shown")
        if state.sign_in:
            sign_in.update(Content("Sign-in needed:\n" + clean(state.sign_in, 400)))
        outcome = self.query_one("#sync-outcome", Static)
        text = ""
        if state.error:
            text = f"✖ the sync failed: {clean(state.error, 600)}; the snapshot you see " \
                   "is unchanged"
        elif not state.running and state.generation is not None:
            text = f"✔ done: snapshot #{state.generation}" + (
                f" · {clean(state.outcome or state.changes, 300)}"
                if state.outcome or state.changes else "")
        outcome.update(Content(text))
        outcome.set_class(bool(text), "-shown")
        outcome.set_class(bool(state.error), "-error")
        self.query_one(VirtualTable).set_rows(panel_rows(state))
