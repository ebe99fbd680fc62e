"""The tenant at a glance, from the list index: counts by kind, tier and severity, each
line opening the identities behind it. A stand-in for the full overview (issue 5, second
part: findings by rule, unavailable data kinds) that needs the analysis' overview.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult

from tui.screens.base import Location, ViewScreen
from tui.widgets.badges import SEVERITY, TIER, severity_label, severity_tone, tier_label, tier_tone
from tui.widgets.table_model import Column, RowSet
from tui.widgets.virtual_table import VirtualTable


@dataclass(frozen=True)
class Tile:
    group: str
    label: str
    count: int
    filter_text: str
    tone: str | None = None


def tiles(rows: Sequence[Any]) -> list[Tile]:
    kinds = Counter(getattr(r, "kind", "") or "unknown" for r in rows)
    tiers = Counter(getattr(r, "tier", "") or "Unclassified" for r in rows)
    severities: Counter[str] = Counter()
    for row in rows:
        severities.update(set((getattr(row, "severities", "") or "").split()))
    result = [Tile("all", "identities", len(rows), "")]
    result += [Tile("kind", kind, n, f"kind:={kind}") for kind, n in sorted(kinds.items())]
    order = list(TIER)
    result += [Tile("tier", tier_label(tier), tiers[tier], f"tier:={tier}", tier_tone(tier))
               for tier in sorted(tiers, key=lambda t: order.index(t) if t in order else 9)]
    result += [Tile("findings", severity_label(sev), severities[sev], f"severity:={sev}",
                    severity_tone(sev)) for sev in SEVERITY if severities[sev]]
    return result


COLUMNS = [
    Column("group", "GROUP", lambda t: t.group, width=9),
    Column("label", "WHAT", lambda t: t.label, min_width=12, max_width=30, tone=lambda t: t.tone),
    Column("count", "COUNT", lambda t: t.count, width=7, align="right"),
    Column("filter", "OPENS", lambda t: f":identities {t.filter_text}".rstrip(), min_width=10,
           flex=2, tone=lambda t: "muted", priority=1),
]


class OverviewScreen(ViewScreen):
    """Counts that open the list filtered to them."""

    DEFAULT_CSS = """
    OverviewScreen VirtualTable {
        border: round $primary-darken-1;
        border-title-align: center;
        border-title-style: bold;
        &:focus { border: round $primary; }
    }
    """

    def compose_body(self) -> ComposeResult:
        table = VirtualTable(COLUMNS, lambda t: f"{t.group}:{t.label}",
                             lambda t: f"{t.group} {t.label} {t.filter_text}",
                             empty_text="loading…", markable=False, id="overview")
        table.border_title = "Overview"
        yield table

    def on_mount(self) -> None:
        super().on_mount()
        if self.wlx.rowset is None:
            self.query_one(VirtualTable).loading = True
        else:
            self.rows_loaded(self.wlx.rowset)

    def rows_loaded(self, rows: RowSet) -> None:
        table = self.query_one(VirtualTable)
        table.loading = False
        table.set_rows(tiles(rows.rows))

    def fields(self) -> dict[str, Any]:
        return {}  # no field terms here: plain words only

    def selected(self) -> Any | None:
        return None  # a tile is not a directory object: nothing to copy or show raw

    def selected_id(self) -> str | None:
        return None

    def on_virtual_table_row_selected(self, event: VirtualTable.RowSelected) -> None:
        self.wlx.open(Location("list", "identities", event.row.filter_text))
