"""The data behind a virtual table: columns as data, the sorted and filtered view of the rows,
column widths for a given terminal width, and the state a screen saves and restores.

No Textual here: the widget (virtual_table.py) draws what this computes. Rows are any
objects; a column turns a row into cell text. For 50,000 rows everything per keystroke is
one pass over a list of indexes: the lowercase search text of each row is computed once in
`set_rows`, and the sorted order is cached until the rows or the sort change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from rich.cells import cell_len

from models.nogc import paused_gc
from models.text import clean
from tui.text import fit

RowPredicate = Callable[[Any, str], bool]  # (row, lowercase search text) -> keep it


@runtime_checkable
class IndexFilter(Protocol):
    """A filter that works on the whole list at once (much faster than a row predicate
    in Python at 50,000 rows): keeps the row positions of `order` that pass."""

    def select(self, order: list[int], rows: RowSet) -> list[int]: ...


Predicate = RowPredicate | IndexFilter


@dataclass(frozen=True)
class Column:
    """One column: how to show a row in it, how wide, how to sort and export it."""

    key: str
    title: str
    cell: Callable[[Any], Any]  # display text (cleaned, never markup-parsed)
    width: int | None = None  # fixed width in cells; None: flexes between min and max
    min_width: int = 4
    max_width: int | None = None
    flex: int = 1  # share of the spare width among flexible columns
    align: Literal["left", "right", "center"] = "left"
    tone: Callable[[Any], str | None] | None = None  # "error", "warning", ... (theme colour)
    sort_key: Callable[[Any], Any] | None = None  # default: the cell text, case-insensitive
    value: Callable[[Any], Any] | None = None  # for export; default: the cell text
    priority: int = 0  # when the terminal is narrow, the highest priority goes first

    def text(self, row: Any) -> str:
        value = self.cell(row)
        return "" if value is None else clean(value)

    def export(self, row: Any) -> Any:
        return (self.value or self.cell)(row)


@dataclass(frozen=True)
class TableState:
    """What a screen saves on leaving and restores on coming back."""

    filter_text: str = ""
    sort_key: str | None = None
    sort_reverse: bool = False
    cursor_id: str | None = None
    scroll_y: int = 0
    marked: frozenset[str] = field(default_factory=frozenset)


def _sort_value(value: Any) -> tuple[int, Any]:
    # None and empty sort after everything, whatever the direction's data type
    if value is None or value == "":
        return (1, "")
    if isinstance(value, str):
        return (0, value.lower())
    return (0, value)


def _sort_by_parts(order: list[int], keys: list[tuple[int, Any]], reverse: bool) -> bool:
    """Sort by tuple keys one part at a time, last part first (each sort is stable), when
    every key is a tuple of the same length: at 50,000 rows five times faster than
    comparing the tuples. False (nothing done) for other keys."""
    values = [key[1] for key in keys]
    if not values or not isinstance(values[0], tuple):
        return False
    width = len(values[0])
    if any(type(v) is not tuple or len(v) != width for v in values):
        return False
    for part in reversed(range(width)):
        column = [v[part] for v in values]
        order.sort(key=column.__getitem__, reverse=reverse)
    return True


def layout(columns: Sequence[Column], width: int, gap: int = 1) -> list[tuple[Column, int]]:
    """The columns that fit in `width` cells and the width of each.

    Columns are dropped, highest priority first, until their minimum widths fit; the spare
    width then goes to the flexible columns in proportion to `flex`, up to `max_width`.
    """
    shown = list(columns)

    def minimum(cols: list[Column]) -> int:
        return sum(c.width or c.min_width for c in cols) + gap * max(0, len(cols) - 1)

    while len(shown) > 1 and minimum(shown) > width:
        drop = max(shown, key=lambda c: (c.priority, shown.index(c)))
        if drop.priority <= 0 and minimum(shown) - (drop.width or drop.min_width) <= 0:
            break
        shown.remove(drop)
    widths = {c.key: c.width or c.min_width for c in shown}
    spare = width - minimum(shown)
    growing = [c for c in shown if c.width is None]
    while spare > 0 and growing:
        total_flex = sum(max(1, c.flex) for c in growing) or 1
        given = 0
        for column in list(growing):
            share = max(1, spare * max(1, column.flex) // total_flex)
            room = (column.max_width - widths[column.key]) if column.max_width else share
            add = min(share, room, spare - given)
            widths[column.key] += add
            given += add
            if column.max_width and widths[column.key] >= column.max_width:
                growing.remove(column)
        if given == 0:
            break
        spare -= given
    return [(c, widths[c.key]) for c in shown]


class RowSet:
    """Rows with what every table over them needs: ids, lowercase search texts, where each
    id is, and the sorted orders asked for so far.

    Built once per data load (off the UI thread, by whoever loads the rows) and shared by
    every view of the same rows, so ten stacked views of 50,000 identities cost one set
    of search texts, not ten.
    """

    def __init__(self, rows: Sequence[Any], row_id: Callable[[Any], str],
                 search: Callable[[Any], str]) -> None:
        self.rows = list(rows)
        self.ids = [str(row_id(row)) for row in self.rows]
        self.texts = [search(row).lower() for row in self.rows]
        self.position_of_id = {row_id: i for i, row_id in enumerate(self.ids)}
        self.orders: dict[tuple[str, bool], list[int]] = {}  # (column key, reverse)
        self.derived: dict[Any, Any] = {}  # what filters computed from these rows, shared

    def __len__(self) -> int:
        return len(self.rows)


class TableModel:
    """Rows, their search texts, the cached sorted order and the filtered view."""

    def __init__(self, columns: Sequence[Column], row_id: Callable[[Any], str],
                 search: Callable[[Any], str]) -> None:
        self.columns = list(columns)
        self.row_id = row_id
        self.search = search
        self.rowset = RowSet((), row_id, search)
        self.sort_key: str | None = None
        self.sort_reverse = False
        self.predicate: Predicate | None = None
        self.view: list[int] = []  # indexes into rows, sorted and filtered
        self._sorted: list[int] | None = None

    @property
    def rows(self) -> list[Any]:
        return self.rowset.rows

    @property
    def ids(self) -> list[str]:
        return self.rowset.ids

    @property
    def texts(self) -> list[str]:
        return self.rowset.texts

    @property
    def position_of_id(self) -> dict[str, int]:
        return self.rowset.position_of_id

    def column(self, key: str | None) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def set_rows(self, rows: Sequence[Any] | RowSet) -> None:
        """New rows; a RowSet built with the same row_id and search is used as it is."""
        self.rowset = rows if isinstance(rows, RowSet) else RowSet(rows, self.row_id,
                                                                    self.search)
        self._sorted = None
        self.refilter()

    def set_sort(self, key: str | None, reverse: bool = False) -> None:
        if self.column(key) is None:
            key, reverse = None, False
        if (key, reverse) != (self.sort_key, self.sort_reverse):
            self.sort_key, self.sort_reverse = key, reverse
            self._sorted = None
            self.refilter()

    def set_filter(self, predicate: Predicate | None) -> None:
        self.predicate = predicate
        self.refilter()

    def sorted_order(self) -> list[int]:
        if self._sorted is None:
            column = self.column(self.sort_key)
            shared = (column.key, self.sort_reverse) if column is not None else None
            if shared in self.rowset.orders:
                self._sorted = self.rowset.orders[shared]  # type: ignore[index]
                return self._sorted
            order = list(range(len(self.rows)))
            if column is not None:
                key = column.sort_key or column.text
                with paused_gc():  # a tuple per row: no GC passes over them meanwhile
                    keys = [_sort_value(key(row)) for row in self.rows]
                try:
                    if not _sort_by_parts(order, keys, self.sort_reverse):
                        order.sort(key=keys.__getitem__, reverse=self.sort_reverse)
                except TypeError:  # mixed value types in one column: compare as text
                    keys = [(k[0], str(k[1])) for k in keys]
                    order.sort(key=lambda i: keys[i], reverse=self.sort_reverse)
                # empty values stay last in both directions
                if self.sort_reverse:
                    filled = [i for i in order if keys[i][0] == 0]
                    order = filled + [i for i in order if keys[i][0] == 1]
                self.rowset.orders[(column.key, self.sort_reverse)] = order
            self._sorted = order
        return self._sorted

    def refilter(self) -> None:
        order = self.sorted_order()
        predicate, rows, texts = self.predicate, self.rows, self.texts
        if predicate is None:
            self.view = order
        elif isinstance(predicate, IndexFilter):
            self.view = predicate.select(order, self.rowset)
        else:
            self.view = [i for i in order if predicate(rows[i], texts[i])]

    def position(self, row_id: str | None) -> int | None:
        """Where a row is in the view, or None when filtered out or gone."""
        index = self.position_of_id.get(row_id) if row_id is not None else None
        if index is None:
            return None
        try:
            return self.view.index(index)  # a C-speed scan: ~1 ms at 50,000, no dict to keep
        except ValueError:
            return None

    def row_at(self, position: int) -> Any | None:
        if 0 <= position < len(self.view):
            return self.rows[self.view[position]]
        return None

    def id_at(self, position: int) -> str | None:
        if 0 <= position < len(self.view):
            return self.ids[self.view[position]]
        return None

    def visible_rows(self) -> list[Any]:
        return [self.rows[i] for i in self.view]


def header_title(column: Column, sort_key: str | None, reverse: bool) -> str:
    if column.key != sort_key:
        return column.title
    return f"{column.title}{'▼' if reverse else '▲'}"


def text_width(text: str) -> int:
    return len(text) if text.isascii() else cell_len(text)


def aligned(text: str, width: int, align: str) -> str:
    """Exactly `width` cells, aligned; cropped with `…` when too long."""
    size = text_width(text)
    if size >= width or align == "left":
        return fit(text, width)
    spare = width - size
    if align == "right":
        return " " * spare + text
    return " " * (spare // 2) + text + " " * (spare - spare // 2)
