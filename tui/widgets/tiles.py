"""A board of tiles in titled sections and columns (the overview): a tile is one line,
"label … count ▇▇▇", and the ones that open something take the focus. Arrows and vim
keys move between tiles (up/down in a column, left/right to the nearest tile of the
next column), enter or a click chooses one.

Sections go into as many columns as the width allows (3, 2 or 1), by a fixed plan per
column count so the board reads the same every time. Text is Content built from cleaned
strings: nothing from the directory is parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from models.text import clean
from tui.text import fit

BAR = " ▏▎▍▌▋▊▉█"
BAR_WIDTH = 8
TONE_STYLES = {"error": "$text-error", "warning": "$text-warning", "primary": "$text-primary",
               "accent": "$text-accent", "success": "$text-success", "muted": "$text-muted"}


def bar(value: float, maximum: float, width: int = BAR_WIDTH) -> str:
    """A horizontal bar of `width` cells, in eighths."""
    if maximum <= 0 or value <= 0:
        return " " * width
    eighths = max(1, round(width * 8 * min(1.0, value / maximum)))
    full, rest = divmod(eighths, 8)
    return ("█" * full + (BAR[rest] if rest else "")).ljust(width)


@dataclass(frozen=True)
class TileData:
    """One line of a section: a label, a value and what choosing it opens (if anything)."""

    key: str  # unique on the board
    label: str
    value: str = ""
    tone: str | None = None
    opens: Any = None  # a Location; None: an information line
    share: float | None = None  # draws a bar (0..1 of the section's largest)
    note: str = ""  # shown in the hint line when focused


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    tiles: Sequence[TileData] = field(default_factory=tuple)


class Tile(Widget):
    """One line: the label left, the value (and a bar) right."""

    DEFAULT_CSS = """
    Tile { height: 1; width: 1fr; padding: 0 1; }
    Tile.-info { color: $text-muted; }
    Tile:focus { background: $block-cursor-background; color: $block-cursor-foreground;
                 text-style: $block-cursor-text-style; }
    Tile:hover { background: $boost; }
    """

    def __init__(self, data: TileData, column: int, line: int) -> None:
        super().__init__(classes="" if data.opens is not None else "-info")
        self.data, self.column, self.line = data, column, line
        self.can_focus = data.opens is not None

    def render(self) -> Content:
        data = self.data
        width = self.content_region.width or 30
        bar_text = " " + bar(data.share, 1.0) if data.share is not None else ""
        label = fit(clean(data.label), max(1, width - len(data.value) - len(bar_text) - 1))
        style = TONE_STYLES.get(data.tone or "", "")
        return Content.assemble((label, style), " ", (data.value, "bold" if data.opens else ""),
                                (bar_text, style or "$text-primary"))

    def on_click(self, event: events.Click) -> None:
        if self.can_focus:
            self.focus()
            self.post_message(TileBoard.Chosen(self.data))


class TileBoard(VerticalScroll, can_focus=False):
    """Sections of tiles in columns, navigable with arrows and vim keys."""

    DEFAULT_CSS = """
    TileBoard { height: 1fr; padding: 0 1; }
    TileBoard > Horizontal { height: auto; }
    TileBoard .tile-column { width: 1fr; height: auto; }
    TileBoard .tile-section {
        height: auto; border: round $primary-darken-1; border-title-color: $text;
        border-title-style: bold; margin: 0 1 0 0;
    }
    TileBoard .tile-section:focus-within { border: round $primary; }
    """
    BINDINGS = [
        Binding("down,j", "move(0, 1)", "Down", show=False, id="down"),
        Binding("up,k", "move(0, -1)", "Up", show=False, id="up"),
        Binding("right,l", "move(1, 0)", "Right", show=False, id="tile_right"),
        Binding("left,h", "move(-1, 0)", "Left", show=False, id="tile_left"),
        Binding("enter", "choose", "Open", id="select"),
    ]

    class Chosen(Message):
        """A tile was chosen (enter or click)."""

        def __init__(self, data: TileData) -> None:
            super().__init__()
            self.data = data

    class Built(Message):
        """The tiles are on screen (after each rebuild)."""

    class Focused(Message):
        def __init__(self, data: TileData) -> None:
            super().__init__()
            self.data = data

    def __init__(self, plans: dict[int, list[list[str]]], id: str | None = None) -> None:
        super().__init__(id=id)
        self.plans = plans  # columns -> section keys per column
        self.sections: dict[str, Section] = {}
        self.column_count = 3
        self.pending = 0  # rebuilds asked for and not done yet
        self._focused_key: str | None = None

    def show(self, sections: Sequence[Section]) -> None:
        self.sections = {section.key: section for section in sections}
        self.pending += 1
        self.call_later(self._rebuild)

    async def _rebuild(self) -> None:
        await self.recompose()
        self.call_after_refresh(self._refocus)

    def _refocus(self) -> None:
        self.pending = max(0, self.pending - 1)
        self._focus_tile()
        if not self.pending:
            self.post_message(self.Built())

    def compose(self) -> ComposeResult:
        plan = self.plans.get(self.column_count) or [list(self.sections)]
        placed = {key for column in plan for key in column}
        plan = [list(column) for column in plan]
        plan[-1] += [key for key in self.sections if key not in placed]  # never lose one
        with Horizontal():
            for number, keys in enumerate(plan):
                line = 0
                with Vertical(classes="tile-column"):
                    for key in keys:
                        section = self.sections.get(key)
                        if section is None:
                            continue
                        line += 1  # the top border
                        with Vertical(classes="tile-section") as box:
                            box.border_title = clean(section.title)
                            for data in section.tiles:
                                yield Tile(data, number, line)
                                line += 1
                        line += 1

    def on_resize(self, event: events.Resize) -> None:
        width = event.size.width
        wanted = 3 if width >= 132 else 2 if width >= 72 else 1
        if wanted != self.column_count:
            self.column_count = wanted
            self.pending += 1
            self.call_later(self._rebuild)

    def _focus_tile(self) -> None:
        tiles = self.tiles
        if not tiles or not self.screen.is_active:
            return
        wanted = next((t for t in tiles if t.data.key == self._focused_key), tiles[0])
        if self.screen.focused is None or isinstance(self.screen.focused, Tile):
            wanted.focus(scroll_visible=True)

    @property
    def tiles(self) -> list[Tile]:
        return [tile for tile in self.query(Tile) if tile.can_focus]

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, Tile):
            self._focused_key = event.widget.data.key
            self.post_message(self.Focused(event.widget.data))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # tiles always fit the width: no sideways scrolling keys in the footer or help
        return action not in ("scroll_left", "scroll_right", "page_left", "page_right")

    def action_move(self, dx: int, dy: int) -> None:
        tiles = self.tiles
        current = self.screen.focused
        if not tiles:
            return
        if not isinstance(current, Tile):
            tiles[0].focus()
            return
        if dy:
            same = [t for t in tiles if t.column == current.column
                    and (t.line - current.line) * dy > 0]
            target = min(same, key=lambda t: abs(t.line - current.line), default=None)
        else:
            columns = sorted({t.column for t in tiles if (t.column - current.column) * dx > 0},
                             key=lambda c: abs(c - current.column))
            near = [t for t in tiles if columns and t.column == columns[0]]
            target = min(near, key=lambda t: (abs(t.line - current.line), t.line),
                         default=None)
        if target is not None:
            target.focus()

    def action_choose(self) -> None:
        current = self.screen.focused
        if isinstance(current, Tile):
            self.post_message(self.Chosen(current.data))
