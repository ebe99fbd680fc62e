"""JSON `$batch` of 20 with per-item retries: what Graph's SDK middleware does not do.

An envelope answers 200 even when items inside it were throttled; each such item (429,
503, 504) comes back with its own `Retry-After` and is sent again in a later batch once
that time has passed. Only full batches go out while other batches are in flight (a
partial one only when nothing else can fill it), so the request count stays near
items / 20. Next links of paged items come back as new items of the same run.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from graph.reader import plan
from graph.reader.progress import THROTTLED
from graph.reader.session import KindFailed, Session
from graph.reader.throttle import RETRY_STATUSES, backoff

MAX_ITEM_ATTEMPTS = 12
GATHER_WAIT = 2.0  # seconds a partial batch may wait for throttled items to be ready


@dataclass
class BatchItem:
    kind: str
    url: str  # relative to the version, e.g. "/servicePrincipals/{id}/owners?$top=999"
    key: Any = None  # the caller's tag, e.g. the owning object's id
    attempts: int = 0
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class ItemAnswer:
    item: BatchItem
    status: int
    body: Any
    reason: str = ""
    retry_after: float | None = None  # of a throttled item

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


# called with each final answer; returns follow-up items (next pages), if any
OnAnswer = Callable[[ItemAnswer], Iterable[BatchItem] | None]


def relative(link: str, version: str = "v1.0") -> str:
    """A next link as a batch item URL: the path after the version, with its query."""
    split = urlsplit(link)
    path = split.path
    prefix = f"/{version}"
    if path.startswith(prefix + "/"):
        path = path[len(prefix):]
    return path + (f"?{split.query}" if split.query else "")


def _reason(status: int, body: Any) -> str:
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return f"{error.get('code') or 'error'}: {error.get('message') or ''}".strip()
    return f"HTTP {status}"


def _retry_after(headers: Any) -> float | None:
    if not isinstance(headers, dict):
        return None
    for name, value in headers.items():
        if str(name).lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                return None
    return None


class BatchRun:
    """Sends items in batches of 20 until each has a final answer."""

    def __init__(self, session: Session, on_answer: OnAnswer, version: str = "v1.0") -> None:
        self.session = session
        self.on_answer = on_answer
        self.version = version
        self.queue: deque[BatchItem] = deque()
        self.delayed: list[tuple[float, int, BatchItem]] = []
        self._seq = itertools.count()

    async def run(self, items: Iterable[BatchItem]) -> None:
        self.queue.extend(items)
        loop = asyncio.get_running_loop()
        in_flight: set[asyncio.Task[list[ItemAnswer]]] = set()
        lane = self.session.lanes[plan.DIRECTORY]
        while self.queue or self.delayed or in_flight:
            now = loop.time()
            while self.delayed and self.delayed[0][0] <= now:
                self.queue.appendleft(heapq.heappop(self.delayed)[2])
            ready_soon = bool(self.delayed) and self.delayed[0][0] - now <= GATHER_WAIT
            while self.queue and len(in_flight) < max(1, lane.limit):
                full = len(self.queue) >= plan.BATCH_SIZE
                if not full and (in_flight or ready_soon):
                    break  # wait: more items may arrive to fill this batch
                chunk = [self.queue.popleft()
                         for _ in range(min(plan.BATCH_SIZE, len(self.queue)))]
                in_flight.add(asyncio.ensure_future(self._send(chunk)))
            if not in_flight:
                if self.delayed:
                    await asyncio.sleep(max(0.0, self.delayed[0][0] - loop.time()))
                continue
            timeout = max(0.0, self.delayed[0][0] - now) if self.delayed else None
            done, _ = await asyncio.wait(in_flight, timeout=timeout,
                                         return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                in_flight.discard(task)
                for answer in task.result():
                    self._settle(answer, loop.time())

    def _settle(self, answer: ItemAnswer, now: float) -> None:
        item = answer.item
        stats = self.session.stats.kind(item.kind)
        if answer.status in RETRY_STATUSES and item.attempts + 1 < MAX_ITEM_ATTEMPTS:
            item.attempts += 1
            stats.retries += 1
            if answer.status == 429:
                stats.throttled += 1
                self.session.lanes[plan.DIRECTORY].throttled()
            wait = min(self.session.policy.max_wait, answer.retry_after
                       if answer.retry_after is not None else backoff(item.attempts))
            self.session.progress.emit(item.kind, self.session.progress.count(item.kind), None,
                                       THROTTLED, f"batch item HTTP {answer.status}, "
                                       f"retrying in {wait:.0f} s")
            heapq.heappush(self.delayed, (now + wait, next(self._seq), item))
            return
        if answer.status in RETRY_STATUSES:
            answer = ItemAnswer(item, answer.status, None,
                                f"still throttled after {item.attempts + 1} attempts")
        # next pages go first: they ride in the next full batch instead of waiting for
        # the queue to drain (a resource's long appRoleAssignedTo is a chain of pages)
        self.queue.extendleft(reversed(list(self.on_answer(answer) or ())))

    async def _send(self, chunk: list[BatchItem]) -> list[ItemAnswer]:
        requests = []
        for index, item in enumerate(chunk):
            request: dict[str, Any] = {"id": str(index), "method": "GET", "url": item.url}
            if item.headers:
                request["headers"] = item.headers
            requests.append(request)
            self.session.stats.kind(item.kind).batch_items += 1
        kind = chunk[0].kind
        try:
            response = await self.session.send(kind, f"{self.version}/$batch",
                                               payload={"requests": requests})
        except KindFailed as exc:
            return [ItemAnswer(item, 0, None, exc.reason) for item in chunk]
        for item in chunk:
            self.session.timed(item.kind)
        if not response.ok:
            # the whole envelope failed: every item gets its status (a 429/503 is retried)
            status, reason = response.status, response.reason
            return [ItemAnswer(item, status, None, reason, response.retry_after)
                    for item in chunk]
        try:
            body = response.json()
            answers = {str(r.get("id")): r for r in body.get("responses", [])
                       if isinstance(r, dict)}
        except (ValueError, AttributeError):
            answers = {}
        out = []
        for index, item in enumerate(chunk):
            answer = answers.get(str(index))
            if answer is None:  # an item Graph did not answer: try it again
                out.append(ItemAnswer(item, 503, None, "missing from the batch answer"))
                continue
            status = answer.get("status")
            status = status if isinstance(status, int) else 0
            item_body = answer.get("body")
            reason = _reason(status, item_body) if status >= 400 or status < 200 else ""
            out.append(ItemAnswer(item, status, item_body, reason,
                                  _retry_after(answer.get("headers"))))
        return out


async def run_batches(session: Session, items: Iterable[BatchItem], on_answer: OnAnswer,
                      version: str = "v1.0") -> None:
    await BatchRun(session, on_answer, version).run(items)
