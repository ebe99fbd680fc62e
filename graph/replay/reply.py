"""One answer of the replay, independent of how it travels (httpx transport, HTTP server, $batch)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graph.replay.errors import GraphError, error_body
from graph.replay.state import dump

JSON_TYPE = ("application/json;odata.metadata=minimal;odata.streaming=true;"
             "IEEE754Compatible=false;charset=utf-8")


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    units: int = 0  # resource units this request cost (x-ms-resource-unit)

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "application/json")


def json_reply(value: Any, status: int = 200) -> Reply:
    return Reply(status, dump(value), {"Content-Type": JSON_TYPE})


def raw_json_reply(body: bytes, status: int = 200) -> Reply:
    return Reply(status, body, {"Content-Type": JSON_TYPE})


def text_reply(text: str) -> Reply:
    return Reply(200, text.encode(), {"Content-Type": "text/plain;charset=utf-8"})


def error_reply(error: GraphError, request_id: str = "", client_request_id: str = "") -> Reply:
    headers = {"Content-Type": "application/json", **error.headers}
    return Reply(error.status, error_body(error, request_id, client_request_id), headers)


def page_body(context: str, items: list[bytes] | bytes, next_link: str | None = None,
              count: int | None = None, delta_link: str | None = None) -> bytes:
    """A collection page assembled from already serialised items (no re-encoding)."""
    parts = [b'{"@odata.context":', dump(context)]
    if count is not None:
        parts += [b',"@odata.count":', str(count).encode()]
    if next_link:
        parts += [b',"@odata.nextLink":', dump(next_link)]
    joined = items if isinstance(items, bytes) else b",".join(items)
    parts += [b',"value":[', joined, b"]"]
    if delta_link:
        parts += [b',"@odata.deltaLink":', dump(delta_link)]
    parts.append(b"}")
    return b"".join(parts)
