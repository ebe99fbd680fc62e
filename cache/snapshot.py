"""Snapshot generations: a writer that commits all or nothing, and a reader of one generation.

A generation lives in `snapshots/NNNNNN.partial/` while it is written and becomes
`snapshots/NNNNNN/` by one rename at commit: a sync killed at any moment leaves the
previous generation untouched and a `.partial` directory that the next open removes.
`meta.json` in the directory describes the generation (number, time, counts, the keys
written, and the sync's own meta such as delta links and unavailable data kinds).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cache import codec, details, recording_parts
from cache.engine import FileLock, open_cache
from cache.errors import CacheError, CorruptValue, describe, failed, is_broken, is_transient
from cache.paths import SCHEMA, fsync_dir, private_file, read_json, write_json
from models.recording import Recording

if TYPE_CHECKING:
    from cache.tenant import TenantStore

META_FILE = "meta.json"
READER_LOCK = "reader.lock"
SNAPSHOT_FORMAT = "wlx-cache-snapshot"
_USER = "u:"


def iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Generation:
    """One committed snapshot, as described by its meta.json."""

    number: int
    created: datetime
    counts: dict[str, int]
    meta: dict[str, Any]
    path: Path
    doc: dict[str, Any] = field(repr=False, default_factory=dict)

    @property
    def display_name(self) -> str:
        return str(self.meta.get("displayName") or "")

    @classmethod
    def load(cls, path: Path) -> Generation:
        """Read meta.json; CorruptValue or OSError when it is missing or makes no sense."""
        try:
            doc = read_json(path / META_FILE)
        except ValueError as exc:
            raise CorruptValue(f"{META_FILE} does not parse: {exc}") from exc
        if not isinstance(doc, dict) or doc.get("format") != SNAPSHOT_FORMAT:
            raise CorruptValue(f"{META_FILE} is not a wlx snapshot description")
        if doc.get("schema") != SCHEMA:
            raise CorruptValue(f"snapshot schema {doc.get('schema')!r}, this wlx reads {SCHEMA}")
        try:
            created = datetime.fromisoformat(str(doc["created"]).replace("Z", "+00:00"))
            return cls(int(doc["generation"]), created, dict(doc["counts"]),
                       dict(doc["meta"]), path, doc)
        except (KeyError, TypeError, ValueError) as exc:
            raise CorruptValue(f"{META_FILE} lacks a field: {exc}") from exc


class SnapshotWriter:
    """Writes one generation; nothing is visible to readers before commit()."""

    def __init__(self, tenant: TenantStore, number: int, directory: Path,
                 meta: dict[str, Any], lock: FileLock) -> None:
        codec.dump_json(meta)  # fails now, not at commit, if the meta is not JSON-able
        self.tenant = tenant
        self.generation = number
        self.directory = directory
        self._meta: dict[str, Any] = codec.strip_secrets(dict(meta))
        self._lock = lock
        self._keys: dict[str, str] = {}
        self._counts = {"keys": 0, "details": 0, "detailShards": 0, "recordingPaths": 0,
                        "storedBytes": 0}
        self._shards = 0
        self._empty_shards: list[int] = []
        self._recording = False
        self._done = False
        private_file(directory / READER_LOCK)
        self._cache = open_cache(directory)

    def __enter__(self) -> SnapshotWriter:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if not self._done:
            self.abort()

    def _write(self, key: str, blob: bytes) -> None:
        self._cache.set(key, blob)
        self._counts["storedBytes"] += len(blob)

    def _guard(self) -> None:
        if self._done:
            raise CacheError("this snapshot was already committed or aborted")

    def put(self, key: str, value: Any, *, compress: bool | None = None) -> None:
        """A JSON-able value under a name (the list index, findings, the overview...)."""
        self._guard()
        self._put(key, codec.pack(codec.dump_json(value), is_json=True, compress=compress), "json")

    def put_bytes(self, key: str, data: bytes, *, compress: bool | None = None) -> None:
        self._guard()
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"put_bytes takes bytes, not {type(data).__name__}")
        self._put(key, codec.pack(bytes(data), is_json=False, compress=compress), "bytes")

    def _put(self, key: str, blob: bytes, kind: str) -> None:
        if not isinstance(key, str) or not key:
            raise TypeError("snapshot keys are non-empty str")
        self._attempt(lambda: self._write(_USER + key, blob))
        if key not in self._keys:
            self._counts["keys"] += 1
        self._keys[key] = kind

    def put_details(self, mapping: Mapping[str, bytes | str]) -> None:
        """One JSON document per identity id (bytes or str), all at once (one call)."""
        self._guard()
        if self._shards:
            raise CacheError("put_details takes all details in one call")
        shards = details.shard_count(len(mapping))

        def write() -> None:
            built = details.build_shards(mapping, shards)
            parts = ((key, payload, False) for key, payload in built)
            with self._cache.transact():
                for key, blob in codec.pack_many(parts):
                    self._write(key, blob)
                    written.add(key)

        written: set[str] = set()
        self._attempt(write)
        self._shards = shards
        self._empty_shards = [i for i in range(shards) if details.shard_key(i) not in written]
        self._counts["details"] = len(mapping)
        self._counts["detailShards"] = shards

    def put_recording(self, recording: Recording) -> None:
        """The raw Graph bodies, grouped by relation kind and chunked (a few dozen blobs)."""
        self._guard()
        manifest, payloads = recording_parts.split(recording)

        def write() -> None:
            with self._cache.transact():
                parts = ((key, payload, True) for key, payload in payloads)
                for key, blob in codec.pack_many(parts):
                    self._write(key, blob)
                self._write(recording_parts.MANIFEST_KEY,
                            codec.pack(codec.dump_json(manifest), is_json=True))

        self._attempt(write)
        self._recording = True
        self._counts["recordingPaths"] = int(manifest["paths"])

    def _attempt(self, action: Any) -> None:
        try:
            action()
        except Exception as exc:
            if not (is_broken(exc) or is_transient(exc)):
                raise
            self.abort()
            raise CacheError(f"could not write the snapshot of tenant {self.tenant.tenant_id} "
                             f"to {self.directory}: {describe(exc)}; the previous snapshot is "
                             "kept") from exc

    def commit(self, meta: Mapping[str, Any] | None = None) -> Generation:
        """Make this generation the current one; `meta` adds to the meta given at begin."""
        self._guard()
        if meta:
            codec.dump_json(dict(meta))
            self._meta.update(codec.strip_secrets(dict(meta)))
        created = self.tenant.now()
        doc = {
            "format": SNAPSHOT_FORMAT, "schema": SCHEMA, "tenantId": self.tenant.tenant_id,
            "generation": self.generation, "created": iso(created),
            "counts": self._counts, "keys": self._keys, "detailShards": self._shards,
            "emptyShards": self._empty_shards,
            "recording": self._recording, "meta": self._meta,
        }
        final = self.directory.with_name(f"{self.generation:06d}")
        try:
            self._cache.close()
            _fsync_files(self.directory)
            write_json(self.directory / META_FILE, doc)
            os.rename(self.directory, final)  # the commit point
            fsync_dir(final.parent)
        except OSError as exc:
            self.abort()
            raise CacheError(f"could not commit the snapshot of tenant {self.tenant.tenant_id}: "
                             f"{exc}; the previous snapshot is kept") from exc
        self._done = True
        self.tenant._committed(self._lock)
        return Generation.load(final)

    def abort(self) -> None:
        """Drop what was written; the current generation stays as it was."""
        if self._done:
            return
        self._done = True
        try:
            self._cache.close()
        finally:
            self.tenant._aborted(self.directory, self._lock)


def _fsync_files(directory: Path) -> None:
    """Value files are written without fsync by diskcache; make them durable before the rename."""
    for base, _dirs, files in os.walk(directory):
        for name in files:
            if name.endswith(".val"):
                fd = os.open(os.path.join(base, name), os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)


class SnapshotReader:
    """One committed generation, read until closed, whatever later syncs commit."""

    def __init__(self, tenant: TenantStore, info: Generation) -> None:
        self.tenant = tenant
        self.info = info
        self._lock = FileLock(info.path / READER_LOCK)
        self._lock.acquire(shared=True)  # tells pruning that this generation is in use
        try:
            self._cache = open_cache(info.path)
        except BaseException:
            self._lock.release()
            raise
        self._keys: dict[str, str] = dict(info.doc.get("keys") or {})
        self._shards = int(info.doc.get("detailShards") or 0)
        self._empty_shards = set(info.doc.get("emptyShards") or ())
        self._shard_cache: OrderedDict[int, details.Shard] = OrderedDict()
        self._mutex = threading.Lock()

    generation = property(lambda self: self.info.number)
    created = property(lambda self: self.info.created)
    meta = property(lambda self: self.info.meta)
    counts = property(lambda self: self.info.counts)

    def __enter__(self) -> SnapshotReader:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self._cache.close()
        self._lock.release()

    def keys(self) -> list[str]:
        return sorted(self._keys)

    def _blob(self, key: str, what: str) -> Any:
        """A stored blob that must exist; damage moves the generation aside."""
        blob = self._fetch(key, what)
        if blob is None:
            exc = CorruptValue(f"{what} is listed in the snapshot but missing")
            raise self.tenant._generation_broken(self.info.number, exc, what)
        return blob

    def _fetch(self, key: str, what: str) -> Any:
        try:
            return self._cache.get(key)
        except Exception as exc:
            if is_transient(exc):
                raise failed(f"reading snapshot {self.info.number}", exc) from exc
            if is_broken(exc):
                raise self.tenant._generation_broken(self.info.number, exc, what) from exc
            raise

    def _decode(self, decode: Any, blob: Any, what: str) -> Any:
        try:
            return decode(blob)
        except CorruptValue as exc:
            raise self.tenant._generation_broken(self.info.number, exc, what) from exc

    def get(self, key: str, default: Any = None) -> Any:
        """A value stored with put(); `default` when the snapshot has no such key."""
        return self._user_value(key, "json", codec.load_json, default)

    def get_bytes(self, key: str, default: bytes | None = None) -> bytes | None:
        """Bytes stored with put_bytes(); `default` when the snapshot has no such key."""
        return self._user_value(key, "bytes", codec.load_bytes, default)

    def _user_value(self, key: str, kind: str, decode: Any, default: Any) -> Any:
        stored = self._keys.get(key)
        if stored is None:
            return default
        if stored != kind:
            method = "get_bytes" if stored == "bytes" else "get"
            raise TypeError(f"{key!r} was stored as {stored}: read it with {method}")
        return self._decode(decode, self._blob(_USER + key, repr(key)), repr(key))

    def detail(self, identity_id: str) -> bytes | None:
        """The JSON detail of one identity as stored (bytes), or None if there is none."""
        if not self._shards:
            return None
        index = details.shard_of(identity_id, self._shards)
        with self._mutex:
            shard = self._shard_cache.get(index)
            if shard is not None:
                self._shard_cache.move_to_end(index)
        if shard is None:
            blob = self._fetch(details.shard_key(index), "details")
            if blob is None:
                if index in self._empty_shards:
                    return None  # no identity hashed into this shard
                exc = CorruptValue(f"detail shard {index} is missing")
                raise self.tenant._generation_broken(self.info.number, exc, "details")
            shard = self._decode(lambda b: details.Shard(codec.load_bytes(b)), blob, "details")
            with self._mutex:
                self._shard_cache[index] = shard
                while len(self._shard_cache) > 8:
                    self._shard_cache.popitem(last=False)
        return self._decode(shard.get, identity_id, "details")

    def recording(self) -> Recording | None:
        """The raw Graph bodies as a Recording (slow at 50k: for diff, export and delta)."""
        if not self.info.doc.get("recording"):
            return None
        manifest = self._decode(codec.load_json,
                                self._blob(recording_parts.MANIFEST_KEY, "recording"), "recording")

        def load(key: str) -> Any:
            return self._decode(codec.load_json, self._blob(key, "recording"), "recording")

        return self._decode(lambda m: recording_parts.join(m, load), manifest, "recording")

