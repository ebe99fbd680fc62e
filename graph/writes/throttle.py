"""Pacing and retrying writes: Graph allows about 3,000 writes per 2.5 minutes per app and
tenant (GRAPH-FACTS.md) and answers 429 with `Retry-After` beyond that (503/504 too when
busy). The writer waits as told and tries again, up to `max_wait` seconds per wait and
`max_attempts` tries; beyond that it stops the run and leaves the journal to resume from.
`WritePace` keeps a run under the budget by itself, so a large bulk action slows down
before Graph has to say so. The clock and sleep are injectable: tests never wait.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

WRITES_PER_WINDOW, WINDOW_SECONDS = 3000, 150.0
RETRY_STATUSES = (429, 503, 504)
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class RetryPolicy:
    max_attempts: int = 6  # tries of one request before the run stops
    max_wait: float = 180.0  # a longer Retry-After stops the run (kiota gives up there too)
    backoff: float = 2.0  # first wait when Graph names none; doubles each time

    def wait_for(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return retry_after
        return min(self.backoff * 2 ** (attempt - 1), self.max_wait)


@dataclass
class WritePace:
    """At most `limit` writes in any `seconds` window."""

    limit: int = WRITES_PER_WINDOW
    seconds: float = WINDOW_SECONDS
    clock: Callable[[], float] = time.monotonic
    sent: deque[float] = field(default_factory=deque)

    def delay(self) -> float:
        now = self.clock()
        while self.sent and self.sent[0] <= now - self.seconds:
            self.sent.popleft()
        if len(self.sent) < self.limit:
            return 0.0
        return self.sent[0] + self.seconds - now

    async def before_write(self, sleep: Sleep = asyncio.sleep) -> None:
        wait = self.delay()
        if wait > 0:
            await sleep(wait)
        self.sent.append(self.clock())
