"""One tenant's part of the cache: its snapshot generations, labels, journal and state.

Layout of `<root>/tenants/<tenant id>/`:
  layout.json                 schema version and tenant id
  sync.lock                   held (flock) by the one sync writing a snapshot
  snapshots/000007/           committed generations (diskcache + meta.json), newest wins
  snapshots/000008.partial/   a generation being written, or left by a killed sync
  labels/ journal/ state/     small diskcache stores that outlive snapshots
Leftovers of unfinished or pruned generations are removed whenever the tenant is opened
and no sync is running.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cache.engine import FileLock
from cache.errors import CacheCorrupt, CacheError, SyncInProgress, describe, is_broken
from cache.journal import Journal
from cache.labels import Labels
from cache.paths import move_aside, private_dir, read_json, remove_tree, tree_size, write_json
from cache.snapshot import READER_LOCK, Generation, SnapshotReader, SnapshotWriter
from cache.state import State

if TYPE_CHECKING:
    from cache.store import Store

SYNC_LOCK = "sync.lock"
LAYOUT_FILE = "layout.json"
_COMMITTED = re.compile(r"^\d{6}$")
_NUMBERED = re.compile(r"^(\d{6})(?:\.[a-z]+)?$")


class TenantStore:
    """The cache of one tenant. Get it from `Store.tenant(tenant_id)`."""

    def __init__(self, store: Store, tenant_id: str, path: Path) -> None:
        self.store = store
        self.tenant_id = tenant_id
        self.path = path
        self.snapshots_dir = private_dir(path / "snapshots")
        self._labels: Labels | None = None
        self._journal: Journal | None = None
        self._state: State | None = None
        self.cleanup()

    def now(self) -> datetime:
        return self.store.now()

    # -- snapshots -------------------------------------------------------------------

    def generations(self) -> list[Generation]:
        """Committed generations, newest first; an unreadable one is moved aside."""
        found = []
        for name in self._names():
            if not _COMMITTED.match(name):
                continue
            try:
                found.append(Generation.load(self.snapshots_dir / name))
            except Exception as exc:
                if not is_broken(exc):
                    raise
                self._generation_broken(int(name), exc, "its description")
        return sorted(found, key=lambda g: g.number, reverse=True)

    def current(self) -> SnapshotReader | None:
        """A reader of the newest readable generation, or None when there is none."""
        for info in self.generations():
            reader = self._open_reader(info)
            if reader is not None:
                return reader
        return None

    def snapshot(self, generation: int) -> SnapshotReader | None:
        """A reader of one generation (for diffs), or None if it is gone or unreadable."""
        for info in self.generations():
            if info.number == generation:
                return self._open_reader(info)
        return None

    def _open_reader(self, info: Generation) -> SnapshotReader | None:
        try:
            return SnapshotReader(self, info)
        except Exception as exc:
            if not is_broken(exc):
                raise
            self._generation_broken(info.number, exc, "its database")
            return None

    def begin_snapshot(self, meta: dict[str, Any]) -> SnapshotWriter:
        """Start writing a new generation; SyncInProgress if another sync is writing one."""
        lock = FileLock(self.path / SYNC_LOCK)
        if not lock.acquire():
            raise SyncInProgress(f"another wlx is syncing tenant {self.tenant_id} right now; "
                                 "wait for it to finish")
        try:
            self._remove_leftovers()
            numbers = [int(m.group(1)) for n in self._names() if (m := _NUMBERED.match(n))]
            # numbers never come back, even after a damaged generation was moved aside
            layout = self._layout()
            last = layout.get("lastGeneration")
            number = max([*numbers, last if isinstance(last, int) else 0]) + 1
            write_json(self.path / LAYOUT_FILE, {**layout, "lastGeneration": number})
            directory = private_dir(self.snapshots_dir / f"{number:06d}.partial")
            return SnapshotWriter(self, number, directory, meta, lock)
        except OSError as exc:
            lock.release()
            raise CacheError(f"cannot start a snapshot of tenant {self.tenant_id}: "
                             f"{describe(exc)}") from exc
        except BaseException:
            lock.release()
            raise

    def _committed(self, lock: FileLock) -> None:
        try:
            self._prune()
        finally:
            lock.release()

    def _aborted(self, directory: Path, lock: FileLock) -> None:
        try:
            remove_tree(directory)
        finally:
            lock.release()

    def cleanup(self) -> None:
        """Remove what killed syncs and interrupted pruning left, unless a sync is running."""
        lock = FileLock(self.path / SYNC_LOCK)
        if not lock.acquire():
            return
        try:
            self._remove_leftovers()
            self._prune()
        finally:
            lock.release()

    def _layout(self) -> dict[str, Any]:
        try:
            doc = read_json(self.path / LAYOUT_FILE)
        except (OSError, ValueError):
            return {}
        return doc if isinstance(doc, dict) else {}

    def _names(self) -> list[str]:
        try:
            return os.listdir(self.snapshots_dir)
        except FileNotFoundError:
            return []

    def _remove_leftovers(self) -> None:
        for name in self._names():
            if name.endswith((".partial", ".deleting")):
                remove_tree(self.snapshots_dir / name)

    def _prune(self) -> None:
        """Keep the newest `keep` generations; one still open by a reader stays for now."""
        numbers = sorted((int(n) for n in self._names() if _COMMITTED.match(n)), reverse=True)
        for number in numbers[self.store.keep:]:
            path = self.snapshots_dir / f"{number:06d}"
            in_use = FileLock(path / READER_LOCK)
            try:
                if not in_use.acquire():
                    continue
                doomed = path.with_name(f"{number:06d}.deleting")
                os.rename(path, doomed)  # gone from listings at once
            except OSError:
                continue  # gone already, or not ours to remove now: next time
            finally:
                in_use.release()
            try:
                remove_tree(doomed)
            except OSError:
                pass  # a `.deleting` leftover is removed at the next open

    def _generation_broken(self, number: int, exc: BaseException, what: str) -> CacheCorrupt:
        """Move a damaged generation aside; the error the reader raises, and a notice."""
        path = self.snapshots_dir / f"{number:06d}"
        reason = describe(exc)
        moved: Path | None = None
        try:
            moved = move_aside(self.store.root, path, f"{self.tenant_id}.snapshot-{number:06d}",
                               self.now())
            where = f"moved to {moved}"
        except FileNotFoundError:
            where = "already moved aside"
        except OSError as move_exc:
            where = f"and could not be moved aside ({describe(move_exc)}): remove it with " \
                    f"`wlx cache clear {self.tenant_id}`"
        message = (f"Snapshot {number} of tenant {self.tenant_id} is damaged ({what}: {reason}); "
                   f"{where}. wlx uses an earlier snapshot if there is one; `wlx sync` loads "
                   "the tenant again.")
        if moved is not None or "already" not in where:
            self.store.note(self.tenant_id, message, moved)
        return CacheCorrupt(message, moved)

    # -- data that outlives snapshots -----------------------------------------------

    @property
    def labels(self) -> Labels:
        if self._labels is None:
            self._labels = Labels(self)
        return self._labels

    @property
    def journal(self) -> Journal:
        if self._journal is None:
            self._journal = Journal(self)
        return self._journal

    @property
    def state(self) -> State:
        if self._state is None:
            self._state = State(self)
        return self._state

    def size(self) -> int:
        return tree_size(self.path)

    def close(self) -> None:
        for part in (self._labels, self._journal, self._state):
            if part is not None:
                part.close()
