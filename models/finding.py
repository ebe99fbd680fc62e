"""A finding: one thing wrong with one identity, with the evidence an admin acts on."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, Field

from models.nogc import builder

HIGH, MEDIUM, LOW, INFO = "high", "medium", "low", "info"
SEVERITIES = (HIGH, MEDIUM, LOW, INFO)  # worst first
_RANK = {HIGH: 3, MEDIUM: 2, LOW: 1, INFO: 0}


def severity_rank(severity: str | None) -> int:
    """high 3 > medium 2 > low 1 > info 0; unknown values rank below info."""
    return _RANK.get(severity or "", -1)


def finding_id(rule: str, identity_id: str, key: Any) -> str:
    """Stable across syncs: the same rule, identity and evidence key give the same id."""
    text = f"{rule}\x1f{identity_id}\x1f" + (
        key if isinstance(key, str) else "null" if key is None  # what json.dumps(None) says
        else json.dumps(key, sort_keys=True, default=str))
    return hashlib.sha256(text.encode()).hexdigest()[:20]


class Finding(BaseModel):
    """rule, severity, identity, one actionable line, and the evidence behind it."""

    id: str
    rule: str
    severity: str
    identity_id: str
    summary: str
    evidence: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def make(cls, rule: str, severity: str, identity_id: str, summary: str,
             evidence: dict[str, Any], key: Any = None) -> Finding:
        return _new_finding(id=finding_id(rule, identity_id, key), rule=rule, severity=severity,
                            identity_id=identity_id, summary=summary, evidence=evidence)


_new_finding = builder(Finding)  # rules build findings from values they made themselves
