"""A Recording split into a few dozen blobs, and put back together.

A 50,000-service-principal tenant has hundreds of thousands of per-object relation
bodies (`v1.0/servicePrincipals/{id}/appRoleAssignments`, ...). Each relation kind is
stored as chunks of `{object id: body}`; each collection (`v1.0/servicePrincipals`) as
chunks of its `value` list. A manifest lists the chunks and holds recording.json.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from cache.codec import dump_json
from cache.errors import CorruptValue
from models.recording import KIND_BY_NAME, KINDS, Recording, Unavailable, parse_recorded_at

MANIFEST_KEY = "r:manifest"
CHUNK_ITEMS = 2000  # items of one collection per blob
CHUNK_OBJECTS = 5000  # owning objects of one relation kind per blob

# ("v1.0", "applications", "owners") -> the kind of v1.0/applications/{id}/owners
_RELATION_SHAPES = {
    (parts[0], parts[1], parts[3]): kind
    for kind in KINDS if kind.per_object
    for parts in [kind.path.split("/")] if len(parts) == 4 and parts[2] == "{id}"
}


_COLLECTIONS = {kind.path for kind in KINDS if not kind.per_object}


def _chunks(seq: list[Any], size: int) -> list[list[Any]]:
    return [seq[i:i + size] for i in range(0, len(seq), size)] or [[]]


def split(recording: Recording) -> tuple[dict[str, Any], Iterator[tuple[str, bytes]]]:
    """The manifest, and (key, JSON payload) of every chunk, produced lazily."""
    plain: list[dict[str, Any]] = []
    plain_bodies: list[Any] = []
    relations: dict[str, dict[str, Any]] = {}
    other: dict[str, Any] = {}
    for path, body in recording.bodies.items():
        parts = path.split("/")
        kind = _RELATION_SHAPES.get((parts[0], parts[1], parts[3])) if len(parts) == 4 else None
        if kind is not None and parts[2]:
            relations.setdefault(kind.name, {})[parts[2]] = body
        elif path not in _COLLECTIONS:
            other[path] = body  # a path this version does not know: kept, grouped
        else:
            plain_bodies.append(body)
            if isinstance(body, dict) and isinstance(body.get("value"), list):
                extra = {k: v for k, v in body.items() if k != "value"}
                count = len(_chunks(body["value"], CHUNK_ITEMS))
                plain.append({"path": path, "chunks": count, "extra": extra})
            else:
                plain.append({"path": path, "whole": True})
    manifest = {
        "meta": recording.meta(),
        "plain": plain,
        "relations": [{"kind": name, "objects": len(bodies),
                       "chunks": len(_chunks(list(bodies), CHUNK_OBJECTS))}
                      for name, bodies in relations.items()],
        "other": len(_chunks(list(other), CHUNK_OBJECTS)) if other else 0,
        "paths": len(recording.bodies),
    }

    def payloads() -> Iterator[tuple[str, bytes]]:
        for index, (entry, body) in enumerate(zip(plain, plain_bodies, strict=True)):
            if entry.get("whole"):
                yield f"r:p:{index}:0", dump_json(body)
                continue
            for c, chunk in enumerate(_chunks(body["value"], CHUNK_ITEMS)):
                yield f"r:p:{index}:{c}", dump_json(chunk)
        for name, bodies in relations.items():
            ids = list(bodies)
            for c, chunk_ids in enumerate(_chunks(ids, CHUNK_OBJECTS)):
                yield f"r:k:{name}:{c}", dump_json({i: bodies[i] for i in chunk_ids})
        if other:
            paths = list(other)
            for c, chunk_paths in enumerate(_chunks(paths, CHUNK_OBJECTS)):
                yield f"r:o:{c}", dump_json({p: other[p] for p in chunk_paths})

    return manifest, payloads()


def join(manifest: Any, load: Callable[[str], Any]) -> Recording:
    """Rebuild the Recording from its manifest; `load(key)` reads one chunk."""
    try:
        meta = manifest["meta"]
        recording = Recording(
            tenant_id=str(meta.get("tenantId") or ""),
            recorded_at=parse_recorded_at(meta.get("recordedAt")),
            cloud=str(meta.get("cloud") or "global"),
        )
        for name, why in (meta.get("unavailable") or {}).items():
            recording.unavailable[str(name)] = Unavailable.from_json(why)
        for index, entry in enumerate(manifest["plain"]):
            if entry.get("whole"):
                recording.bodies[entry["path"]] = load(f"r:p:{index}:0")
                continue
            items: list[Any] = []
            for c in range(int(entry["chunks"])):
                items.extend(load(f"r:p:{index}:{c}"))
            recording.bodies[entry["path"]] = {**entry["extra"], "value": items}
        for entry in manifest["relations"]:
            kind = KIND_BY_NAME[entry["kind"]]
            for c in range(int(entry["chunks"])):
                for object_id, body in load(f"r:k:{kind.name}:{c}").items():
                    recording.bodies[kind.path_for(object_id)] = body
        for c in range(int(manifest.get("other") or 0)):
            recording.bodies.update(load(f"r:o:{c}"))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CorruptValue(f"stored recording is inconsistent: {type(exc).__name__}: "
                           f"{exc}") from exc
    return recording
