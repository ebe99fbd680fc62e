"""One read in progress: the client, the lanes' concurrency, retries, counters, and what
could not be read.

Every request of the reader goes through `Session.send`: it tags the request with its data
kind and lane; the transport gate holds one of the lane's slots while the request is on
the wire (kiota's retry sleeps hold none) and the transport observer counts requests,
kiota's retries and 429s per kind. `send` retries 429/503/504 and network errors that are
left after kiota's own retries, honouring `Retry-After`. One throttled request never ends
a sync: it waits and tries again, up to `RetryPolicy.attempts`; a kind still refused then
is recorded unavailable and the rest goes on.
"""

from __future__ import annotations

import asyncio
import contextvars
import time
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from graph.client import GraphClient, GraphResponse
from graph.reader import plan
from graph.reader.progress import THROTTLED, UNAVAILABLE, Progress
from graph.reader.stats import BATCH, ReadStats
from graph.reader.throttle import RETRY_STATUSES, AdaptiveLimit, backoff
from models.recording import KIND_BY_NAME, Unavailable

_tag: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
    "wlx_read_kind", default=None)


class KindFailed(Exception):
    """A data kind could not be read: Graph's status and `code: message`."""

    def __init__(self, status: int | None, reason: str) -> None:
        super().__init__(f"{status or 'error'} {reason}")
        self.status = status
        self.reason = reason

    @classmethod
    def of(cls, response: GraphResponse) -> KindFailed:
        return cls(response.status, response.reason)


@dataclass
class RetryPolicy:
    attempts: int = 10  # sends of one request after kiota's own retries gave up
    max_wait: float = 300.0  # the longest single wait honoured


class Session:
    def __init__(self, client: GraphClient, max_concurrency: int = 8,
                 progress: Progress | None = None, policy: RetryPolicy | None = None) -> None:
        self.client = client
        self.progress = progress or Progress()
        self.policy = policy or RetryPolicy()
        self.stats = ReadStats()
        self.lanes = {
            plan.DIRECTORY: AdaptiveLimit(max_concurrency),
            plan.AUDIT: AdaptiveLimit(min(2, max_concurrency)),  # 5 requests / 10 s
            plan.REPORTS: AdaptiveLimit(min(2, max_concurrency)),
            plan.PROTECTION: AdaptiveLimit(1),  # 1 request / s
        }
        self.unavailable: dict[str, Unavailable] = {}
        self.shape = plan.Shape()  # what was fetched, for the minimum request count
        self.partition_from = plan.PARTITION_FROM
        self._started: dict[str, float] = {}
        self._host = urlsplit(client.base_url).netloc.lower()
        client.observers.append(self._observe)
        client.transport.gate = self._gate

    def restart(self) -> None:
        """Start over with a full read (a delta link expired): what was found unavailable
        and fetched is forgotten; the counters stay, the cost of both adds up."""
        self.unavailable = {}
        self.shape = plan.Shape()

    def close(self) -> None:
        if self._observe in self.client.observers:
            self.client.observers.remove(self._observe)
        if self.client.transport.gate == self._gate:
            self.client.transport.gate = None

    def _gate(self, request: httpx.Request) -> AbstractAsyncContextManager[None]:
        tag = _tag.get()
        return self.lanes[tag[1]].slot() if tag is not None else nullcontext()

    # -- counting --------------------------------------------------------------------

    def _observe(self, request: httpx.Request, response: httpx.Response) -> None:
        tag = _tag.get()
        if tag is None:
            return  # someone else's request on a shared client
        kind, lane = tag
        stats = self.stats.kind(kind)
        stats.requests += 1
        if request.url.path.endswith("/$batch"):
            self.stats.batches += 1
        if request.headers.get("Retry-Attempt"):
            stats.retries += 1  # kiota's RetryHandler sent it again
        if response.status_code == 429:
            stats.throttled += 1
            self.lanes[lane].throttled()

    def timed(self, kind: str) -> None:
        now = time.monotonic()
        start = self._started.setdefault(kind, now)
        self.stats.kind(kind).seconds = now - start

    # -- sending ---------------------------------------------------------------------

    def check_link(self, link: str) -> str:
        """A next link must stay on our Graph host: it comes from the server, and the
        credential is sent with it."""
        if urlsplit(link).netloc.lower() != self._host:
            raise KindFailed(None, f"Graph returned a link to another host: {link[:120]}")
        return link

    async def send(self, kind: str, url: str, lane: str = plan.DIRECTORY,
                   headers: Mapping[str, str] | None = None,
                   payload: Any = None) -> GraphResponse:
        """GET (or POST `payload` as JSON) with retries; a non-retryable answer is returned
        as it is, a request still throttled after every attempt returns its last answer."""
        limit = self.lanes[lane]
        self._started.setdefault(kind, time.monotonic())
        response: GraphResponse | None = None
        error: Exception | None = None
        for attempt in range(self.policy.attempts):
            if attempt:
                self.stats.kind(kind).retries += 1
            # the lane's slot is taken in the transport (see _gate), for the time on the wire
            token = _tag.set((BATCH if payload is not None else kind, lane))
            try:
                if payload is None:
                    response = await self.client.get(url, dict(headers or {}))
                else:
                    response = await self.client.post_json(url, payload, dict(headers or {}))
                error = None
            except httpx.TransportError as exc:  # connection reset, timeout, DNS
                response, error = None, exc
            finally:
                _tag.reset(token)
            self.timed(kind)
            if response is not None:
                self.stats.kind(kind).bytes += len(response.body)
                if response.status not in RETRY_STATUSES:
                    limit.succeeded()
                    return response
                wait = response.retry_after
            else:
                wait = None
            if attempt + 1 == self.policy.attempts:
                break
            wait = min(self.policy.max_wait, wait if wait is not None else backoff(attempt))
            what = f"HTTP {response.status}" if response is not None else f"network: {error}"
            self.progress.emit(kind, self.progress.count(kind), None, THROTTLED,
                               f"{what}, retrying in {wait:.0f} s")
            await asyncio.sleep(wait)
        if response is not None:
            return response
        raise KindFailed(None, f"network error: {error}")

    async def get_json(self, kind: str, url: str, lane: str = plan.DIRECTORY,
                       headers: Mapping[str, str] | None = None) -> Any:
        response = await self.send(kind, url, lane, headers)
        if not response.ok:
            raise KindFailed.of(response)
        try:
            return response.json()
        except ValueError:
            return response.body.decode("utf-8", "replace")

    async def pages(self, kind: str, url: str, lane: str = plan.DIRECTORY,
                    headers: Mapping[str, str] | None = None, on_page: Any = None,
                    keep: bool = True, limit: int = 1_000_000) -> list[Any]:
        """Every item of a collection, following @odata.nextLink; `on_page(items)` per page
        (`keep=False`: only the callback sees them)."""
        items: list[Any] = []
        next_url: str | None = url
        count = seen = 0
        try:
            while next_url:
                body = await self.get_json(kind, next_url, lane, headers)
                if not isinstance(body, dict):
                    raise KindFailed(None, "Graph answered something that is not a collection")
                value = body.get("value")
                page = value if isinstance(value, list) else []
                if keep:
                    items.extend(page)
                seen += len(page)
                self.stats.kind(kind).items += len(page)
                if on_page is not None:
                    on_page(page)
                link = body.get("@odata.nextLink")
                next_url = self.check_link(link) if isinstance(link, str) and link else None
                count += 1
                if count >= limit:
                    raise KindFailed(None, f"more than {limit} pages: the next links never end")
        finally:  # a refused kind still needed its one request
            self.shape.add(kind, seen, plan.page_size(url))
        return items

    # -- what could not be read --------------------------------------------------------

    def fail(self, kind: str, status: int | None, reason: str) -> None:
        permission = KIND_BY_NAME[kind].permission if kind in KIND_BY_NAME else ""
        self.unavailable[kind] = Unavailable(status, reason, permission)
        self.progress.emit(kind, self.progress.count(kind), None, UNAVAILABLE, reason)
