"""Bounded, adaptive concurrency: slow down when Graph throttles, speed up again after.

One `AdaptiveLimit` per lane (directory reads, reports, identity protection: Graph meters
them separately). Additive increase, multiplicative decrease: a 429 halves the number of
requests allowed in flight (once per cool-down, so one burst of 429s is one cut), and a
run of successes raises it by one again, up to the maximum.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

RETRY_STATUSES = frozenset({429, 503, 504})


class AdaptiveLimit:
    def __init__(self, maximum: int, start: int | None = None, cool_down: float = 1.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.maximum = max(1, maximum)
        self.limit = min(self.maximum, max(1, start or self.maximum))
        self.active = 0
        self.cool_down = cool_down
        self.clock = clock
        self.cuts = 0  # how often it slowed down (for the stats and the tests)
        self._last_cut = -1e9
        self._successes = 0
        self._changed: asyncio.Condition | None = None

    def _condition(self) -> asyncio.Condition:
        if self._changed is None:
            self._changed = asyncio.Condition()
        return self._changed

    async def acquire(self) -> None:
        changed = self._condition()
        async with changed:
            await changed.wait_for(lambda: self.active < self.limit)
            self.active += 1

    async def release(self) -> None:
        changed = self._condition()
        async with changed:
            self.active -= 1
            changed.notify_all()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        await self.acquire()
        try:
            yield
        finally:
            await self.release()

    def throttled(self) -> None:
        now = self.clock()
        if now - self._last_cut < self.cool_down:
            return
        self._last_cut = now
        self._successes = 0
        if self.limit > 1:
            self.limit = max(1, self.limit // 2)
            self.cuts += 1

    def succeeded(self) -> None:
        if self.limit >= self.maximum:
            return
        self._successes += 1
        if self._successes >= 2 * self.limit:
            self._successes = 0
            self.limit += 1
            if self._changed is not None:
                # wake waiters on the next release; acquire re-checks the limit
                asyncio.get_running_loop().create_task(self._wake())

    async def _wake(self) -> None:
        changed = self._condition()
        async with changed:
            changed.notify_all()


def backoff(attempt: int, base: float = 0.5, cap: float = 60.0) -> float:
    """Exponential back-off with jitter when Graph gives no Retry-After."""
    return min(cap, base * 2 ** attempt) * (0.5 + random.random() / 2)
