"""Incident presets one key away: `p` (or `:presets`) lists them with how many identities
each finds; 1..7 (or enter) opens one: the identities it found, with the "why" per row.

The hits are computed at sync time and stored with the snapshot (models.presets,
snapshot key "presets"), so opening a preset costs nothing at 50,000 identities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.binding import Binding

from models.presets import PRESET_BY_ID, PRESETS, PresetHit, stored_hits
from models.query import search_text
from tui.screens.formatting import minute
from tui.screens.links import Link, Location, Target
from tui.screens.row_list import TABLE_CSS, RowListScreen, lookup
from tui.widgets.badges import kind_label, tier_label, tier_tone
from tui.widgets.table_model import Column, RowSet

NOT_STORED = "this snapshot has no preset results (it is older than presets): press r to sync"


@dataclass(frozen=True)
class PresetRow:
    id: str
    key: str
    title: str
    description: str
    count: int | None  # None: not in the snapshot


@dataclass(frozen=True)
class HitRow:
    hit: PresetHit
    name: str
    kind: str
    tier: str

    @property
    def id(self) -> str:
        return self.hit.identity_id


def stored_doc(source: Any) -> dict[str, Any] | None:
    loader = getattr(source, "presets", None)
    return loader() if loader is not None else None


class PresetListScreen(RowListScreen):
    """The presets, each with its count; a number key opens one."""

    DEFAULT_CSS = TABLE_CSS.format(name="PresetListScreen")
    BINDINGS = [Binding(p.key, f"open_preset('{p.id}')", p.title, show=False,
                        id=f"preset_{p.key}") for p in PRESETS]
    view_title = "Incident presets"
    markable = False

    def columns(self) -> list[Column]:
        return [Column("key", "KEY", lambda r: r.key, width=4),
                Column("title", "PRESET", lambda r: r.title, min_width=30, max_width=64),
                Column("count", "FOUND", lambda r: "?" if r.count is None else str(r.count),
                       width=6, align="right", sort_key=lambda r: r.count or 0,
                       tone=lambda r: "warning" if r.count else None),
                Column("description", "WHAT IT LOOKS FOR", lambda r: r.description,
                       min_width=20, flex=3)]

    def row_id(self, row: Any) -> str:
        return row.id

    def search(self, row: Any) -> str:
        return search_text(row.title, row.description)

    def fields(self) -> dict[str, Any]:
        return {}

    def build_rows(self, index: RowSet) -> list[PresetRow]:
        doc = stored_doc(self.wlx.source)
        return [PresetRow(p.id, p.key, p.title, p.description,
                          len(stored_hits(doc, p.id)) if doc else None) for p in PRESETS]

    def links_for(self, row: Any) -> list[Link]:
        return [Link(row.title, Location("preset", row.id))]

    def action_open_preset(self, preset_id: str) -> None:
        self.wlx.open(Location("preset", preset_id))

    def view_name(self) -> str:
        return "presets"


class PresetScreen(RowListScreen):
    """The identities one preset found, with why."""

    DEFAULT_CSS = TABLE_CSS.format(name="PresetScreen")
    default_sort = (None, False)  # most signals first, as the preset ranks them

    def __init__(self, location: Location) -> None:
        super().__init__(location)
        self.preset = PRESET_BY_ID.get(location.target)
        self.view_title = f"Preset {self.preset.key}: {self.preset.title}" if self.preset \
            else f"Preset {location.target}"
        self.stored = True

    def columns(self) -> list[Column]:
        return [Column("name", "IDENTITY", lambda r: r.name, min_width=16, max_width=40),
                Column("kind", "KIND", lambda r: kind_label(r.kind), width=12, priority=2),
                Column("tier", "TIER", lambda r: tier_label(r.tier, short=True) if r.tier else "",
                       width=13, tone=lambda r: tier_tone(r.tier) if r.tier else None,
                       priority=2),
                Column("time", "LATEST (UTC)", lambda r: minute(r.hit.time), width=16,
                       sort_key=lambda r: r.hit.time.isoformat() if r.hit.time else "",
                       priority=1),
                Column("why", "WHY", lambda r: r.hit.why, min_width=24, flex=4)]

    def row_id(self, row: Any) -> str:
        return row.id

    def search(self, row: Any) -> str:
        return search_text(row.name, row.hit.why, row.id)

    def fields(self) -> dict[str, Any]:
        return {"kind": lambda r: (r.kind, kind_label(r.kind)), "tier": lambda r: r.tier}

    def build_rows(self, index: RowSet) -> list[HitRow]:
        doc = stored_doc(self.wlx.source)
        self.stored = doc is not None
        get = lookup(index)
        rows = []
        for hit in stored_hits(doc, self.location.target) if doc else []:
            row = get(hit.identity_id)
            rows.append(HitRow(hit, getattr(row, "display_name", "") or hit.display_name,
                               getattr(row, "kind", "") or "", getattr(row, "tier", "") or ""))
        return rows

    def empty_text(self) -> str:
        if self.rows:
            return "nothing matches the filter"
        if self.preset is None:
            return f"no preset {self.location.target!r}: :presets lists them"
        return "nothing in this snapshot" if self.stored else NOT_STORED

    def subtitle(self, table: Any) -> str:
        return self.preset.description[:90] if self.preset else ""

    def links_for(self, row: Any) -> list[Link]:
        return [Link(row.name, Location("detail", row.id))]

    def target_of(self, row: Any) -> Target | None:
        return Target("identity", row.id, row.id, row)

    def selected_id(self) -> str | None:
        row = self.selected()
        return row.id if row is not None else None

    def identity_for_copy(self, row: Any) -> Any:
        return self.wlx.identity_row(row.id)

    def view_name(self) -> str:
        return f"preset-{self.location.target}"
