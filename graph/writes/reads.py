"""The reads a write makes first (the current state, the prior state for undo), retried
on throttling like the writes: 429/503/504 wait for `Retry-After`; a 404 is an answer
(the object is gone); anything else raises ReadFailed with Graph's reason.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

from graph.writes.base import ReadFailed
from graph.writes.sender import Answer, NoAnswer, Sender
from graph.writes.throttle import RETRY_STATUSES, RetryPolicy, Sleep

MAX_PAGES = 200  # a relation list longer than 200 pages is not one a write needs whole


class Reads:
    """GraphReads over a Sender (graph/writes/base.py)."""

    def __init__(self, sender: Sender, retry: RetryPolicy | None = None,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.sender = sender
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.count = 0  # GETs sent, for the run summary

    @property
    def base_url(self) -> str:
        return self.sender.base_url

    async def read(self, path: str) -> Answer:
        for attempt in range(1, self.retry.max_attempts + 1):
            self.count += 1
            try:
                answer = await self.sender.send("GET", path)
            except NoAnswer as exc:
                if attempt == self.retry.max_attempts:
                    raise ReadFailed(f"no answer from Graph: {exc}") from None
                await self.sleep(self.retry.wait_for(attempt, None))
                continue
            if answer.ok or answer.status == 404:
                return answer
            if answer.status in RETRY_STATUSES and attempt < self.retry.max_attempts:
                wait = self.retry.wait_for(attempt, answer.retry_after)
                if wait <= self.retry.max_wait:
                    await self.sleep(wait)
                    continue
            raise ReadFailed(f"GET /{path.split('?')[0]}: {answer.reason}", answer)
        raise ReadFailed(f"GET /{path.split('?')[0]}: still throttled after "
                         f"{self.retry.max_attempts} tries")

    async def read_all(self, path: str) -> list[dict[str, Any]] | None:
        items: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            answer = await self.read(path)
            if answer.status == 404:
                return None
            doc = answer.json() or {}
            items += [i for i in doc.get("value") or [] if isinstance(i, dict)]
            link = doc.get("@odata.nextLink")
            if not isinstance(link, str) or not link:
                return items
            split = urlsplit(link)
            path = split.path.lstrip("/") + (f"?{split.query}" if split.query else "")
        return items
