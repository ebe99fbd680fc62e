"""`c`: copy the selected identity's ID, appId, name or portal link to the clipboard, and
what the cursor row names (a keyId, an IP, a federated subject) in a detail tab.

The app copies with OSC 52 (App.copy_to_clipboard), which works over SSH where xclip
cannot. A name is copied cleaned: a hostile name must not smuggle control characters
into the admin's shell through a paste.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from models.text import clean

PORTAL_HOSTS = {  # cloud (models.recording) -> Azure portal
    "global": "portal.azure.com",
    "usgov": "portal.azure.us",
    "dod": "portal.azure.us",
    "china": "portal.azure.cn",
}


def portal_link(row: Any, cloud: str = "global") -> str | None:
    """The identity's page in the Azure portal (Entra blades), or None without ids."""
    host = PORTAL_HOSTS.get(cloud, PORTAL_HOSTS["global"])
    object_id, app_id = getattr(row, "id", ""), getattr(row, "app_id", "")
    kind = getattr(row, "kind", "") or ""
    if kind.startswith("app") and app_id:  # an app registration of this tenant
        return (f"https://{host}/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade"
                f"/~/Overview/appId/{app_id}")
    if object_id and app_id:  # an enterprise application / managed identity
        return (f"https://{host}/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/Overview"
                f"/objectId/{object_id}/appId/{app_id}")
    return None


@dataclass(frozen=True)
class CopyChoice:
    key: str
    label: str
    value: str


EXTRA_KEYS = "kxsurtvwbdfgh"  # letters for the row's own values (not i, a, n, p)


def copy_choices(row: Any, cloud: str = "global",
                 extra: list[CopyChoice] | None = None) -> list[CopyChoice]:
    """The identity's ids (when `row` is one), then the `extra` values, each with a key."""
    choices = [
        CopyChoice("i", "Object ID", str(getattr(row, "id", "") or "")),
        CopyChoice("a", "App ID", str(getattr(row, "app_id", "") or "")),
        CopyChoice("n", "Name", clean(getattr(row, "display_name", "") or "")),
        CopyChoice("p", "Portal link", portal_link(row, cloud) or ""),
    ] if row is not None else []
    free = iter(EXTRA_KEYS)
    for choice in extra or ():
        key = next(free, "")
        if key:
            choices.append(CopyChoice(key, choice.label, clean(choice.value)))
    return [choice for choice in choices if choice.value]


class CopyMenu(ModalScreen[CopyChoice | None]):
    """Pick what to copy: a letter, or arrows and enter; esc cancels."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="copy_cancel"),
        *(Binding(key, f"choose('{key}')", show=False) for key in "ianp" + EXTRA_KEYS),
    ]
    DEFAULT_CSS = """
    CopyMenu {
        align: center middle;
        #copy-box { width: 90%; max-width: 100; height: auto; border: round $primary;
                    background: $surface; }
        OptionList, OptionList:focus { height: auto; max-height: 8; border: none;
                                       text-wrap: nowrap; text-overflow: ellipsis; }
    }
    """

    def __init__(self, choices: list[CopyChoice]) -> None:
        super().__init__()
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="copy-box") as box:
            box.border_title = "Copy to clipboard"
            box.border_subtitle = "letter or enter · esc cancels"
            yield OptionList(*(self._option(c) for c in self.choices))

    @staticmethod
    def _option(choice: CopyChoice) -> Option:
        prompt = Text.assemble((f"{choice.key} ", "bold"), (f"{choice.label:<12}", ""),
                               (choice.value, "dim"), no_wrap=True, overflow="ellipsis")
        return Option(prompt, id=choice.key)

    def action_choose(self, key: str) -> None:
        choice = next((c for c in self.choices if c.key == key), None)
        if choice is not None:
            self.dismiss(choice)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_choose(event.option.id or "")
