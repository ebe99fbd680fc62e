"""`F` on a finding (the `:findings` view, the detail's Findings tab): offer the remedies
that address it (models.remedies) and run the chosen one through `run_actions`, so the
confirm dialog, the journal and read-only mode apply as for every write (issue 6).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from models.remedies import Remedy, remedies
from models.text import clean
from tui.keys import READ_ONLY_REASON
from tui.writes.actions import run_actions


class FixMenu(ModalScreen[int | None]):
    """The remedies of one finding; the impossible ones are shown disabled, with why."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="fix_cancel")]
    DEFAULT_CSS = """
    FixMenu {
        align: center middle;
        #fix-box { width: 90%; max-width: 100; height: auto; max-height: 80%;
                   border: round $primary; background: $surface; padding: 0 1; }
        #fix-box > Static { height: auto; color: $text-muted; }
        OptionList { height: auto; max-height: 20; }
    }
    """

    def __init__(self, summary: str, choices: list[Remedy]) -> None:
        super().__init__()
        self.summary, self.choices = summary, choices

    def compose(self) -> ComposeResult:
        with Vertical(id="fix-box") as box:
            box.border_title = "Fix this finding"
            yield Static(Text(clean(self.summary, 200)))
            options = []
            for number, remedy in enumerate(self.choices):
                label = clean(remedy.title, 120)
                if remedy.blocked:
                    label += f" (not possible: {clean(remedy.blocked, 120)})"
                options.append(Option(Text(label), id=str(number),
                                      disabled=not remedy.possible))
            yield OptionList(*options, id="fix-options")
            yield Static("enter runs it (you confirm first) · esc cancels")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0))


def find_finding(identity: Any, finding_id: str) -> Any | None:
    return next((f for f in getattr(identity, "findings", []) if f.id == finding_id), None)


def fix(app: Any, targets: list[Any]) -> None:
    """Read the identity in a thread, then offer the remedies of the cursor finding."""
    target = next((t for t in targets if t.kind == "finding"), None)
    if target is None:
        app.flash("fix: put the cursor on a finding", "warning")
        return
    if app.read_only:
        app.flash(f"fix: {READ_ONLY_REASON}", "warning")
        return

    def prepare() -> None:
        identity = app.source.detail(target.identity_id)
        finding = find_finding(identity, target.object_id) if identity is not None else None
        if finding is None:
            app.call_from_thread(app.flash, "fix: this finding is not in the snapshot", "warning")
            return
        app.call_from_thread(_offer, app, finding, remedies(finding, identity))
    app.run_worker(prepare, thread=True, group="writes", exit_on_error=False)


def _offer(app: Any, finding: Any, choices: list[Remedy]) -> None:
    if not choices:
        app.flash(f"fix: no action fixes {finding.rule} (it needs a person: a new owner, "
                  "a rotation)", "warning")
        return

    def chosen(number: int | None) -> None:
        if number is None:
            app.flash("fix: cancelled, nothing was sent")
            return
        remedy = choices[number]
        run_actions(app, "Fix", [remedy.action])
    app.push_screen(FixMenu(f"{finding.rule}: {finding.summary}", choices), chosen)
