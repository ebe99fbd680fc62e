"""A table for 50,000+ rows that draws only the lines on screen (Textual's line API).

Textual's DataTable keeps an object per row and cell and needs seconds at this size
(DEVELOPERS.md); this widget keeps the rows in a plain list (table_model.TableModel) and
turns the few visible ones into Strips on demand. One header line (sort column marked
▲/▼), a cursor row, marks (space), sort (s cycles the column, S reverses, or click a
header), vim and arrow navigation, mouse click and wheel. Cell text is cleaned and never
parsed as markup. Colours come from the theme through the component classes below.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.text import fit
from tui.widgets.table_model import (Column, Predicate, TableModel, TableState, aligned,
                                     header_title, layout)

MARK = "✓"
_NO_HORIZONTAL_SCROLL = frozenset({"scroll_left", "scroll_right", "page_left", "page_right",
                                   "scroll_home", "scroll_end"})
TONES = ("error", "warning", "success", "accent", "primary", "muted")


class TableMessage(Message):
    """Base of the table's messages: `table` (and `control`, for @on selectors)."""

    def __init__(self, table: VirtualTable) -> None:
        super().__init__()
        self.table = table

    @property
    def control(self) -> VirtualTable:
        return self.table


class VirtualTable(ScrollView, can_focus=True):
    """A sortable, filterable, markable list of rows drawn line by line."""

    COMPONENT_CLASSES = {
        "virtual-table--header", "virtual-table--cursor", "virtual-table--mark",
        "virtual-table--empty", *(f"virtual-table--tone-{tone}" for tone in TONES),
    }
    DEFAULT_CSS = """
    VirtualTable {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        height: 1fr;
        & > .virtual-table--header { text-style: bold; color: $text-primary; background: $panel; }
        & > .virtual-table--cursor { background: $block-cursor-blurred-background; }
        &:focus > .virtual-table--cursor {
            background: $block-cursor-background; color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .virtual-table--mark { color: $accent; text-style: bold; }
        & > .virtual-table--empty { color: $text-muted; text-style: italic; }
        & > .virtual-table--tone-error { color: $text-error; }
        & > .virtual-table--tone-warning { color: $text-warning; }
        & > .virtual-table--tone-success { color: $text-success; }
        & > .virtual-table--tone-accent { color: $text-accent; }
        & > .virtual-table--tone-primary { color: $text-primary; }
        & > .virtual-table--tone-muted { color: $text-muted; }
    }
    """
    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="up"),
        Binding("g,home", "top", "Top", show=False, id="top"),
        Binding("G,end", "bottom", "Bottom", show=False, id="bottom"),
        Binding("ctrl+f,pagedown", "page_down", "Page down", show=False, id="page_down"),
        Binding("ctrl+b,pageup", "page_up", "Page up", show=False, id="page_up"),
        Binding("enter", "select", "Open", id="select"),
        Binding("space", "toggle_mark", "Mark", id="mark"),
        Binding("s", "cycle_sort", "Sort", show=False, id="sort"),
        Binding("S", "reverse_sort", "Reverse sort", show=False, id="sort_reverse"),
    ]

    class RowHighlighted(TableMessage):
        """The cursor moved to another row (row None: the view is empty)."""

        def __init__(self, table: VirtualTable, row: Any | None, row_id: str | None) -> None:
            super().__init__(table)
            self.row, self.row_id = row, row_id

    class RowSelected(TableMessage):
        """Enter (or a click on the cursor row) chose a row."""

        def __init__(self, table: VirtualTable, row: Any, row_id: str) -> None:
            super().__init__(table)
            self.row, self.row_id = row, row_id

    class Sorted(TableMessage):
        """The sort column or direction changed."""

        def __init__(self, table: VirtualTable, key: str | None, reverse: bool) -> None:
            super().__init__(table)
            self.key, self.reverse = key, reverse

    class MarksChanged(TableMessage):
        """Rows were marked or unmarked."""

        def __init__(self, table: VirtualTable, count: int) -> None:
            super().__init__(table)
            self.count = count

    def __init__(self, columns: Sequence[Column], row_id: Callable[[Any], str],
                 search: Callable[[Any], str], *, empty_text: str = "Nothing to show",
                 markable: bool = True, selectable: bool = True,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.markable, self.selectable = markable, selectable
        self.model = TableModel(columns, row_id, search)
        self.filter_text = ""
        self.empty_text = empty_text
        self.cursor = 0
        self._marked: set[str] = set()
        self._highlighted: str | None = None
        self._pending_scroll: int | None = None
        self._column_widths: tuple[int, list[tuple[Column, int]]] | None = None

    # -- data -------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Any]) -> None:
        """Replace the rows; the cursor stays on the same row id when it is still there."""
        keep = self.cursor_id
        self.model.set_rows(rows)
        self._marked &= self.model.position_of_id.keys()
        self._after_view_change(keep)

    def set_filter(self, predicate: Predicate | None, text: str = "") -> None:
        """Show only the rows for which predicate(row, lowercase search text) is true."""
        keep = self.cursor_id
        self.filter_text = text
        self.model.set_filter(predicate)
        self._after_view_change(keep)

    def sort_by(self, key: str | None, reverse: bool = False) -> None:
        keep = self.cursor_id
        self.model.set_sort(key, reverse)
        self._after_view_change(keep)
        self.post_message(self.Sorted(self, self.model.sort_key, self.model.sort_reverse))

    def _after_view_change(self, keep_id: str | None) -> None:
        position = self.model.position(keep_id)
        self.cursor = position if position is not None else min(
            self.cursor, max(0, len(self.model.view) - 1))
        self._update_virtual_size()
        self._scroll_cursor_into_view()
        self.refresh()
        self._post_highlight()

    # -- what screens read ------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self.model.view)

    @property
    def total_count(self) -> int:
        return len(self.model.rows)

    @property
    def cursor_row(self) -> Any | None:
        return self.model.row_at(self.cursor)

    @property
    def cursor_id(self) -> str | None:
        return self.model.id_at(self.cursor)

    @property
    def marked_ids(self) -> frozenset[str]:
        return frozenset(self._marked)

    @property
    def marked(self) -> list[Any]:
        """The marked rows, in the order of the rows given to set_rows."""
        return [row for row, row_id in zip(self.model.rows, self.model.ids)
                if row_id in self._marked]

    @property
    def visible_rows(self) -> list[Any]:
        """The rows as shown: sorted and filtered."""
        return self.model.visible_rows()

    def state(self) -> TableState:
        return TableState(filter_text=self.filter_text, sort_key=self.model.sort_key,
                          sort_reverse=self.model.sort_reverse, cursor_id=self.cursor_id,
                          scroll_y=round(self.scroll_y), marked=frozenset(self._marked))

    def restore(self, state: TableState, predicate: Predicate | None = None) -> None:
        """Bring back a saved state; the caller turns state.filter_text into `predicate`."""
        self.filter_text = state.filter_text
        self.model.predicate = predicate
        self.model.set_sort(state.sort_key, state.sort_reverse)
        self.model.refilter()
        self._marked = set(state.marked) & self.model.position_of_id.keys()
        self._pending_scroll = state.scroll_y
        position = self.model.position(state.cursor_id)
        self.cursor = position if position is not None else 0
        self._update_virtual_size()
        self._apply_pending_scroll()
        self.refresh()
        self._post_highlight()

    # -- cursor and scrolling ---------------------------------------------------------
    @property
    def page_height(self) -> int:
        return max(1, self.size.height - 1)  # minus the header line

    def move_cursor(self, position: int) -> None:
        position = max(0, min(position, len(self.model.view) - 1))
        if position == self.cursor:
            self._scroll_cursor_into_view()
            return
        old = self.cursor
        self.cursor = position
        self._refresh_row(old)
        self._refresh_row(position)
        self._scroll_cursor_into_view()
        self._post_highlight()

    def _refresh_row(self, position: int) -> None:
        self.refresh_line(position + 1)

    def _scroll_cursor_into_view(self) -> None:
        if not self.size.height:
            return
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, force=True, immediate=True)
        elif self.cursor >= top + self.page_height:
            self.scroll_to(y=self.cursor - self.page_height + 1, animate=False, force=True,
                           immediate=True)

    def _apply_pending_scroll(self) -> None:
        if self._pending_scroll is not None and self.size.height:
            self.scroll_to(y=self._pending_scroll, animate=False, force=True, immediate=True)
            self._pending_scroll = None
            self._scroll_cursor_into_view()

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self.content_width, len(self.model.view) + 1)

    def _post_highlight(self) -> None:
        row_id = self.cursor_id
        if row_id != self._highlighted:
            self._highlighted = row_id
            self.post_message(self.RowHighlighted(self, self.cursor_row, row_id))

    def on_resize(self, event: events.Resize) -> None:
        self._column_widths = None
        self._update_virtual_size()
        self._apply_pending_scroll()
        self._scroll_cursor_into_view()

    # -- actions ----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # a table without marks or drill-down hides those keys from the footer and help
        if action in _NO_HORIZONTAL_SCROLL:  # columns always fit the width
            return False
        if action == "toggle_mark" and not self.markable:
            return False
        if action == "select" and not self.selectable:
            return False
        return True

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_top(self) -> None:
        self.move_cursor(0)

    def action_bottom(self) -> None:
        self.move_cursor(len(self.model.view) - 1)

    def action_page_down(self) -> None:
        self.scroll_to(y=round(self.scroll_y) + self.page_height, animate=False, force=True,
                       immediate=True)
        self.move_cursor(self.cursor + self.page_height)

    def action_page_up(self) -> None:
        self.scroll_to(y=max(0, round(self.scroll_y) - self.page_height), animate=False,
                       force=True, immediate=True)
        self.move_cursor(self.cursor - self.page_height)

    def action_select(self) -> None:
        row, row_id = self.cursor_row, self.cursor_id
        if row is not None and row_id is not None:
            self.post_message(self.RowSelected(self, row, row_id))

    def action_toggle_mark(self) -> None:
        row_id = self.cursor_id
        if row_id is None:
            return
        self._marked.symmetric_difference_update({row_id})
        self.post_message(self.MarksChanged(self, len(self._marked)))
        self.move_cursor(self.cursor + 1)  # like k9s and htop: mark and step on
        self._refresh_row(self.model.position(row_id) or 0)

    def clear_marks(self) -> None:
        if self._marked:
            self._marked.clear()
            self.refresh()
            self.post_message(self.MarksChanged(self, 0))

    def action_cycle_sort(self) -> None:
        keys = [column.key for column, _ in self._columns()]
        if not keys:
            return
        current = self.model.sort_key
        following = keys[(keys.index(current) + 1) % len(keys)] if current in keys else keys[0]
        self.sort_by(following, False)

    def action_reverse_sort(self) -> None:
        if self.model.sort_key is None:
            self.action_cycle_sort()
        self.sort_by(self.model.sort_key, not self.model.sort_reverse)

    # -- mouse ------------------------------------------------------------------------
    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column = self._column_at(offset.x)
            if column is not None:
                same = column.key == self.model.sort_key
                self.sort_by(column.key, not self.model.sort_reverse if same else False)
            return
        position = round(self.scroll_y) + offset.y - 1
        if position >= len(self.model.view):
            return
        if position == self.cursor:
            if self.selectable:
                self.action_select()
        else:
            self.move_cursor(position)

    def _column_at(self, x: int) -> Column | None:
        left = 2  # the mark gutter
        for column, width in self._columns():
            if left <= x < left + width + 1:
                return column
            left += width + 1
        return None

    # -- drawing ----------------------------------------------------------------------
    @property
    def content_width(self) -> int:
        """The width lines are drawn in: the widget minus its vertical scrollbar."""
        return self.scrollable_content_region.width

    def _columns(self) -> list[tuple[Column, int]]:
        width = self.content_width
        if self._column_widths is None or self._column_widths[0] != width:
            # two cells of mark gutter; layout() counts the gaps between columns
            self._column_widths = (width, layout(self.model.columns, max(0, width - 2)))
        return self._column_widths[1]

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"virtual-table--{name}", partial=True)

    def render_line(self, y: int) -> Strip:
        width = self.content_width
        base = self.rich_style
        if y == 0:
            return self._header(width, base + self._style("header"))
        position = round(self.scroll_y) + y - 1
        row = self.model.row_at(position)
        if row is None:
            if position == 0 and not self.model.view:
                text = fit("  " + self.empty_text, width)
                return Strip([Segment(text, base + self._style("empty"))], width)
            return Strip.blank(width, base)
        return self._row(position, row, width, base)

    def _header(self, width: int, style: Style) -> Strip:
        titles = [aligned(header_title(column, self.model.sort_key, self.model.sort_reverse),
                           size, column.align) for column, size in self._columns()]
        return Strip([Segment(fit("  " + " ".join(titles), width), style)], width)

    def _row(self, position: int, row: Any, width: int, base: Style) -> Strip:
        marked = self.model.id_at(position) in self._marked
        overlay = Style()
        if marked:
            overlay += self._style("mark")
        if position == self.cursor:
            overlay += self._style("cursor")
        gap = Segment(" ", base + overlay)
        segments = [Segment(f"{MARK if marked else ' '}", base + overlay)]
        used = 1
        for column, size in self._columns():
            text = aligned(column.text(row), size, column.align)
            tone = column.tone(row) if column.tone else None
            style = base + self._style(f"tone-{tone}") if tone in TONES else base
            segments.append(gap)
            segments.append(Segment(text, style + overlay))
            used += size + 1
        if used < width:
            segments.append(Segment(" " * (width - used), base + overlay))
        if used > width:  # narrower than the first column's minimum
            return Strip(segments).crop(0, width)
        # layout() fits the columns in the width and fit() pads every cell to its width
        return Strip(segments, width)
