"""The state of an in-app sync (`r`): progress per data kind, a sign-in prompt, the end.

The app runs `wlx sync --progress-json` as a child process (tui/refresh.py) and feeds
each SyncEvent to `SyncState.apply`; the progress panel and the header read this state.
No Textual here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models.recording import KINDS
from tui.refresh import SyncEvent

FINISHED = frozenset({"done", "unavailable", "skipped", "failed"})
STAGES = ("analysis", "cache")  # after the reading: analyse, then write the snapshot


@dataclass
class KindProgress:
    kind: str
    done: int = 0
    total: int | None = None
    status: str = "waiting"
    detail: str = ""

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    @property
    def fraction(self) -> float | None:
        if self.finished:
            return 1.0
        if self.total:
            return min(1.0, self.done / self.total)
        return None


@dataclass
class SyncState:
    """One sync run, from start to done or error."""

    source: str = ""  # what is being read, in words
    running: bool = False
    kinds: dict[str, KindProgress] = field(default_factory=dict)
    sign_in: str = ""  # the device-code message while it waits for the user
    error: str = ""
    changes: str | None = None
    generation: int | None = None
    outcome: str = ""  # what the app saw change once it switched to the new snapshot
    clock: Callable[[], float] = time.monotonic
    started: float = 0.0
    ended: float | None = None

    def __post_init__(self) -> None:
        self.started = self.started or self.clock()

    def start(self, source: str) -> None:
        self.__init__(source=source, running=True, clock=self.clock)  # type: ignore[misc]

    def apply(self, event: SyncEvent) -> None:
        if event.event == "error":
            self.running, self.error, self.ended = False, event.message, self.clock()
            return
        if event.event == "done":
            self.running, self.ended = False, self.clock()
            self.changes = event.data.get("changes")
            self.generation = _int(event.data.get("generation"))
            self.sign_in = ""
            return
        if event.kind == "sign-in":
            # the device code must stay readable until the sign-in is over
            self.sign_in = event.detail if event.status == "waiting" else ""
            return
        self.sign_in = ""
        progress = self.kinds.setdefault(event.kind, KindProgress(event.kind))
        progress.done, progress.status, progress.detail = event.done, event.status, event.detail
        if event.total is not None:
            progress.total = event.total

    @property
    def expected(self) -> int:
        """How many steps a sync has: every data kind, then the stages after the read."""
        return max(len(KINDS) + len(STAGES), len(self.kinds))

    @property
    def finished_steps(self) -> int:
        return sum(1 for k in self.kinds.values() if k.finished)

    def headline(self) -> str:
        """One line for the header: "⟳ syncing 7/21", "⟳ sign in: see r"…"""
        if self.running and self.sign_in:
            return "⟳ sign-in needed (r shows the code)"
        if self.running:
            return f"⟳ syncing… {self.finished_steps}/{self.expected}"
        if self.error:
            return "✖ sync failed (r shows why)"
        return ""

    def seconds(self) -> float:
        return (self.ended if self.ended is not None else self.clock()) - self.started


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) else None
