"""What the cache tells its callers when something is wrong, and the notices it leaves.

A broken piece of the cache (corrupt sqlite, truncated value file, garbage in a blob,
unreadable file) is never misread and never silently dropped: it is moved aside under
`<root>/aside/` and a `Notice` says what happened and where the old copy is. Reads that
find the damage while in use raise `CacheCorrupt` with the same message.
"""

from __future__ import annotations

import errno
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import diskcache


class CacheError(Exception):
    """Something the user should read: the cache could not do what was asked, and why."""


class CacheCorrupt(CacheError):
    """Stored data could not be read back; the broken part was moved aside (kept)."""

    def __init__(self, message: str, moved_to: Path | None = None) -> None:
        super().__init__(message)
        self.moved_to = moved_to


class SyncInProgress(CacheError):
    """Another sync is writing a snapshot of this tenant right now."""


class SecretRefused(CacheError, ValueError):
    """A value holds a key that only secrets or tokens use; it is not written."""


class CorruptValue(ValueError):
    """A stored value failed its checks (bad tag, checksum, compression or JSON).

    Deliberately not an OSError: diskcache takes an OSError while reading a value file
    for "deleted meanwhile" and returns the default, which would hide lost data.
    """


@dataclass(frozen=True)
class Notice:
    """A problem the cache found and handled, for the UI or the command line to show."""

    tenant_id: str | None
    message: str
    moved_to: Path | None = None

    def __str__(self) -> str:
        return self.message


def is_transient(exc: BaseException) -> bool:
    """A busy database or a full disk: nothing is damaged, the operation failed."""
    if isinstance(exc, diskcache.Timeout):
        return True
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    if isinstance(exc, sqlite3.OperationalError):
        text = str(exc).lower()
        return "locked" in text or "busy" in text or "full" in text
    return False


def is_broken(exc: BaseException) -> bool:
    """Whether an error means damaged or unreadable data (moved aside, then reported)."""
    if is_transient(exc):
        return False
    return isinstance(exc, (sqlite3.DatabaseError, OSError, CorruptValue))


def failed(what: str, exc: BaseException) -> CacheError:
    """The CacheError for a transient failure (busy, disk full)."""
    return CacheError(f"{what}: {describe(exc)}")


def describe(exc: BaseException) -> str:
    """A short reason for a message: the error type and its text."""
    if isinstance(exc, OSError) and exc.strerror:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return f"{type(exc).__name__}: {exc}"
