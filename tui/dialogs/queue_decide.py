"""The maintenance queue's questions: snooze until when, and accept the risk with which
reason until when. Dates are typed as YYYY-MM-DD (UTC, end of that day); enter on the last
field answers, tab moves between fields, esc cancels."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

DIALOG_CSS = """
{name} {{
    align: center middle;
    #decide-box {{ width: 90%; max-width: 90; height: auto; border: round $primary;
                  background: $surface; padding: 0 1; }}
    #decide-box > Static {{ height: auto; }}
    #decide-hint {{ color: $text-muted; }}
    #decide-hint.-error {{ color: $text-error; }}
}}
"""


def parse_day(text: str, now: datetime) -> datetime:
    """The end of a typed day (YYYY-MM-DD, or +N days); ValueError unless still to come."""
    value = text.strip()
    if value.startswith("+") and value[1:].rstrip("d").isdigit():
        when = now + timedelta(days=int(value[1:].rstrip("d")))
    else:
        day = datetime.strptime(value, "%Y-%m-%d").date()
        when = datetime.combine(day, time(23, 59), tzinfo=UTC)
    if when <= now:
        raise ValueError("pick a date still to come")
    return when


class _Decide(ModalScreen):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="decide_cancel")]
    PAUSES_REFRESH = True
    title_text = ""

    def __init__(self, what: str, now: datetime) -> None:
        super().__init__()
        self.what, self.now = what, now

    def fields(self) -> ComposeResult:
        yield from ()

    def compose(self) -> ComposeResult:
        with Vertical(id="decide-box") as box:
            box.border_title = self.title_text
            yield Static(self.what, markup=False)
            yield from self.fields()
            yield Static("enter answers · tab next field · esc cancels", id="decide-hint",
                         markup=False)

    def problem(self, text: str) -> None:
        hint = self.query_one("#decide-hint", Static)
        hint.update(Text(text))
        hint.add_class("-error")


class SnoozeDialog(_Decide):
    """Until when to put the item aside; dismisses with the time or None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="SnoozeDialog")
    title_text = "Snooze until"

    def fields(self) -> ComposeResult:
        default = (self.now + timedelta(days=7)).strftime("%Y-%m-%d")
        yield Input(default, placeholder="YYYY-MM-DD or +7", id="decide-until")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            self.dismiss(parse_day(event.value, self.now))
        except ValueError as exc:
            self.problem(f"{exc}: type YYYY-MM-DD or +N (days)")


class AcceptDialog(_Decide):
    """Accept the risk: a reason an auditor will read and an expiry; dismisses with
    (reason, expiry) or None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="AcceptDialog")
    title_text = "Accept the risk"

    def fields(self) -> ComposeResult:
        yield Input(placeholder="reason (required), e.g. vendor contract until renewal",
                    id="decide-reason")
        default = (self.now + timedelta(days=90)).strftime("%Y-%m-%d")
        yield Input(default, placeholder="expires YYYY-MM-DD or +90", id="decide-expires")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        reason = self.query_one("#decide-reason", Input).value.strip()
        if event.input.id == "decide-reason" and reason:
            self.query_one("#decide-expires", Input).focus()
            return
        if not reason:
            self.query_one("#decide-reason", Input).focus()
            self.problem("a reason is required: an auditor will read it")
            return
        try:
            expires = parse_day(self.query_one("#decide-expires", Input).value, self.now)
        except ValueError as exc:
            self.problem(f"{exc}: type YYYY-MM-DD or +N (days)")
            return
        self.dismiss((reason, expires))
