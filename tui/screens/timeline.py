"""One identity's timeline (`t` on an identity, Location("timeline", identity_id)): sign-ins,
audit events, risk detections, credential start and expiry, owner and permission changes,
newest first (models.timeline).

Filter by type with the keys 1..7 (toggle one type; 0 shows all again) or `/type:credential`
(any `/` words match the text). Enter opens the line's object: the identity's tab with the
cursor on it, the pivot of its IP, the actor; a line naming several offers a menu.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from textual.binding import Binding

from models.query import Query, parse_query, search_text
from models.timeline import TYPE_TITLES, TYPES, TimelineEntry, timeline, type_counts
from tui.screens.formatting import minute
from tui.screens.links import Link, Location, Target, pivot_target
from tui.screens.row_list import TABLE_CSS, RowListScreen
from tui.widgets.table_model import Column, Predicate, RowSet

# the detail tab that shows each kind of object a line names
REF_TABS = {"signIn": "activity", "audit": "audit", "riskDetection": "risk",
            "credential": "credentials", "federatedCredential": "federated",
            "owner": "owners", "permission": "permissions"}
TARGETS = {"signIn": "sign-in", "audit": "audit-event", "riskDetection": "risk-detection",
           "credential": "credential", "federatedCredential": "federated-credential",
           "owner": "owner", "permission": "app-permission", "identity": "identity"}
TYPE_KEYS = [Binding(str(n + 1), f"toggle_type({n})", f"Only {t}", show=False,
                     id=f"timeline_type_{n + 1}") for n, t in enumerate(TYPES)]


class TypeFilter:
    """The lines of some types, within what the `/` filter keeps."""

    def __init__(self, types: frozenset[str], inner: Any) -> None:
        self.types, self.inner = types, inner

    def select(self, order: list[int], rows: RowSet) -> list[int]:
        kept = order
        if self.inner is not None:
            kept = (self.inner.select(order, rows) if hasattr(self.inner, "select")
                    else [i for i in order if self.inner(rows.rows[i], rows.texts[i])])
        return [i for i in kept if rows.rows[i].type in self.types]


def _row_id(entry: TimelineEntry) -> str:
    return f"{entry.type}:{entry.ref.kind}:{entry.ref.id}:{entry.time}:{entry.title[:40]}"


def _title(entry: TimelineEntry, now: Any) -> str:
    # the entries are built once; the clock may move on while the view is open
    if entry.type == "credential" and entry.time is not None and entry.future \
            and entry.time <= now:
        return entry.title.replace(" expires", " expired")
    return entry.title


def timeline_columns(now: Any) -> list[Column]:
    return [
        # an expiry still to come is greyed: it has not happened yet
        Column("time", "TIME (UTC)", lambda e: minute(e.time), width=16,
               sort_key=lambda e: e.time.isoformat() if e.time else "",
               tone=lambda e: "muted" if e.future else None),
        Column("type", "TYPE", lambda e: e.type, width=10),
        Column("title", "WHAT", lambda e: _title(e, now), min_width=24, max_width=70, flex=2,
               tone=lambda e: "error" if e.failed else None),
        Column("who", "ACTOR / IP", lambda e: e.actor or e.ip or "", min_width=12,
               max_width=32, priority=2),
        Column("detail", "DETAIL", lambda e: e.detail, min_width=16, flex=3, priority=1),
    ]


def links_of(entry: TimelineEntry, identity_id: str) -> list[Link]:
    """Where a line leads: its object first, then the IP, the actor and what it names."""
    links: list[Link] = []
    for ref in [entry.ref, *entry.refs]:
        owner = ref.identity_id or identity_id
        if ref.kind == "identity":
            label = "this identity" if ref.id == identity_id else f"the identity {ref.id}"
            location = Location("detail", ref.id)
        elif ref.kind == "principal":
            label, location = f"the actor {entry.actor or ref.id}", Location("principal", ref.id)
        else:
            label = f"the {ref.kind} {ref.id}"
            location = Location("detail", owner, tab=REF_TABS.get(ref.kind, ""), focus=ref.id)
        if all(link.location != location for link in links):
            links.append(Link(label, location))
    if entry.ip:
        links.insert(1, Link(f"everything seen from IP {entry.ip}",
                             Location("pivot", pivot_target("ip", entry.ip))))
    return links


class TimelineScreen(RowListScreen):
    """The timeline of the identity in `location.target`."""

    DEFAULT_CSS = TABLE_CSS.format(name="TimelineScreen")
    BINDINGS = [*TYPE_KEYS, Binding("0", "all_types", "All types", show=False,
                                    id="timeline_all_types")]
    default_sort = (None, False)  # newest first, as built
    markable = False

    def __init__(self, location: Location) -> None:
        super().__init__(location)
        self.identity_id = location.target
        self.identity_name = ""
        self.types: set[str] = set()  # shown types; empty: all
        self.view_title = "Timeline"

    def columns(self) -> list[Column]:
        return timeline_columns(self.wlx.now())

    def row_id(self, row: Any) -> str:
        return _row_id(row)

    def search(self, row: Any) -> str:
        return search_text(row.title, row.detail, row.actor, row.ip, row.ref.id, row.type)

    def fields(self) -> Mapping[str, Any]:
        return {"kind": lambda e: e.type}

    def build_rows(self, index: RowSet) -> list[TimelineEntry]:
        from tui.screens.detail import as_identity

        identity = as_identity(self.wlx.source.detail(self.identity_id))
        if identity is None:
            return []
        self.identity_name = identity.display_name or identity.id
        self.view_title = f"Timeline {self.identity_name}"
        return timeline(identity, self.wlx.now())

    def empty_text(self) -> str:
        if self.rows:
            return "nothing matches the filter"
        return "no dated event for this identity in this snapshot"

    def subtitle(self, table: Any) -> str:
        counts = type_counts(self.rows)
        parts = [f"{n + 1} {t} {counts.get(t, 0)}" + ("✓" if t in self.types else "")
                 for n, t in enumerate(TYPES) if counts.get(t)]
        return " · ".join(parts) + " · 0 all"

    # -- type filter: keys, or `type:` in the `/` filter (the filter's `kind:`) ---------
    def predicate(self, text: str | Query) -> Predicate | None:
        if isinstance(text, str):
            text = parse_query(text.replace("type:", "kind:"))
        inner = super().predicate(text)
        if not self.types:
            return inner
        return TypeFilter(frozenset(self.types), inner)

    def apply_filter(self, text: str) -> None:
        super().apply_filter(text.replace("type:", "kind:"))

    def filter_hint(self) -> str:
        return ("words match the lines · type:credential,owner (" + ", ".join(TYPES)
                + ") · keys 1-7 toggle a type, 0 all · esc clears")

    def action_toggle_type(self, number: int) -> None:
        kind = TYPES[number]
        self.types ^= {kind}
        self.apply_filter(self.table.filter_text if self.table else "")
        self.flash(("showing only " + ", ".join(TYPE_TITLES[t] for t in TYPES if t in self.types))
                   if self.types else "showing every type")

    def action_all_types(self) -> None:
        self.types.clear()
        self.apply_filter(self.table.filter_text if self.table else "")

    # -- rows -----------------------------------------------------------------------------
    def links_for(self, row: Any) -> list[Link]:
        return links_of(row, self.identity_id)

    def target_of(self, row: Any) -> Target | None:
        kind = TARGETS.get(row.ref.kind)
        if kind is None:
            return None
        return Target(kind, row.ref.identity_id or self.identity_id, row.ref.id, row)

    def selected_id(self) -> str | None:
        return self.identity_id

    def identity_for_copy(self, row: Any) -> Any:
        return self.wlx.identity_row(self.identity_id)

    def view_name(self) -> str:
        return f"timeline-{self.identity_id}"
