"""Which findings the maintenance queue holds: rules, severities, tiers, labels and the
explorer's filter language, each optional (empty means any). Comma-separated lists; enter
on the last field (or ctrl+s) starts the queue, esc cancels."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from models.findings import RULES
from models.queue import QueueFilter

FIELDS = (("rules", "rules, e.g. credential-expired, stale-identity"),
          ("severities", "severities: high, medium, low, info"),
          ("tiers", "tiers: ControlPlane, ManagementPlane, UserAccess, Unclassified"),
          ("labels", "labels, e.g. team:payments"),
          ("query", "filter, e.g. kind:app !owner:svc-"))


def _split(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.replace(";", ",").split(",") if word.strip())


class QueueFilterDialog(ModalScreen[QueueFilter | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="queue_filter_cancel"),
                Binding("ctrl+s", "start", "Start", id="queue_filter_start")]
    DEFAULT_CSS = """
    QueueFilterDialog {
        align: center middle;
        #queue-filter-box { width: 90%; max-width: 100; height: auto; border: round $primary;
                            background: $surface; padding: 0 1; }
        #queue-filter-box > Static { height: auto; }
        #queue-filter-hint { color: $text-muted; }
        #queue-filter-hint.-error { color: $text-error; }
    }
    """

    def __init__(self, initial: QueueFilter) -> None:
        super().__init__()
        self.initial = initial

    def compose(self) -> ComposeResult:
        with Vertical(id="queue-filter-box") as box:
            box.border_title = "Maintenance queue: which findings"
            yield Static("empty fields mean any; the queue keeps your decisions when you "
                         "change this", markup=False)
            for name, placeholder in FIELDS:
                value = getattr(self.initial, name)
                text = value if isinstance(value, str) else ", ".join(value)
                yield Input(text, placeholder=placeholder, id=f"queue-{name}")
            yield Static("enter on the last field (or ctrl+s) starts · tab next field · "
                         "esc cancels", id="queue-filter-hint", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == f"queue-{FIELDS[-1][0]}":
            self.action_start()
        else:
            self.focus_next()

    def action_start(self) -> None:
        values = {name: self.query_one(f"#queue-{name}", Input).value for name, _ in FIELDS}
        known = {rule.id for rule in RULES}
        unknown = [r for r in _split(values["rules"]) if r not in known]
        if unknown:
            hint = self.query_one("#queue-filter-hint", Static)
            hint.update(Text(f"no rule {', '.join(unknown)}; known: {', '.join(sorted(known))}"))
            hint.add_class("-error")
            return
        self.dismiss(QueueFilter(rules=_split(values["rules"]),
                                 severities=tuple(s.lower() for s in _split(values["severities"])),
                                 tiers=_split(values["tiers"]), labels=_split(values["labels"]),
                                 query=values["query"].strip()))
