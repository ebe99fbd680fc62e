"""Ask where to write a file or a folder: a Markdown export (the diff, the maintenance
summary) or an incident bundle (a folder of JSON, Markdown and a redacted recording).

The user confirms the path; enter writes, esc cancels. Whether the target exists is the
caller's question (it asks before replacing anything).
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from models.text import clean


class PathDialog(ModalScreen[Path | None]):
    """A path to write to; `folder=True` asks for a folder (it may not exist yet)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="path_cancel")]
    DEFAULT_CSS = """
    PathDialog {
        align: center middle;
        #path-box { width: 90%; max-width: 100; height: auto; border: round $primary;
                    background: $surface; padding: 0 1; }
        #path-box > Static { height: auto; }
        #path-hint { color: $text-muted; }
        #path-hint.-error { color: $text-error; }
    }
    """

    def __init__(self, title: str, what: str, default: Path, folder: bool = False) -> None:
        super().__init__()
        self.title_text, self.what, self.default, self.folder = title, what, default, folder

    def compose(self) -> ComposeResult:
        with Vertical(id="path-box") as box:
            box.border_title = self.title_text
            yield Static(self.what, markup=False)
            yield Input(str(self.default), id="path-input")
            yield Static("enter writes (files readable by you only) · esc cancels",
                         id="path-hint", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        hint = self.query_one("#path-hint", Static)
        if not value:
            hint.update(Text("type a path"))
            return
        target = Path(value).expanduser()
        if not target.parent.is_dir():
            hint.update(Text(f"no such folder: {clean(target.parent)}"))
            hint.add_class("-error")
            return
        if self.folder and target.exists() and not target.is_dir():
            hint.update(Text(f"{clean(target)} is a file, not a folder"))
            hint.add_class("-error")
            return
        self.dismiss(target)
