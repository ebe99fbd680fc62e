"""A small per-tenant store of JSON documents (labels, journal, state) on diskcache.

These hold the admin's own work, so they live beside the snapshots, not in them, and
every commit is fsynced. All values stay inside sqlite (no value files), so a document
rewritten while another process reads it is never a dangling file. A damaged store is
moved aside whole (kept for recovery) and a new empty one starts, with a notice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import diskcache

from cache import codec
from cache.engine import open_cache
from cache.errors import CacheCorrupt, CacheError, describe, failed, is_broken, is_transient
from cache.paths import move_aside

if TYPE_CHECKING:
    from cache.tenant import TenantStore

T = TypeVar("T")
MAX_DOCUMENT = 1024 * 1024  # labels and progress are small; a runaway caller is stopped


class DocumentStore:
    """Base of Labels, Journal and State: opening, damage handling, JSON values."""

    folder = ""
    what = ""

    def __init__(self, tenant: TenantStore) -> None:
        self.tenant = tenant
        self.path: Path = tenant.path / self.folder
        self._cache: diskcache.Cache | None = None
        self._mutex = threading.RLock()  # _open closes on damage

    def _open(self) -> diskcache.Cache:
        with self._mutex:
            if self._cache is None:
                try:
                    cache = open_cache(self.path, durable=True, inline=True)
                    cache.get("~")  # reads the tables: a damaged file fails here, not later
                except Exception as exc:
                    if not is_broken(exc):
                        raise
                    self._move_aside(exc)
                    try:
                        cache = open_cache(self.path, durable=True, inline=True)
                    except Exception as again:
                        raise CacheError(f"cannot create the {self.what} of tenant "
                                         f"{self.tenant.tenant_id} in {self.path}: "
                                         f"{describe(again)}") from again
                self._cache = cache
            return self._cache

    def _run(self, action: Callable[[diskcache.Cache], T]) -> T:
        """Run one operation; damage found on the way moves the store aside and raises."""
        cache = self._open()
        try:
            return action(cache)
        except Exception as exc:
            if is_transient(exc):
                raise failed(f"the {self.what} of tenant {self.tenant.tenant_id}", exc) from exc
            if not is_broken(exc):
                raise
            raise self._move_aside(exc) from exc

    def _move_aside(self, exc: BaseException) -> CacheCorrupt:
        self.close()
        tenant = self.tenant
        moved = None
        try:
            moved = move_aside(tenant.store.root, self.path, f"{tenant.tenant_id}.{self.folder}",
                               tenant.now())
            where = f"It was moved to {moved} (kept) and a new, empty one was started."
        except OSError as move_exc:
            where = f"It could not be moved aside ({describe(move_exc)})."
        message = (f"The {self.what} of tenant {tenant.tenant_id} could not be read "
                   f"({describe(exc)}). {where}")
        tenant.store.note(tenant.tenant_id, message, moved)
        return CacheCorrupt(message, moved)

    def _encode(self, value: Any, limit: int = MAX_DOCUMENT) -> bytes:
        data = codec.dump_json(value)
        if len(data) > limit:
            raise ValueError(f"a document of {len(data)} bytes is too large for the {self.what} "
                             f"(limit {limit})")
        return codec.pack(data, is_json=True)

    @staticmethod
    def _decode(blob: Any) -> Any:
        return codec.load_json(blob)

    def close(self) -> None:
        with self._mutex:
            if self._cache is not None:
                self._cache.close()
                self._cache = None
