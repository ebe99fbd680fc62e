"""The flash line (k9s): one message with a severity, above the footer, that clears itself.

The message is plain Text with a symbol per severity, so it reads without colour and a
name quoted in it cannot style or link anything.
"""

from __future__ import annotations

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

from models.text import clean

LEVELS = {  # severity: symbol, seconds on screen
    "information": ("●", 4.0),
    "success": ("✔", 4.0),
    "warning": ("▲", 8.0),
    "error": ("✖", 12.0),
}


class Flash(Static):
    """Shows the latest message; an empty line when there is none."""

    DEFAULT_CSS = """
    Flash {
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        color: $text-muted;
        &.-success { color: $text-success; }
        &.-warning { color: $text-warning; }
        &.-error { color: $text-error; text-style: bold; }
    }
    """

    def __init__(self, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.message = ""
        self.severity = "information"
        self._timer: Timer | None = None

    def flash(self, message: str, severity: str = "information",
              timeout: float | None = None) -> None:
        symbol, seconds = LEVELS.get(severity, LEVELS["information"])
        self.message, self.severity = clean(message), severity
        self.update(Text(f"{symbol} {self.message}", no_wrap=True, overflow="ellipsis"))
        for level in LEVELS:
            self.set_class(level == severity, f"-{level}")
        if self._timer is not None:
            self._timer.stop()
        delay = max(0.01, timeout if timeout is not None else seconds)
        self._timer = self.set_timer(delay, self.clear)

    def clear(self) -> None:
        self.message = ""
        self.update("")
        self._timer = None
