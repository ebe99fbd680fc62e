"""The raw Graph JSON of an object (`y`, like k9s shows YAML), read-only and selectable.

Strings from the directory keep their JSON escapes; characters JSON does not escape
(bidi overrides, zero-width) are made visible line by line (models.text.clean).
"""

from __future__ import annotations

import json
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea

from models.text import clean
from tui.text import safe_text


def raw_json(body: Any) -> str:
    text = json.dumps(body, indent=2, ensure_ascii=False, sort_keys=True, default=str)
    return "\n".join(clean(line) for line in text.splitlines())


class RawScreen(Screen):
    """JSON in a read-only text area; esc goes back."""

    BINDINGS = [
        Binding("escape,y", "dismiss", "Back", id="raw_close"),
        Binding("c", "copy_all", "Copy JSON", id="raw_copy"),
    ]
    DEFAULT_CSS = """
    RawScreen {
        #raw-title { height: 1; background: $panel; padding: 0 1; text-style: bold; }
        TextArea, TextArea:focus { height: 1fr; border: none; }
    }
    """

    def __init__(self, title: str, body: Any) -> None:
        super().__init__()
        self.title_text = title
        self.text = raw_json(body)

    def compose(self) -> ComposeResult:
        title = safe_text(f"raw JSON · {self.title_text}")
        yield Static(title, id="raw-title")
        yield TextArea(self.text, read_only=True, show_line_numbers=True, soft_wrap=False,
                       id="raw-json")
        yield Footer(compact=True)

    def action_copy_all(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify("copied the JSON (OSC 52)", timeout=3)
