"""A view's filter: its scope (what `:apps` shows) AND the user's `/` query, applied to the
whole list at once (models.query.Query.select) so a keystroke stays fast at 50,000 rows.

Field values (`kind:`, `owner:`, ...) are read from the rows once per field, lowercased,
the first time a query uses that field, and kept with the rows (RowSet.derived) until the
next load; so is each view's scope.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from models.query import Query, lowercase_value
from tui.widgets.table_model import RowSet


def _lowercase_column(get: Callable[[Any], Any], rows: list[Any]) -> list[Any]:
    """One field of every row, lowercased; equal values share one object (and are
    lowercased once: most fields have a handful of distinct values)."""
    seen: dict[Any, Any] = {}
    column = []
    for row in rows:
        value = get(row)
        if value is not None and not isinstance(value, str):
            value = tuple(value)
        lowered = seen.get(value)
        if lowered is None:
            lowered = seen[value] = lowercase_value(value)
        column.append(lowered)
    return column


class QueryFilter:
    """An IndexFilter (tui.widgets.table_model) for a view's scope and a parsed query.

    What it derives from the rows (the scope mask, lowercase field columns) is kept on
    the RowSet, so every view over the same rows shares it until the next load.
    """

    def __init__(self, query: Query, scope: Callable[[Any], bool] | None, scope_name: str,
                 fields: Mapping[str, Callable[[Any], Any]]) -> None:
        self.query, self.scope, self.scope_name, self.fields = query, scope, scope_name, fields

    def select(self, order: list[int], rows: RowSet) -> list[int]:
        kept = order
        if self.scope is not None:
            key = ("scope", self.scope_name)
            mask = rows.derived.get(key)
            if mask is None:
                mask = rows.derived[key] = [self.scope(row) for row in rows.rows]
            kept = [i for i in order if mask[i]]
        if self.query.is_empty:
            return kept

        def column(name: str) -> list[Any]:
            key = ("field", name, id(self.fields))
            if key not in rows.derived:
                get = self.fields.get(name)
                rows.derived[key] = (_lowercase_column(get, rows.rows) if get is not None
                                     else [""] * len(rows))
            return rows.derived[key]
        return self.query.select(kept, rows.texts, column)
