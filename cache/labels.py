"""The admin's classification of identities: one small dict per identity, per tenant.

Tier override, criticality, owner-of-record, notes and free labels (issue 6). Labels
belong to the admin, not to a snapshot: they survive refreshes and new generations.
"""

from __future__ import annotations

from typing import Any

from cache.documents import DocumentStore

MAX_LABEL = 64 * 1024


class Labels(DocumentStore):
    """Labels by identity id: `get`, `set`, `delete`, `all`."""

    folder = "labels"
    what = "labels"

    def get(self, identity_id: str) -> dict[str, Any] | None:
        _check_id(identity_id)
        blob = self._run(lambda cache: cache.get(identity_id))
        return None if blob is None else self._run(lambda _cache: self._decode(blob))

    def set(self, identity_id: str, value: dict[str, Any]) -> None:
        """Replace the labels of one identity (a JSON-able dict)."""
        _check_id(identity_id)
        if not isinstance(value, dict):
            raise TypeError(f"labels are a dict, not {type(value).__name__}")
        blob = self._encode(value, MAX_LABEL)
        self._run(lambda cache: cache.set(identity_id, blob))

    def delete(self, identity_id: str) -> bool:
        _check_id(identity_id)
        return bool(self._run(lambda cache: cache.delete(identity_id)))

    def all(self) -> dict[str, dict[str, Any]]:
        """Every identity's labels, by identity id."""
        def read(cache: Any) -> dict[str, dict[str, Any]]:
            return {key: self._decode(cache.get(key)) for key in cache.iterkeys()
                    if isinstance(key, str) and key != "~"}
        return self._run(read)

    def __len__(self) -> int:
        return int(self._run(len))


def _check_id(identity_id: str) -> None:
    if not isinstance(identity_id, str) or not identity_id or identity_id == "~":
        raise ValueError(f"not an identity id: {identity_id!r}")
