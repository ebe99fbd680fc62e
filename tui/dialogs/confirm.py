"""A yes/no question with Cancel focused, so a stray enter never confirms."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui.text import safe_text


class ConfirmDialog(ModalScreen[bool]):
    """Dismisses with True only when the confirm button is pressed."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel", id="confirm_cancel")]
    AUTO_FOCUS = "#cancel"
    DEFAULT_CSS = """
    ConfirmDialog {
        align: center middle;
        #confirm-box { width: 90%; max-width: 80; height: auto; border: thick $warning;
                       background: $surface; padding: 1 2; }
        #confirm-message { margin-bottom: 1; }
        Horizontal { height: auto; align-horizontal: right; }
        Button { margin-left: 2; }
    }
    """

    def __init__(self, title: str, message: str, confirm_label: str = "Confirm") -> None:
        super().__init__()
        self.title_text, self.message, self.confirm_label = title, message, confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box") as box:
            box.border_title = self.title_text
            yield Static(safe_text(self.message), id="confirm-message")
            with Horizontal():
                yield Button("Cancel", id="cancel")
                yield Button(self.confirm_label, id="confirm", variant="warning")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")
