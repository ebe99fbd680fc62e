"""`?`: the keys that work here, read from the live bindings of the view and the app.

Never a separate help text: what the footer and this screen show is what the keys do,
including the user's remapping ([keys] in the config) and why a key is disabled.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from textual.app import App, ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tui.widgets.table_model import Column
from tui.widgets.virtual_table import VirtualTable


@dataclass(frozen=True)
class HelpRow:
    keys: str
    description: str
    where: str  # table, view, app, prompt
    state: str  # "" when enabled, else why not
    binding_id: str


def _where(node: object) -> str:
    if isinstance(node, App):
        return "app"
    if isinstance(node, VirtualTable):
        return "table"
    if type(node).__name__ == "TileBoard":
        return "tiles"
    name = type(node).__name__
    return "view" if name.endswith("Screen") else name.lower()


def help_rows(bindings: Mapping[str, ActiveBinding], key_display: Callable[[Binding], str],
              reason: Callable[[str], str | None]) -> list[HelpRow]:
    """One row per action, its keys joined ("j, ↓"), closest to the focus first."""
    grouped: dict[tuple[int, str], list[ActiveBinding]] = {}
    for active in bindings.values():
        binding = active.binding
        if binding.system or not binding.description:
            continue
        grouped.setdefault((id(active.node), binding.action), []).append(active)
    rows = []
    for actives in grouped.values():
        first = actives[0]
        keys = ", ".join(dict.fromkeys(key_display(a.binding) for a in actives))
        state = "" if first.enabled else (reason(first.binding.action) or "disabled here")
        rows.append(HelpRow(keys, first.binding.description, _where(first.node), state,
                            first.binding.id or ""))
    order = {"prompt": 0, "table": 1, "view": 2, "app": 3}
    return sorted(rows, key=lambda r: order.get(r.where, 1))


COLUMNS = [
    Column("keys", "KEYS", lambda r: r.keys, min_width=8, max_width=16),
    Column("description", "ACTION", lambda r: r.description, min_width=12, max_width=24),
    Column("where", "WHERE", lambda r: r.where, width=6),
    Column("id", "ID", lambda r: r.binding_id, min_width=8, max_width=16, priority=2),
    Column("state", "STATE", lambda r: f"✖ off: {r.state}" if r.state else "✔", min_width=10,
           flex=3, tone=lambda r: "warning" if r.state else "success", priority=1),
]


class HelpScreen(ModalScreen[None]):
    """The live key list; esc, q or ? closes it."""

    BINDINGS = [Binding("escape,q,question_mark", "dismiss", "Close", id="help_close")]
    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        #help-box { width: 96%; max-width: 110; height: 90%; background: $surface;
                    border: round $primary; padding: 0 1; }
        #help-box > Static { height: 1; color: $text-muted; }
        VirtualTable { height: 1fr; background: $surface; }
    }
    """

    def __init__(self, rows: list[HelpRow], title: str) -> None:
        super().__init__()
        self.rows = rows
        self.title_text = title

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        with Vertical(id="help-box") as box:
            box.border_title = f"Keys · {self.title_text}"
            yield Static("generated from the live bindings · remap them by ID in the [keys] "
                         "section of config.toml", markup=False)
            table = VirtualTable(COLUMNS, lambda r: f"{r.where}:{r.description}",
                                 lambda r: f"{r.keys} {r.description} {r.binding_id}",
                                 markable=False, selectable=False)
            table.set_rows(self.rows)
            yield table
        yield Footer(compact=True)
