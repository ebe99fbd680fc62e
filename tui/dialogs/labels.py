"""`L`: the admin's labels of the marked identities (or the cursor one), issue 6.

Tier override (and why), criticality, owner of record, business purpose, notes and free
labels. A field starts with the value all the identities share (blank when they differ);
only the fields the admin changed are sent, so one dialog can label fifty identities
without wiping their notes. An edited field left blank clears it. Free labels: the ones
typed are added, the ones deleted from the shared list are removed. Labels are local (the
wlx cache), so this works in read-only mode. Names are directory text: shown cleaned.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from models.labels import CRITICALITIES, apply_change, check_label, parse_document
from models.text import clean
from models.tiers import TIERS

# (input id, document key, label shown)
FIELDS = (
    ("tier", "tier", "Tier override"),
    ("tier-reason", "tierReason", "Why this tier"),
    ("criticality", "criticality", "Criticality"),
    ("owner", "ownerOfRecord", "Owner of record"),
    ("purpose", "businessPurpose", "Business purpose"),
    ("notes", "notes", "Notes"),
)
HINTS = {
    "tier": f"{', '.join(TIERS)} or blank (no override)",
    "criticality": f"{', '.join(CRITICALITIES)} or blank",
}


def shared_value(documents: list[dict[str, Any]], key: str) -> str:
    """The value every document has for `key` ("" when they differ or none has it)."""
    values = {str(doc.get(key) or "") for doc in documents}
    return values.pop() if len(values) == 1 else ""


def shared_labels(documents: list[dict[str, Any]]) -> list[str]:
    """The free labels every document has, in the first one's order."""
    if not documents:
        return []
    common = set(documents[0].get("labels", []))
    for doc in documents[1:]:
        common &= set(doc.get("labels", []))
    return [x for x in documents[0].get("labels", []) if x in common]


def split_labels(text: str) -> list[str]:
    return [part for part in text.replace(",", " ").split() if part]


def build_change(documents: list[dict[str, Any]], values: dict[str, str],
                 labels_text: str) -> dict[str, Any]:
    """The set-label change of what the admin edited; ValueError with the reason (checked
    against every document, so a bad value never reaches the store)."""
    change: dict[str, Any] = {}
    for field_id, key, _ in FIELDS:
        new = values.get(field_id, "").strip() if key != "notes" else values.get(field_id, "")
        if new != shared_value(documents, key):
            change[key] = new.strip() or None
    before = shared_labels(documents)
    after = [check_label(x) for x in split_labels(labels_text)]
    added = [x for x in after if x not in before]
    removed = [x for x in before if x not in after]
    if added:
        change["addLabels"] = added
    if removed:
        change["removeLabels"] = removed
    if change:
        for doc in documents or [{}]:
            apply_change(doc, change)
    return change


def labels_summary(value: Any) -> str:
    """One line for the detail header: tier override, criticality, owner, labels."""
    try:
        doc = parse_document(value)
    except ValueError:
        return "labels: (damaged document)"
    parts = []
    if doc.tier:
        reason = f" ({doc.tier_reason})" if doc.tier_reason else ""
        parts.append(f"tier override {doc.tier}{reason}")
    if doc.criticality:
        parts.append(f"criticality {doc.criticality}")
    if doc.owner_of_record:
        parts.append(f"owner of record {doc.owner_of_record}")
    if doc.labels:
        parts.append("labels " + " ".join(doc.labels))
    if doc.business_purpose:
        parts.append(f"purpose: {doc.business_purpose}")
    return clean(" · ".join(parts), 300) if parts else ""


class LabelsDialog(ModalScreen[dict[str, Any] | None]):
    """Returns the change to apply to every identity, or None (cancelled / unchanged)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="labels_cancel"),
                Binding("ctrl+s", "save", "Save", id="labels_save")]
    DEFAULT_CSS = """
    LabelsDialog {
        align: center middle;
        #labels-box { width: 90%; max-width: 100; height: auto; max-height: 95%;
                      border: round $primary; background: $surface; padding: 0 1; }
        #labels-box Static { height: auto; }
        #labels-box Label { width: 18; padding: 1 1 0 0; }
        #labels-box Horizontal { height: auto; }
        #labels-box Input { width: 1fr; }
        #labels-hint { color: $text-muted; }
        #labels-hint.-error { color: $text-error; }
        #labels-buttons { height: auto; align: right middle; }
    }
    """

    def __init__(self, names: list[str], documents: list[dict[str, Any]]) -> None:
        super().__init__()
        self.names, self.documents = names, documents

    def compose(self) -> ComposeResult:
        with Vertical(id="labels-box") as box:
            count = len(self.names)
            box.border_title = "Labels" if count == 1 else f"Labels of {count} identities"
            shown = ", ".join(clean(n, 40) for n in self.names[:3])
            more = f" and {count - 3} more" if count > 3 else ""
            yield Static(Text(f"{shown}{more}"), id="labels-who")
            for field_id, key, title in FIELDS:
                with Horizontal():
                    yield Label(title)
                    yield Input(shared_value(self.documents, key), id=f"labels-{field_id}",
                                placeholder=HINTS.get(field_id, ""))
            with Horizontal():
                yield Label("Labels")
                yield Input(" ".join(shared_labels(self.documents)), id="labels-labels",
                            placeholder="to-decommission accepted-risk:2027-03-31")
            yield Static(Text("blank clears an edited field · only edited fields change · "
                              "enter or ctrl+s saves · esc cancels"
                              + (" · fields differ: blank = unchanged" if count > 1 else "")),
                         id="labels-hint")
            with Horizontal(id="labels-buttons"):
                yield Button("Cancel", id="labels-cancel-button")
                yield Button("Save", id="labels-save-button", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#labels-tier", Input).focus()

    def values(self) -> dict[str, str]:
        return {f: self.query_one(f"#labels-{f}", Input).value for f, _, _ in FIELDS}

    def action_save(self) -> None:
        try:
            change = build_change(self.documents, self.values(),
                                  self.query_one("#labels-labels", Input).value)
        except ValueError as exc:
            hint = self.query_one("#labels-hint", Static)
            hint.update(Text(clean(str(exc), 300)))
            hint.add_class("-error")
            return
        self.dismiss(change or None)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "labels-save-button":
            self.action_save()
        else:
            self.dismiss(None)
