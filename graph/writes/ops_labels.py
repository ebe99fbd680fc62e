"""Label operations: local to the wlx cache, no Graph request, journalled all the same.

`set-label` {identityId, label} applies a change (models.labels.apply_change) to the
identity's label document; `restore-labels` {identityId, document} puts a document back
exactly (the undo). They change no tenant, so read-only mode allows them; the journal keeps
the previous document, so every label change can be undone. Write-back to the tenant is
separate (graph/writes/ops_principal.py: tags, custom security attributes).
"""

from __future__ import annotations

from typing import Any, Protocol

from graph.writes.base import GraphRequest, Inspection, Operation
from models.labels import apply_change, parse_document


class LabelStore(Protocol):
    """What cache.labels offers (the cache is not imported here: graph never imports it)."""

    def get(self, identity_id: str) -> dict[str, Any] | None: ...

    def set(self, identity_id: str, value: dict[str, Any]) -> None: ...

    def delete(self, identity_id: str) -> bool: ...


def _same(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    strip = ("by", "at")
    return {k: v for k, v in (a or {}).items() if k not in strip} == \
        {k: v for k, v in (b or {}).items() if k not in strip}


class LocalOperation(Operation):
    local = True

    @property
    def target(self) -> str:
        return self.action["identityId"]

    def requests(self, prior: dict[str, Any]) -> list[GraphRequest]:
        return []

    def powershell(self, prior: dict[str, Any] | None = None) -> list[str]:
        return ["# a wlx label: kept in wlx's local cache, no Graph request"]

    def wanted(self, current: dict[str, Any] | None, by: str, at: str) -> dict[str, Any] | None:
        raise NotImplementedError

    def apply(self, labels: LabelStore, by: str = "", at: str = "") -> Inspection:
        """Change the stored document; the inspection holds the previous one."""
        current = labels.get(self.target)
        new = self.wanted(current, by, at)
        prior = {"document": current}
        if _same(current, new):
            return Inspection(prior, done=True, why="the labels already say so")
        if new is None or not parse_document(new).to_json():
            labels.delete(self.target)
        else:
            labels.set(self.target, new)
        return Inspection(prior)

    def undo(self, prior: dict[str, Any]) -> Operation | None:
        return RestoreLabels({"action": "restore-labels", "identityId": self.target,
                              "document": prior.get("document")})

    def undo_text(self, prior: dict[str, Any] | None = None) -> str:
        return "undo puts the previous labels back"


class SetLabel(LocalOperation):
    ids = ("identityId",)

    def describe(self, name: str = "") -> str:
        label = self.action.get("label")
        what = f"the label '{label}'" if isinstance(label, str) else "labels"
        return f"set {what} on {name or self.target}"

    def wanted(self, current: dict[str, Any] | None, by: str, at: str) -> dict[str, Any] | None:
        return apply_change(current, self.action.get("label"), by, at)


class RestoreLabels(LocalOperation):
    ids = ("identityId",)

    def describe(self, name: str = "") -> str:
        return f"put the previous labels of {name or self.target} back"

    def wanted(self, current: dict[str, Any] | None, by: str, at: str) -> dict[str, Any] | None:
        doc = self.action.get("document")
        return parse_document(doc).to_json() if doc else None
