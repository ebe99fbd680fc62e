"""Progress of a read, one event per step of a data kind, for a CLI bar and for the app.

The callback gets `ReadProgress(kind, done, total, status)`: `kind` is a name of
models.recording.KINDS; `done` counts objects read so far; `total` is known once the
parent list is read (for relations) or the kind is finished; `status` is one of STATUSES.
A callback that raises is not allowed to break the read: it is switched off, and the
error kept for the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

WAITING, READING, THROTTLED, DONE, UNAVAILABLE, SKIPPED = (
    "waiting", "reading", "throttled", "done", "unavailable", "skipped")
STATUSES = (WAITING, READING, THROTTLED, DONE, UNAVAILABLE, SKIPPED)


@dataclass(frozen=True)
class ReadProgress:
    kind: str
    done: int
    total: int | None
    status: str
    detail: str = ""  # e.g. the reason of an unavailable kind, or the wait on a 429

    @property
    def finished(self) -> bool:
        return self.status in (DONE, UNAVAILABLE, SKIPPED)


class Progress:
    """Keeps the last event per kind and forwards events to the caller's callback."""

    def __init__(self, callback: Callable[[ReadProgress], None] | None = None) -> None:
        self.callback = callback
        self.last: dict[str, ReadProgress] = {}
        self.error: Exception | None = None

    def emit(self, kind: str, done: int, total: int | None, status: str,
             detail: str = "") -> None:
        event = ReadProgress(kind, done, total, status, detail)
        self.last[kind] = event
        if self.callback is None:
            return
        try:
            self.callback(event)
        except Exception as exc:  # a broken progress bar must not cost the sync
            self.error = exc
            self.callback = None

    def done(self, kind: str, count: int) -> None:
        self.emit(kind, count, count, DONE)

    def count(self, kind: str) -> int:
        event = self.last.get(kind)
        return event.done if event else 0
