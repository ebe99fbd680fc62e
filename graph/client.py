"""The Graph client: msgraph-sdk's request adapter and default middleware, raw bytes out.

Every request is a kiota `RequestInformation` with an absolute URL, sent with
`adapter.send_primitive_async(request_info, "bytes", {})` through
`GraphClientFactory.create_with_default_middleware`, so sign-in, retry (429/503/504 with
Retry-After), redirect and the other default handlers apply. A native response handler
hands back the HTTP response itself instead of raising, so the caller sees the status,
Graph's error code and message, and `Retry-After` of every answer. Nothing here parses
typed SDK models: bulk reads parse the bytes (DEVELOPERS.md: typed models are ~150x slower).

msgraph, kiota and azure-identity are imported inside `create_client`, never when this
module is imported, so the warm start does not load them. A test or the in-process
replay passes its own httpx transport; everything above the transport stays real.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from models.protocol import GraphError

Observer = Callable[[httpx.Request, httpx.Response], None]
# holds a request while it is on the wire (the reader's concurrency limit per lane)
Gate = Callable[[httpx.Request], AbstractAsyncContextManager[Any]]


@dataclass
class GraphResponse:
    """One answer of Graph after the middleware: status, headers and the raw body."""

    status: int
    headers: httpx.Headers
    body: bytes
    url: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("retry-after"))

    @property
    def error_code(self) -> str:
        return self._error()[0]

    @property
    def error_message(self) -> str:
        return self._error()[1]

    @property
    def reason(self) -> str:
        """Graph's `code: message`, or the status line when the body is not Graph's."""
        code, message = self._error()
        if not code and not message:
            return f"HTTP {self.status}"
        return f"{code or 'error'}: {message}".strip()

    def _error(self) -> tuple[str, str]:
        if self.ok:
            return "", ""
        try:
            parsed = GraphError.model_validate(self.json())
        except ValueError:
            return "", ""
        if parsed.error is None:
            return "", ""
        return parsed.error.code or "", parsed.error.message or ""


def parse_retry_after(value: Any, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After value: seconds (fractions too) or an HTTP date."""
    if value is None:
        return None
    text = str(value).strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class ObservedTransport(httpx.AsyncBaseTransport):
    """The innermost transport: sees every request on the wire (kiota's retries included).

    A `gate` holds each request from sending to its last body byte, so a concurrency
    limit counts what is on the wire, not requests asleep in kiota's retry handler.
    """

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.observers: list[Observer] = []
        self.gate: Gate | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.gate is None:
            response = await self.inner.handle_async_request(request)
        else:
            async with self.gate(request):
                response = await self.inner.handle_async_request(request)
                await response.aread()
        for observer in list(self.observers):
            observer(request, response)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


class GraphClient:
    """GET and POST to Graph through the SDK's adapter; answers are `GraphResponse`s."""

    def __init__(self, adapter: Any, http: httpx.AsyncClient, transport: ObservedTransport,
                 base_url: str, cloud: str = "global", sign_in: Any = None) -> None:
        self.adapter = adapter
        self.http = http
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self.cloud = cloud
        self.sign_in = sign_in  # graph.auth.SignIn, None for tests and --auth none

    @property
    def observers(self) -> list[Observer]:
        return self.transport.observers

    def url(self, path_or_url: str) -> str:
        """An absolute URL: `v1.0/servicePrincipals?...` goes on the base URL."""
        if "://" in path_or_url.split("?", 1)[0]:
            return path_or_url
        return f"{self.base_url}/{path_or_url.lstrip('/')}"

    async def get(self, url: str, headers: dict[str, str] | None = None) -> GraphResponse:
        return await self._send("GET", url, headers)

    async def post_json(self, url: str, payload: Any,
                        headers: dict[str, str] | None = None) -> GraphResponse:
        body = json.dumps(payload, separators=(",", ":")).encode()
        return await self._send("POST", url, {"Content-Type": "application/json",
                                              **(headers or {})}, body)

    async def send(self, method: str, url: str, body: Any = None,
                   headers: dict[str, str] | None = None,
                   retries: bool = True) -> GraphResponse:
        """Any method (GET, POST, PATCH, DELETE) with an optional JSON body. `retries=False`
        turns kiota's retry handler off for callers that track each attempt themselves
        (the writer keeps a journal of every try)."""
        content = None
        if body is not None:
            content = json.dumps(body, separators=(",", ":")).encode()
            headers = {"Content-Type": "application/json", **(headers or {})}
        return await self._send(method, url, headers, content, retries)

    async def _send(self, method: str, url: str, headers: dict[str, str] | None,
                    body: bytes | None = None, retries: bool = True) -> GraphResponse:
        from kiota_abstractions.method import Method
        from kiota_abstractions.native_response_handler import NativeResponseHandler
        from kiota_abstractions.request_information import RequestInformation
        from kiota_http.middleware.options import RetryHandlerOption
        from kiota_http.middleware.options.response_handler_option import (
            ResponseHandlerOption,
        )

        info = RequestInformation(Method[method.upper()])
        info.url = self.url(url)
        info.headers.try_add("Accept", "application/json")
        for name, value in (headers or {}).items():
            info.headers.try_add(name, value)
        if body is not None:
            info.content = body
        # hand back the response itself: the caller decides what a 403 or 429 means
        options: list[Any] = [ResponseHandlerOption(NativeResponseHandler())]
        if not retries:
            options.append(RetryHandlerOption(max_retries=0, should_retry=False))
        info.add_request_options(options)
        response: httpx.Response = await self.adapter.send_primitive_async(info, "bytes", {})
        return GraphResponse(response.status_code, response.headers, response.content,
                             str(response.request.url) if response.request else info.url)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def __aenter__(self) -> GraphClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def create_client(base_url: str = "https://graph.microsoft.com", *,
                  auth_provider: Any = None,
                  transport: httpx.AsyncBaseTransport | None = None,
                  cloud: str = "global", sign_in: Any = None,
                  timeout: float = 120.0, max_retries: int = 3,
                  max_connections: int = 32) -> GraphClient:
    """A Graph client on msgraph-sdk's GraphRequestAdapter with the default middleware.

    `base_url` is the scheme and host (`https://graph.microsoft.us`, the replay's
    `http://127.0.0.1:PORT`); requests carry their version in the path. Without an
    `auth_provider` requests go unauthenticated (tests, the local replay).
    """
    from kiota_abstractions.authentication import AnonymousAuthenticationProvider
    from kiota_http.middleware.options import RetryHandlerOption
    from msgraph import GraphRequestAdapter
    from msgraph_core import GraphClientFactory

    inner = transport or httpx.AsyncHTTPTransport(
        limits=httpx.Limits(max_connections=max_connections,
                            max_keepalive_connections=max_connections), retries=1)
    observed = ObservedTransport(inner)
    http = httpx.AsyncClient(transport=observed, timeout=httpx.Timeout(timeout, connect=15.0),
                             follow_redirects=False)
    options = {RetryHandlerOption.get_key(): RetryHandlerOption(max_retries=max_retries)}
    http = GraphClientFactory.create_with_default_middleware(client=http, options=options)
    adapter = GraphRequestAdapter(auth_provider or AnonymousAuthenticationProvider(), http)
    base = base_url.rstrip("/")
    # httpx's trailing slash would otherwise give `//v1.0/...` (GRAPH-FACTS.md)
    adapter.base_url = base
    return GraphClient(adapter, http, observed, base, cloud, sign_in)


def client_for(sign_in: Any, transport: httpx.AsyncBaseTransport | None = None,
               **kwargs: Any) -> GraphClient:
    """The client for a prepared `graph.auth.SignIn` (its Graph URL, cloud and credential)."""
    from graph.auth import authentication_provider

    return create_client(sign_in.graph_url, auth_provider=authentication_provider(sign_in),
                         transport=transport, cloud=sign_in.cloud.name, sign_in=sign_in,
                         **kwargs)

