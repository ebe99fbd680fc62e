"""Small named documents per tenant, e.g. the maintenance queue's progress (issue 7).

Like labels, state outlives snapshots and is kept across sessions and refreshes.
"""

from __future__ import annotations

from typing import Any

from cache.documents import DocumentStore


class State(DocumentStore):
    """`get(name)`, `set(name, value)`, `delete(name)`, `names()` of JSON-able documents."""

    folder = "state"
    what = "saved state (maintenance progress and the like)"

    def get(self, name: str, default: Any = None) -> Any:
        _check_name(name)
        blob = self._run(lambda cache: cache.get(name))
        return default if blob is None else self._run(lambda _cache: self._decode(blob))

    def set(self, name: str, value: Any) -> None:
        _check_name(name)
        blob = self._encode(value)
        self._run(lambda cache: cache.set(name, blob))

    def delete(self, name: str) -> bool:
        _check_name(name)
        return bool(self._run(lambda cache: cache.delete(name)))

    def names(self) -> list[str]:
        return self._run(lambda cache: [k for k in cache.iterkeys() if k != "~"])


def _check_name(name: str) -> None:
    if not isinstance(name, str) or not name or name == "~" or len(name) > 200:
        raise ValueError(f"not a state name: {name!r}")
