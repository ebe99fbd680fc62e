"""What changed between two reads of a tenant: objects added, updated and removed per
collection, and the objects whose relations (owners, permissions, ...) changed."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from models.recording import KIND_BY_NAME, Recording

COLLECTIONS = ("applications", "servicePrincipals")
RELATION_KINDS = ("applicationOwners", "federatedIdentityCredentials", "servicePrincipalOwners",
                  "appRoleAssignments", "memberOf")


@dataclass
class Changes:
    added: dict[str, list[str]] = field(default_factory=dict)  # collection -> ids
    updated: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    relations: dict[str, list[str]] = field(default_factory=dict)  # kind -> owning ids
    resync: bool = False  # a full read compared with the previous one (links expired, ...)

    @property
    def total(self) -> int:
        return sum(len(v) for part in (self.added, self.updated, self.removed, self.relations)
                   for v in part.values())

    def summary(self) -> str:
        parts = []
        for name in COLLECTIONS:
            counts = [f"{len(d.get(name, []))} {label}" for d, label in
                      ((self.added, "added"), (self.updated, "updated"),
                       (self.removed, "removed")) if d.get(name)]
            if counts:
                parts.append(f"{name}: " + ", ".join(counts))
        rel = {k: len(v) for k, v in self.relations.items() if v}
        if rel:
            parts.append("relations: " + ", ".join(f"{n} {k}" for k, n in rel.items()))
        text = "; ".join(parts) or "no changes"
        return f"{text} (full resync, compared with the previous read)" if self.resync else text

    def to_json(self) -> dict[str, Any]:
        return {"added": self.added, "updated": self.updated, "removed": self.removed,
                "relations": self.relations, "resync": self.resync}


def canonical(items: Iterable[Any]) -> list[str]:
    """A relation as a sorted list of JSON texts: the same items in any order compare equal."""
    return sorted(json.dumps(i, sort_keys=True, ensure_ascii=False) for i in items)


def by_id(items: Iterable[Any]) -> dict[str, Any]:
    return {i["id"]: i for i in items if isinstance(i, dict) and isinstance(i.get("id"), str)}


def relation_changed(before: Recording, after: Recording, kind: str, object_id: str) -> bool:
    path = KIND_BY_NAME[kind].path_for(object_id)
    return canonical(before.items(path)) != canonical(after.items(path))


def diff(before: Recording, after: Recording, resync: bool = False) -> Changes:
    """Compare two recordings object by object (used after a full resync)."""
    changes = Changes(resync=resync)
    for name in COLLECTIONS:
        path = KIND_BY_NAME[name].path
        old, new = by_id(before.items(path)), by_id(after.items(path))
        changes.added[name] = [k for k in new if k not in old]
        changes.removed[name] = [k for k in old if k not in new]
        changes.updated[name] = [k for k in new if k in old and old[k] != new[k]]
    for kind in RELATION_KINDS:
        parent = KIND_BY_NAME[KIND_BY_NAME[kind].parent].path
        owners = by_id(after.items(parent))
        changes.relations[kind] = [k for k in owners if k in by_id(before.items(parent))
                                   and relation_changed(before, after, kind, k)]
    return changes
