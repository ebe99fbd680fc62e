"""A pivot: everything the snapshot links to one IP, credential keyId, role, resource,
audit actor or owner (Location("pivot", "ip:203.0.113.77")). Identities, sign-ins, audit
events and role holders in one list, newest first within each kind; enter opens the row
(the identity on the right tab, a user's principal view, another pivot).
"""

from __future__ import annotations

from typing import Any

from models.query import search_text
from tui.pivot_rows import (PivotData, PivotRow, actor_rows, ip_rows, key_rows, owner_rows,
                            resource_rows, role_name, role_rows)
from tui.screens.formatting import minute
from tui.screens.links import Link, Location, Target, split_pivot
from tui.screens.row_list import TABLE_CSS, RowListScreen, lookup
from tui.widgets.badges import kind_label, tier_label, tier_rank_key, tier_tone
from tui.widgets.table_model import Column, RowSet

BUILDERS = {"ip": ip_rows, "key": key_rows, "role": role_rows, "resource": resource_rows,
            "actor": actor_rows, "owner": owner_rows}
TITLES = {"ip": "IP", "key": "KeyId", "role": "Role", "resource": "Resource",
          "actor": "Actor", "owner": "Owner"}
WHAT_ORDER = {"resource": 0, "identity": 1, "owns": 1, "changed": 1, "user": 2, "group": 2,
              "servicePrincipal": 2, "ip": 3, "detection": 4, "sign-in": 5, "audit": 6}


def pivot_columns() -> list[Column]:
    return [
        Column("what", "WHAT", lambda r: r.what, width=9,
               sort_key=lambda r: WHAT_ORDER.get(r.what, 9)),
        Column("name", "NAME", lambda r: r.name, min_width=16, max_width=40),
        Column("kind", "KIND", lambda r: kind_label(r.kind), width=12, priority=3),
        Column("tier", "TIER", lambda r: tier_label(r.tier, short=True) if r.tier else "",
               width=13, tone=lambda r: tier_tone(r.tier) if r.tier else None,
               sort_key=lambda r: tier_rank_key(r.tier), priority=2),
        Column("time", "TIME (UTC)", lambda r: minute(r.time), width=16,
               sort_key=lambda r: r.time, priority=1),
        Column("detail", "DETAIL", lambda r: r.detail, min_width=16, flex=3),
    ]


class PivotRowsScreen(RowListScreen):
    """A list of tui.pivot_rows.PivotRow: what a pivot or a principal leads to."""

    default_sort = ("what", False)

    def columns(self) -> list[Column]:
        return pivot_columns()

    def row_id(self, row: Any) -> str:
        return row.id

    def search(self, row: Any) -> str:
        return search_text(row.what, row.name, row.detail, row.identity_id)

    def fields(self) -> dict[str, Any]:
        return {"kind": lambda r: (r.what, r.kind, kind_label(r.kind)),
                "tier": lambda r: r.tier}

    def links_for(self, row: Any) -> list[Link]:
        return [Link(row.name, row.opens)] if row.opens is not None else []

    def target_of(self, row: Any) -> Target | None:
        if row.identity_id and row.what in ("identity", "owns", "changed", "resource"):
            return Target("identity", row.identity_id, row.identity_id, row)
        return None

    def selected_id(self) -> str | None:
        row = self.selected()
        return (row.identity_id or None) if row is not None else None

    def identity_for_copy(self, row: Any) -> Any:
        return self.wlx.identity_row(row.identity_id) if row.identity_id else None


class PivotScreen(PivotRowsScreen):
    """Rows linked to one value."""

    DEFAULT_CSS = TABLE_CSS.format(name="PivotScreen")

    def __init__(self, location: Location) -> None:
        super().__init__(location)
        self.pivot_kind, self.value = split_pivot(location.target)
        self.view_title = f"{TITLES.get(self.pivot_kind, self.pivot_kind)} {self.value}"

    def build_rows(self, index: RowSet) -> list[PivotRow]:
        data = PivotData(self.wlx.source, lookup(index))
        build = BUILDERS.get(self.pivot_kind)
        if self.pivot_kind == "role":
            self.view_title = f"Role {role_name(data, self.value)}"
        rows = build(data, self.value) if build else []
        # newest first inside each kind of row (the table sorts by kind, stably)
        return sorted(rows, key=lambda r: r.time or "", reverse=True)

    def empty_text(self) -> str:
        if self.rows:
            return "nothing matches the filter"
        if not hasattr(self.wlx.source, "pivots"):
            return "this data source has no cross-references"
        return f"nothing in this snapshot is linked to {self.value}"

    def copy_extra(self, row: Any) -> list[Any]:
        from tui.dialogs.copy_menu import CopyChoice

        return [CopyChoice("", TITLES.get(self.pivot_kind, "Value"), self.value)]
