"""The replayed tenant in memory: ordered collections keyed by id, with a change log.

Built from a `Recording`. Every tenant-wide body holding a `value` list
(`v1.0/servicePrincipals`, `v1.0/auditLogs/directoryAudits`) becomes a `Collection`.
Objects live in dicts keyed by id so that lookups, changes (and later, writes) are O(1);
the order of the recording is kept for paging. Per-object relations
(`v1.0/applications/{id}/owners`) stay plain lists (there are ~4 per object: 200,000 at
50,000 service principals) and become a small `Collection` only while one is served.

Every change gets a number from one tenant-wide counter; a collection remembers which
object changed at which number, so a delta link ("changes since N") is a bisect, not a scan.
Tests and benchmarks change the tenant between syncs with `update`, `touch`, `add`,
`remove`, `apply_changes` and `set_relation`, and expire delta links with
`expire_delta_links`; the replay's writes (graph/replay/writes.py) go through the same
methods, so delta and later reads see them.
"""

from __future__ import annotations

import bisect
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from graph.replay.schema import default_view
from models.recording import KIND_BY_NAME, KINDS, DataKind, Recording, Unavailable


def dump(value: Any) -> bytes:
    """Compact JSON as Graph sends it (non-ASCII kept as UTF-8)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class Collection:
    """One collection: objects by key in recording order, and a log of which changed when."""

    __slots__ = ("path", "objects", "removed", "_log_versions", "_log_keys",
                 "_order", "_json", "generation")

    def __init__(self, path: str, items: Iterable[Any]) -> None:
        self.path = path
        self.objects: dict[str, Any] = {}
        self.removed: dict[str, tuple[int, str]] = {}  # id -> (change number, reason)
        self._log_versions: list[int] = []
        self._log_keys: list[str] = []
        self._order: list[str] | None = None
        self._json: dict[str, bytes] = {}
        self.generation = 0  # bumps on every change; keys cached query results
        for index, item in enumerate(items):
            key = item.get("id") if isinstance(item, dict) else None
            if not isinstance(key, str) or not key or key in self.objects:
                key = f"#{index}"  # an item without a usable id still gets served
            self.objects[key] = item

    def __len__(self) -> int:
        return len(self.objects)

    @property
    def order(self) -> list[str]:
        """Keys in recording order (new objects at the end); rebuilt only after a change."""
        if self._order is None:
            self._order = list(self.objects)
        return self._order

    def get(self, key: str) -> Any:
        return self.objects.get(key)

    def json(self, key: str) -> bytes:
        """The object as sent without `$select`, serialised once and kept: full pages are
        joins of these bytes."""
        cached = self._json.get(key)
        if cached is None:
            cached = self._json[key] = dump(default_view(self.objects[key]))
        return cached

    def put(self, obj: dict[str, Any], version: int) -> None:
        key = obj["id"]
        if key not in self.objects:
            self._order = None
        self.objects[key] = obj
        self.removed.pop(key, None)
        self._json.pop(key, None)
        self._log(key, version)

    def drop(self, key: str, version: int, reason: str) -> bool:
        if key not in self.objects:
            return False
        del self.objects[key]
        self._json.pop(key, None)
        self._order = None
        self.removed[key] = (version, reason)
        self._log(key, version)
        return True

    def _log(self, key: str, version: int) -> None:
        self._log_versions.append(version)
        self._log_keys.append(key)
        self.generation += 1

    def changed_since(self, since: int, upto: int) -> list[str]:
        """Keys changed after `since` up to `upto`, each once, in the order they changed."""
        start = bisect.bisect_right(self._log_versions, since)
        end = bisect.bisect_right(self._log_versions, upto)
        seen: dict[str, None] = {}
        for key in self._log_keys[start:end]:
            seen.pop(key, None)
            seen[key] = None  # the last change decides the position
        return list(seen)


def kind_for_path(path: str) -> DataKind | None:
    """The data kind a body path belongs to (templates with {id} match any id)."""
    for kind in KINDS:
        if kind.per_object:
            prefix, suffix = kind.path.split("{id}")
            middle = path[len(prefix): len(path) - len(suffix)] if suffix else ""
            if (path.startswith(prefix) and path.endswith(suffix) and middle
                    and "/" not in middle):
                return kind
        elif kind.path == path:
            return kind
    return None


class ReplayState:
    """The tenant the replay serves: collections, plain values and what is unavailable."""

    def __init__(self, recording: Recording) -> None:
        self.tenant_id = recording.tenant_id
        self.recorded_at = recording.recorded_at
        self.cloud = recording.cloud
        self.lock = threading.RLock()
        self.version = 1  # the last change number handed out; recorded objects carry 0
        self.collections: dict[str, Collection] = {}
        self.relations: dict[str, list[Any]] = {}
        self.values: dict[str, Any] = {}
        self.unavailable: dict[str, Unavailable] = dict(recording.unavailable)
        # soft-deleted applications and service principals by id (directory/deletedItems):
        # {"type": "application", "object": {...}} until restored (graph/replay/deleted.py)
        self.deleted: dict[str, dict[str, Any]] = {}
        # directory objects removed from an owners list: they still exist and can be added back
        self.removed_owners: dict[str, dict[str, Any]] = {}
        self._assigned_to: dict[str, list[Any]] | None = None
        # delta links carry this; bumping it makes every older link answer 410 (resync)
        self.epoch = 1
        # filtered key lists by (path, filter, generation): pages after the first are slices
        self.results: OrderedDict[tuple[str, str, int], list[str]] = OrderedDict()
        lists = {}
        for path, body in recording.bodies.items():
            if isinstance(body, dict) and isinstance(body.get("value"), list):
                lists[path] = body["value"]
            else:
                self.values[path] = body
        for path, items in lists.items():
            kind = kind_for_path(path)
            if self._owner_path(path) in lists or (kind is not None and kind.per_object):
                self.relations[path] = items
            else:
                self.collections[path] = Collection(path, items)
        self._top = [c for p, c in self.collections.items() if p.count("/") == 1]
        # a relation kind is "read" when any object has its file; a kind with no file at
        # all was not read, so it answers like the permission was missing
        self.kinds_read: set[str] = {
            kind.name for kind in KINDS if recording.has(kind)
        }

    @classmethod
    def from_directory(cls, directory: str | os.PathLike[str]) -> ReplayState:
        """Load a recording directory (RecordingError when it is not one)."""
        from graph.recording import read_recording

        return cls(read_recording(directory))

    # -- lookups -------------------------------------------------------------------

    @staticmethod
    def _owner_path(path: str) -> str:
        """`v1.0/applications` for `v1.0/applications/{id}/owners`; "" for other paths."""
        parts = path.split("/")
        return "/".join(parts[:2]) if len(parts) == 4 else ""

    def collection(self, path: str) -> Collection | None:
        return self.collections.get(path)

    def relation(self, path: str) -> list[Any] | None:
        return self.relations.get(path)

    def find(self, object_id: str) -> Collection | None:
        """The tenant-wide collection that holds this object (applications, service principals...)."""
        for collection in self._top:
            if object_id in collection.objects:
                return collection
        return None

    def assigned_to(self, resource_id: str) -> list[Any]:
        """appRoleAssignedTo of a resource, derived from every principal's appRoleAssignments."""
        with self.lock:
            if self._assigned_to is None:
                index: dict[str, list[Any]] = {}
                kind = KIND_BY_NAME["appRoleAssignments"]
                prefix, suffix = kind.path.split("{id}")
                for path, items in self.relations.items():
                    if path.startswith(prefix) and path.endswith(suffix):
                        for item in items:
                            if isinstance(item, dict) and isinstance(item.get("resourceId"), str):
                                index.setdefault(item["resourceId"], []).append(item)
                self._assigned_to = index
            return self._assigned_to.get(resource_id, [])

    # -- changes (tests and benchmarks; writes of a later issue go through these) ------

    def _next(self) -> int:
        self.version += 1
        return self.version

    def update(self, object_id: str, changes: dict[str, Any] | None = None,
               collection: str | None = None) -> dict[str, Any]:
        """Change properties of an object (none: just mark it changed); returns the object."""
        with self.lock:
            target = self.collections.get(collection) if collection else self.find(object_id)
            if target is None or object_id not in target.objects:
                raise KeyError(f"no object {object_id!r} to change")
            obj = {**target.objects[object_id], **(changes or {})}
            target.put(obj, self._next())
            return obj

    def touch(self, object_id: str) -> dict[str, Any]:
        """Mark an object changed without changing it (as Graph does for relation changes)."""
        return self.update(object_id)

    def add(self, collection: str, obj: dict[str, Any]) -> None:
        with self.lock:
            if not isinstance(obj.get("id"), str):
                raise ValueError("a new object needs a string id")
            target = self._ensure(collection)
            target.put(dict(obj), self._next())

    def remove(self, object_id: str, reason: str = "changed") -> None:
        """Delete an object. `changed` is a soft delete (restorable), `deleted` a hard one."""
        with self.lock:
            target = self.find(object_id)
            if target is None or not target.drop(object_id, self._next(), reason):
                raise KeyError(f"no object {object_id!r} to remove")

    def apply_changes(self, collection: str, upserts: Iterable[dict[str, Any]] = (),
                      removals: Iterable[str] = ()) -> None:
        """Many changes at once, as a benchmark's "1% changed" round does."""
        with self.lock:
            target = self._ensure(collection)
            for obj in upserts:
                current = target.objects.get(obj["id"], {})
                target.put({**current, **obj}, self._next())
            for object_id in removals:
                target.drop(object_id, self._next(), "changed")

    def _ensure(self, path: str) -> Collection:
        if path not in self.collections:
            self.collections[path] = Collection(path, [])
            self._top = [c for p, c in self.collections.items() if p.count("/") == 1]
        return self.collections[path]

    def expire_delta_links(self) -> None:
        """Make every delta link handed out so far answer 410 Gone, as after ~7 days."""
        with self.lock:
            self.epoch += 1

    def set_relation(self, path: str, items: list[Any]) -> None:
        """Replace a relation's items, e.g. `v1.0/applications/{id}/owners`."""
        with self.lock:
            self.relations[path] = list(items)
            kind = kind_for_path(path)
            if kind is not None:
                self.kinds_read.add(kind.name)
                if kind.name == "appRoleAssignments":
                    self._assigned_to = None
