"""The replay in process, as httpx transports: no socket, the same protocol.

    client = httpx.AsyncClient(transport=ReplayTransport(state),
                               base_url="https://graph.microsoft.com")

Any host is accepted (the reader may point at graph.microsoft.com or a national cloud);
links in answers use `base_url`. Pass a `Replay` instead of a state to share faults and
counters with something else.
"""

from __future__ import annotations

import asyncio
import time

import httpx

from graph.replay.faults import Faults, Stats
from graph.replay.handler import DEFAULT_BASE, Replay
from graph.replay.reply import Reply
from graph.replay.state import ReplayState


def _target(request: httpx.Request) -> str:
    return request.url.raw_path.decode("ascii", "replace")  # path and query, still encoded


def _response(reply: Reply, request: httpx.Request) -> httpx.Response:
    return httpx.Response(reply.status, headers=reply.headers, content=reply.body,
                          request=request)


class _Carrier:
    """What both transports share: the Replay they answer from and its counters."""

    def __init__(self, source: ReplayState | Replay, faults: Faults | None = None,
                 base_url: str = DEFAULT_BASE) -> None:
        self.replay = source if isinstance(source, Replay) else Replay(source, faults, base_url)

    @property
    def stats(self) -> Stats:
        return self.replay.stats


class ReplayTransport(_Carrier, httpx.AsyncBaseTransport):
    """httpx.AsyncClient transport answering from the replay."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        if self.replay.latency:
            await asyncio.sleep(self.replay.latency)
        reply = self.replay.handle(request.method, _target(request), request.headers, body)
        return _response(reply, request)


class ReplaySyncTransport(_Carrier, httpx.BaseTransport):
    """httpx.Client transport answering from the replay (scripts, simple tests)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        if self.replay.latency:
            time.sleep(self.replay.latency)
        reply = self.replay.handle(request.method, _target(request), request.headers, body)
        return _response(reply, request)
