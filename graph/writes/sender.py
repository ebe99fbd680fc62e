"""How a write reaches Graph: one HTTP request out, one `Answer` back, nothing retried here.

The writer (graph/writes/writer.py) decides what a 429, a 403 or a lost connection means
for its journal, so this layer hides nothing: every answer comes back as it is, and a
request whose answer never arrived raises `NoAnswer` (its outcome is unknown). Bearer
tokens come from a callable on each request and are never stored or logged.

`GraphSender` is the one used against Graph: it goes through msgraph-sdk's request adapter
and middleware (graph/client.py: authentication, redirects), with kiota's retries turned
off because the writer journals every attempt itself. `HttpSender` is a bare httpx sender
kept for tests that drive the replay directly.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

from graph.client import parse_retry_after

DEFAULT_GRAPH = "https://graph.microsoft.com"
TokenSource = Callable[[], Awaitable[str]]


class NoAnswer(Exception):
    """The request may or may not have reached Graph: its outcome is unknown."""


@dataclass
class Answer:
    """One answer of Graph: status, headers (lower-case names) and the raw body."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    @property
    def error(self) -> tuple[str, str]:
        """Graph's error code and message ("", "" when the body is not Graph's)."""
        doc = self.json()
        err = doc.get("error") if isinstance(doc, dict) else None
        if not isinstance(err, dict):
            return "", ""
        return str(err.get("code") or ""), str(err.get("message") or "")

    @property
    def request_id(self) -> str:
        doc = self.json()
        inner = doc.get("error", {}).get("innerError") if isinstance(doc, dict) and \
            isinstance(doc.get("error"), dict) else None
        if isinstance(inner, dict) and inner.get("request-id"):
            return str(inner["request-id"])
        return self.headers.get("request-id", "")

    @property
    def reason(self) -> str:
        code, message = self.error
        if not code and not message:
            return f"HTTP {self.status}"
        return f"{self.status} {code}: {message}".strip()

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("retry-after"))

    def outcome(self) -> dict[str, Any]:
        """What the journal keeps of an answer: never the body of a success."""
        code, message = self.error
        out: dict[str, Any] = {"status": self.status}
        if not self.ok:
            out.update(code=code, message=message[:500])
        if self.request_id:
            out["requestId"] = self.request_id
        return out


class Sender(Protocol):
    base_url: str

    async def send(self, method: str, path: str, body: Any = None) -> Answer:
        """`path` is after the host: `v1.0/servicePrincipals/{id}`."""
        ...


class GraphSender:
    """Writes through graph.client.GraphClient (the SDK's adapter and middleware)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.base_url = client.base_url

    async def send(self, method: str, path: str, body: Any = None) -> Answer:
        try:
            response = await self.client.send(method, path, body, retries=False)
        except httpx.TransportError as exc:
            raise NoAnswer(f"{method} {path}: {type(exc).__name__}: {exc}") from None
        return Answer(response.status, response.body,
                      {k.lower(): v for k, v in response.headers.items()})

    async def aclose(self) -> None:
        await self.client.aclose()


class HttpSender:
    """Sends over an httpx.AsyncClient (real HTTP, or the replay's transport in process)."""

    def __init__(self, http: httpx.AsyncClient, base_url: str = DEFAULT_GRAPH,
                 token: TokenSource | None = None) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.token = token

    @classmethod
    def over(cls, transport: httpx.AsyncBaseTransport | None = None,
             base_url: str = DEFAULT_GRAPH, token: TokenSource | None = None,
             timeout: float = 60.0) -> HttpSender:
        http = httpx.AsyncClient(transport=transport, timeout=httpx.Timeout(timeout, connect=15),
                                 follow_redirects=False)
        return cls(http, base_url, token)

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    async def send(self, method: str, path: str, body: Any = None) -> Answer:
        headers = {"Accept": "application/json"}
        content = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            content = json.dumps(body, separators=(",", ":")).encode()
        if self.token is not None:
            headers["Authorization"] = f"Bearer {await self.token()}"
        try:
            response = await self.http.request(method, self.url(path), headers=headers,
                                               content=content)
        except httpx.TransportError as exc:
            raise NoAnswer(f"{method} {path}: {type(exc).__name__}: {exc}") from None
        return Answer(response.status_code, response.content,
                      {k.lower(): v for k, v in response.headers.items()})

    async def aclose(self) -> None:
        await self.http.aclose()
