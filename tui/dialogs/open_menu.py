"""Enter on a row that names several objects (a sign-in names an IP, a keyId and a
resource): pick which one to open. A digit or arrows and enter; esc cancels.

Labels name directory objects: they are drawn as cleaned Text, never parsed as markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from models.text import clean
from tui.screens.links import Link

DIGITS = "123456789"


class OpenMenu(ModalScreen[Link | None]):
    """The links of one row; choosing one dismisses with it."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel", id="open_cancel"),
        *(Binding(key, f"choose({n})", show=False) for n, key in enumerate(DIGITS)),
    ]
    DEFAULT_CSS = """
    OpenMenu {
        align: center middle;
        #open-box { width: 90%; max-width: 100; height: auto; border: round $primary;
                    background: $surface; }
        OptionList, OptionList:focus { height: auto; max-height: 12; border: none;
                                       text-wrap: nowrap; text-overflow: ellipsis; }
    }
    """

    def __init__(self, links: list[Link]) -> None:
        super().__init__()
        self.links = links[: len(DIGITS)]

    def compose(self) -> ComposeResult:
        with Vertical(id="open-box") as box:
            box.border_title = "Open"
            box.border_subtitle = "digit or enter · esc cancels"
            yield OptionList(*(Option(Text.assemble((f"{DIGITS[n]} ", "bold"),
                                                    clean(link.label, 200), no_wrap=True,
                                                    overflow="ellipsis"), id=str(n))
                               for n, link in enumerate(self.links)))

    def action_choose(self, number: int) -> None:
        if 0 <= number < len(self.links):
            self.dismiss(self.links[number])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_choose(int(event.option.id or 0))
