"""What the search view lists for a query: the rows of models.search's hits, grouped by the
field that matched (name, objectId, appId, keyId, subject, IP, actor, owner), each with the
Location enter opens. No Textual here.

A value that is a pivot (an IP, a credential keyId, an audit actor) first gets a row that
opens its pivot view; then the identities it names and the events it was seen in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from models.search import (
    ACTOR,
    APP_ID,
    AUDIT,
    FIELDS,
    IP,
    KEY_ID,
    NAME,
    OBJECT_ID,
    OWNER,
    RISK,
    SIGN_INS,
    SUBJECT,
    SearchResult,
)
from tui.screens.links import Location, pivot_target

FIELD_TITLES = {NAME: "name", OBJECT_ID: "object id", APP_ID: "appId", KEY_ID: "keyId",
                SUBJECT: "federated subject", IP: "IP address", ACTOR: "actor", OWNER: "owner"}
PIVOTS = {IP: "ip", KEY_ID: "key", ACTOR: "actor"}
# the detail tab that shows why an identity matched
TABS = {KEY_ID: "credentials", SUBJECT: "federated", OWNER: "owners", ACTOR: "audit"}
EVENT_TABS = {SIGN_INS: "activity", AUDIT: "audit", RISK: "risk"}
EVENT_WHAT = {SIGN_INS: "sign-ins", AUDIT: "audit", RISK: "risk"}


@dataclass(frozen=True)
class SearchRow:
    id: str  # unique in the view
    field: str  # models.search FIELDS
    value: str  # the value found
    what: str  # pivot, identity, sign-ins, audit, risk
    name: str  # the identity (or the pivot's words)
    detail: str
    opens: Location | None
    time: str | None = None
    identity_id: str = ""
    kind: str = ""
    tier: str = ""


def search_rows(result: SearchResult, identity: Callable[[str], Any]) -> list[SearchRow]:
    """The rows of one result, grouped by field in FIELDS order; `identity` maps an
    identity id to its index row (or None)."""
    rank = {name: n for n, name in enumerate(FIELDS)}
    rows: list[SearchRow] = []
    seen: set[str] = set()

    def add(row: SearchRow) -> None:
        if row.id not in seen:
            seen.add(row.id)
            rows.append(row)

    for hit in sorted(result.hits, key=lambda h: rank.get(h.field, 99)):
        base = f"{hit.field}:{hit.text}"
        pivot = PIVOTS.get(hit.field)
        if pivot is not None and hit.field == KEY_ID and hit.text.count("-") != 4:
            pivot = None  # not a keyId-shaped value: no pivot to open
        if pivot is not None:
            add(SearchRow(f"{base}:pivot", hit.field, hit.text, "pivot",
                          "→ the pivot view",
                          f"{FIELD_TITLES[hit.field]} {hit.text}: "
                          f"{len(hit.identity_ids)} identities, "
                          f"{len(hit.events) + hit.more_events} events (enter opens the pivot)",
                          Location("pivot", pivot_target(pivot, hit.text))))
        for identity_id in hit.identity_ids:
            row = identity(identity_id)
            add(SearchRow(f"{base}:identity:{identity_id}", hit.field, hit.text, "identity",
                          getattr(row, "display_name", "") or identity_id,
                          f"{FIELD_TITLES.get(hit.field, hit.field)} {hit.text} ({hit.match})",
                          Location("detail", identity_id, tab=TABS.get(hit.field, ""),
                                   focus=hit.text if hit.field == KEY_ID else ""),
                          identity_id=identity_id, kind=getattr(row, "kind", "") or "",
                          tier=getattr(row, "tier", "") or ""))
        for n, event in enumerate(hit.events):
            owner = event.identity_ids[0] if event.identity_ids else ""
            row = identity(owner) if owner else None
            focus = event.ref_id if event.kind != RISK else ""
            add(SearchRow(f"{base}:event:{event.kind}:{event.ref_id}:{n}", hit.field, hit.text,
                          EVENT_WHAT.get(event.kind, event.kind),
                          getattr(row, "display_name", "") or owner or "?", event.text,
                          Location("detail", owner, tab=EVENT_TABS.get(event.kind, ""),
                                   focus=focus) if owner else None,
                          time=event.time, identity_id=owner,
                          kind=getattr(row, "kind", "") or "",
                          tier=getattr(row, "tier", "") or ""))
    return rows


def field_counts(rows: list[SearchRow]) -> str:
    """"name 3 · IP address 1": how many rows each field brought."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.field] = counts.get(row.field, 0) + 1
    return " · ".join(f"{FIELD_TITLES.get(f, f)} {n}" for f, n in counts.items())
