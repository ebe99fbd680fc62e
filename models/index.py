"""The list index: one compact row per identity, for the list screen and the warm start.

Rows travel as JSON arrays (no keys), so 50,000 of them load in a few tens of
milliseconds; datetimes stay ISO strings (they sort as text).
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

from models.finding import Finding, severity_rank
from models.identity import WorkloadIdentity
from models.nogc import paused_gc


class IndexRow(NamedTuple):
    id: str
    app_id: str
    display_name: str
    kind: str
    tier: str
    enabled: bool | None
    credential_count: int
    soonest_expiry: str | None  # ISO time of the first live credential to expire
    last_sign_in: str | None
    owners_count: int
    worst_severity: str | None
    findings_count: int
    owners: str  # owner names and UPNs, for the filter
    rules: str  # rule ids of its findings, space-separated
    severities: str  # distinct severities of its findings, space-separated
    tier_overridden: bool

    def to_json(self) -> list[Any]:
        return list(self)

    @classmethod
    def from_json(cls, value: list[Any]) -> IndexRow:
        if not isinstance(value, list) or len(value) != len(cls._fields):
            raise ValueError(f"an index row has {len(cls._fields)} values")
        return cls._make(value)


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def index_row(identity: WorkloadIdentity, findings: list[Finding]) -> IndexRow:
    live = [c.end for c in identity.credentials
            if c.status in ("valid", "expiring") and c.end is not None and not c.managed_by_azure]
    worst = max(findings, key=lambda f: severity_rank(f.severity)).severity if findings else None
    owner_words = []
    for owner in identity.owners:
        owner_words.extend(w for w in (owner.name, owner.upn) if w)
    return IndexRow(
        id=identity.id, app_id=identity.app_id, display_name=identity.display_name,
        kind=identity.kind, tier=identity.tier, enabled=identity.enabled,
        credential_count=len(identity.credentials) + len(identity.federated_credentials),
        soonest_expiry=_iso(min(live)) if live else None,
        last_sign_in=_iso(identity.sign_in_summary.last_sign_in),
        owners_count=len(identity.owners), worst_severity=worst, findings_count=len(findings),
        owners=" ".join(owner_words), rules=" ".join(sorted({f.rule for f in findings})),
        severities=" ".join(sorted({f.severity for f in findings}, key=severity_rank,
                                   reverse=True)),
        tier_overridden=identity.tier_overridden,
    )


def build_index(analysis: Any) -> list[IndexRow]:
    """One row per identity of an Analysis, in its order."""
    with paused_gc():
        return [index_row(identity, identity.findings) for identity in analysis.identities]


def dump_index(rows: list[IndexRow]) -> str:
    return json.dumps([list(row) for row in rows], separators=(",", ":"))


def load_index(text: str | bytes) -> list[IndexRow]:
    make = IndexRow._make
    width = len(IndexRow._fields)
    with paused_gc():
        rows = json.loads(text)
    if not isinstance(rows, list) or any(not isinstance(r, list) or len(r) != width for r in rows):
        raise ValueError("not a wlx list index")
    with paused_gc():
        return [make(row) for row in rows]
