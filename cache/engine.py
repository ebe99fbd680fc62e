"""diskcache, set up for wlx: no pickles, no eviction, owner-only files, file locks.

Every value we store is bytes that we serialised ourselves (cache/codec.py), so the
`Disk` below refuses to pickle anything and refuses to unpickle what it finds: a cache
file can never run code on load, and survives any refactoring of our classes. Eviction
is off (diskcache's default culls silently beyond 1 GB, which would lose snapshots).
"""

from __future__ import annotations

import fcntl
import os
import weakref
from pathlib import Path
from typing import Any

import diskcache
from diskcache.core import MODE_PICKLE

from cache.errors import CorruptValue
from cache.paths import DIR_MODE, FILE_MODE, private_dir, private_file

DBNAME = "cache.db"
INLINE_ALL = 2**30  # values below this stay in sqlite (mutable stores: no value files)


class PrivateDisk(diskcache.Disk):
    """diskcache's Disk with raw keys and values only, and owner-only value files."""

    def put(self, key: Any) -> tuple[Any, bool]:
        if type(key) not in (str, int):
            raise TypeError(f"cache keys are str or int, not {type(key).__name__}")
        return super().put(key)

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise CorruptValue("a pickled key in the cache (wlx never writes those)")
        return super().get(key, raw)

    def store(self, value: Any, read: bool, key: Any = diskcache.core.UNKNOWN) -> Any:
        if type(value) not in (bytes, int):
            raise TypeError(f"cache values are bytes or int, not {type(value).__name__}")
        size, mode, filename, db_value = super().store(value, read, key)
        if filename:
            # diskcache makes its two levels of sub-directories and the file with the umask
            full = Path(self._directory, filename)
            os.chmod(full, FILE_MODE)
            os.chmod(full.parent, DIR_MODE)
            os.chmod(full.parent.parent, DIR_MODE)
        return size, mode, filename, db_value

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
        if mode == MODE_PICKLE:
            raise CorruptValue("a pickled value in the cache (wlx never writes those)")
        try:
            return super().fetch(mode, filename, value, read)
        except OSError as exc:
            # diskcache answers "missing key" to any OSError here; for us a value file
            # that is gone or unreadable is damage, to be reported, not a miss
            raise CorruptValue(f"value file {filename}: {exc.strerror or exc}") from exc


def open_cache(directory: Path, *, durable: bool = False, inline: bool = False) -> diskcache.Cache:
    """A diskcache Cache in an owner-only directory.

    durable: every commit is fsynced (the journal must be on disk before a write).
    inline: all values stay inside sqlite, for stores that are rewritten while read.
    """
    private_dir(directory)
    # sqlite gives its -wal and -shm files the mode of the database file
    private_file(directory / DBNAME)
    settings: dict[str, Any] = {
        "eviction_policy": "none",
        "statistics": 0,
        "sqlite_synchronous": 2 if durable else 1,
    }
    if inline:
        settings["disk_min_file_size"] = INLINE_ALL
    return diskcache.Cache(str(directory), disk=PrivateDisk, **settings)


class FileLock:
    """An advisory lock on a file (flock): released by the kernel when a process dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self, shared: bool = False) -> bool:
        """Take the lock without waiting; False when another holder prevents it."""
        if self._fd is None:
            self._fd = os.open(self.path, os.O_CREAT | os.O_RDWR, FILE_MODE)
            # a reader dropped without close() must not pin its generation forever
            self._closer = weakref.finalize(self, os.close, self._fd)
        flags = (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        try:
            fcntl.flock(self._fd, flags)
        except BlockingIOError:
            self.release()
            return False
        return True

    def release(self) -> None:
        if self._fd is not None:
            self._closer()  # closes the descriptor, which drops the lock
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None
