"""One side of a "what changed" diff read from a cached snapshot generation.

    side = snapshot_side(store.tenant(t).snapshot(7))
    diff = diff_sides(older, newer)

Reads the list index for the ids and each identity's stored detail as plain JSON (no
pydantic validation: a diff needs a few fields of each), and the snapshot's findings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from models.diff import diff_states, identity_state
from models.nogc import paused_gc


@dataclass
class Side:
    """What a diff needs of one snapshot: identity states, findings and a label."""

    tenant_id: str
    label: dict[str, Any]
    states: dict[str, dict[str, Any]] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)
    missing: int = 0  # index rows whose detail was not in the snapshot


def snapshot_side(reader: Any) -> Side:
    """The diff side of one open SnapshotReader."""
    meta = reader.meta
    side = Side(tenant_id=str(meta.get("tenantId") or reader.tenant.tenant_id),
                label={"generation": reader.generation, "asOf": meta.get("asOf"),
                       "origin": meta.get("origin")})
    rows = reader.get("index") or []
    with paused_gc():
        for row in rows:
            identity_id = row[0] if isinstance(row, list) and row else None
            if not isinstance(identity_id, str):
                continue
            blob = reader.detail(identity_id)
            if blob is None:
                side.missing += 1
                continue
            state = identity_state(json.loads(blob))
            side.states[identity_id] = state
    findings = reader.get("findings") or []
    side.findings = [f for f in findings if isinstance(f, dict) and f.get("id")]
    return side


def diff_sides(before: Side, after: Side) -> dict[str, Any]:
    """The diff of two sides (of the same tenant: the caller checks)."""
    return diff_states(before.states, after.states, tenant_id=after.tenant_id,
                       before_label=before.label, after_label=after.label,
                       findings=(before.findings, after.findings))
