"""The confirm dialog of every write (issue 6's safety model), and the run's result.

`ActionConfirm` names the targets and their count, shows the exact Graph requests (method,
URL, body) and the Microsoft Graph PowerShell equivalent, says plainly what cannot be
undone, and asks for the typed count or name when the preview says so. Cancel is focused:
a stray enter never confirms. The data does not refresh underneath it (PAUSES_REFRESH).
It dismisses with what was typed ("" for a plain confirm), or None.

`RunResult` shows what a run did: done, skipped, failed with Graph's reason (and the
permission needed on a 403), or stopped, with "Resume" offered.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from rich.text import Text

from models.text import clean
from tui.text import safe_text

DIALOG_CSS = """
{name} {{
    align: center middle;
    #box {{ width: 96%; max-width: 110; height: auto; max-height: 92%; border: thick $warning;
            background: $surface; padding: 0 1; }}
    #lines {{ height: auto; max-height: 24; }}
    #headline {{ text-style: bold; margin-bottom: 1; }}
    #prompt {{ margin-top: 1; }}
    #buttons {{ height: auto; align-horizontal: right; margin-top: 1; }}
    Button {{ margin-left: 2; }}
}}
"""


SAVE_PLAN = "\x00save-plan"  # what the dialog gives back when the admin saves a plan instead


class ActionConfirm(ModalScreen[str | None]):
    """Preview and confirmation of one run of writes."""

    PAUSES_REFRESH = True
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="action_cancel")]
    AUTO_FOCUS = "#cancel"
    DEFAULT_CSS = DIALOG_CSS.format(name="ActionConfirm")

    def __init__(self, title: str, preview: Any, where: str = "", verb: str = "Apply",
                 can_plan: bool = False) -> None:
        super().__init__()
        self.title_text, self.preview, self.where, self.verb = title, preview, where, verb
        self.can_plan = can_plan and bool(preview.tenant_changes)

    def headline(self) -> str:
        count = self.preview.tenant_changes
        what = f"{count} change{'s' if count != 1 else ''} to the tenant" if count \
            else "local labels only (nothing is sent to the tenant)"
        return f"{what}" + (f" · {self.where}" if self.where and count else "")

    def preview_lines(self) -> list[str]:
        lines = self.preview.lines()
        if self.preview.confirmation is not None:  # the prompt shows above the field
            lines = lines[:-2]
        return lines

    def compose(self) -> ComposeResult:
        with Vertical(id="box") as box:
            box.border_title = self.title_text
            yield Static(safe_text(self.headline()), id="headline")
            with VerticalScroll(id="lines"):
                yield Static(wrapped(self.preview_lines()), id="preview")
            needed = self.preview.confirmation
            if needed is not None:
                yield Static(safe_text(needed.prompt), id="prompt")
                yield Input(placeholder=f"type {needed.text} to confirm", id="typed")
            with Horizontal(id="buttons"):
                yield Button("Cancel", id="cancel")
                if self.can_plan:  # for change management: apply later with `wlx apply`
                    yield Button("Save as plan", id="plan")
                yield Button(self.verb, id="confirm", variant="error",
                             disabled=bool(self.preview.refused and
                                           self.preview.tenant_changes))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._confirm()

    def on_key(self, event: events.Key) -> None:
        # Cancel keeps the focus (a stray enter never confirms), but typing goes to the
        # confirmation field: the admin types the count or the name straight away
        if self.preview.confirmation is None or not event.is_printable or not event.character:
            return
        field = self.query_one("#typed", Input)
        if self.focused is field:
            return
        event.stop()
        event.prevent_default()
        field.focus()
        field.insert_text_at_cursor(event.character)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "confirm":
            self._confirm()
        elif event.button.id == "plan":
            self.dismiss(SAVE_PLAN)
        else:
            self.dismiss(None)

    def _confirm(self) -> None:
        needed = self.preview.confirmation
        typed = self.query_one("#typed", Input).value if needed is not None else ""
        if needed is not None and not needed.matches(typed):
            self.notify(f"type {needed.text} exactly to confirm (or esc to cancel)",
                        severity="warning", markup=False)
            return
        self.dismiss(typed)


class RunSummary(ModalScreen[str]):
    """What a run did; dismisses with "resume" when the admin asks to finish it."""

    PAUSES_REFRESH = True
    BINDINGS = [Binding("escape", "dismiss('close')", "Close", id="result_close")]
    AUTO_FOCUS = "#close"
    DEFAULT_CSS = DIALOG_CSS.format(name="RunSummary")

    def __init__(self, title: str, lines: list[str], resumable: bool) -> None:
        super().__init__()
        self.title_text, self.lines, self.resumable = title, lines, resumable

    def compose(self) -> ComposeResult:
        with Vertical(id="box") as box:
            box.border_title = self.title_text
            with VerticalScroll(id="lines"):
                yield Static(wrapped(self.lines), id="summary")
            with Horizontal(id="buttons"):
                if self.resumable:
                    yield Button("Resume", id="resume", variant="warning")
                yield Button("Close", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id or "close")


def summary_lines(result: Any, progress: list[str]) -> list[str]:
    """The result as the admin reads it: what happened to each item, then the totals."""
    out = list(progress)
    out.append("")
    out += result.summary().replace("`wlx apply --resume`", "Resume (or `wlx apply "
                                    "--resume`)").splitlines()
    if result.failures:
        out += ["", "failed:"] + [f"  {f}" for f in result.failures]
    return out


def wrapped(lines: list[str]) -> Text:
    """Untrusted lines as one Text: cleaned, never markup-parsed, wrapped to the dialog."""
    return Text("\n").join(Text(clean(line, 2000)) for line in lines)
