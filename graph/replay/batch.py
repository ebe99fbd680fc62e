"""JSON `$batch`: up to 20 requests in one POST, each answered on its own.

The envelope answers 200 whenever the batch itself is well formed; each item carries its
own status, headers and body, so a throttled or denied item (429 with `Retry-After`, 403)
sits next to successful ones and nothing retries it for the client. Items run in order,
after the items they name in `dependsOn`; an item whose dependency failed answers 424.
Item URLs are relative to the envelope's version (`/servicePrincipals`, with or without
the leading slash); one that names a version again (`/v1.0/...`) answers 400 like Graph.
Every item goes through the same faults and budget as a top-level request.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from graph.replay.errors import GraphError, bad_request, error_body
from graph.replay.reply import JSON_TYPE, Reply
from graph.replay.state import dump

if TYPE_CHECKING:
    from graph.replay.handler import Replay

MAX_REQUESTS = 20
VERSIONS = ("v1.0", "beta")


def _items(body: bytes) -> list[dict[str, Any]]:
    """The requests of a batch body, checked as Graph checks the whole envelope."""
    try:
        payload = json.loads(body or b"null")
    except ValueError:
        raise bad_request("Invalid batch payload format: the body is not JSON.") from None
    requests = payload.get("requests") if isinstance(payload, dict) else None
    if not isinstance(requests, list) or not requests:
        raise bad_request("Invalid batch payload format: 'requests' must be a non-empty list.")
    if len(requests) > MAX_REQUESTS:
        raise bad_request(f"Number of batch request steps ({len(requests)}) exceeds the "
                          f"maximum of {MAX_REQUESTS}.")
    ids: set[str] = set()
    for item in requests:
        if not isinstance(item, dict) or not all(
                isinstance(item.get(k), str) and item.get(k) for k in ("id", "method", "url")):
            raise bad_request("Invalid batch payload format: every request needs a string "
                              "id, method and url.")
        if item["id"] in ids:
            raise bad_request(f"Invalid batch payload format: duplicate request id "
                              f"'{item['id']}'.")
        ids.add(item["id"])
    for item in requests:
        depends = item.get("dependsOn", [])
        if not isinstance(depends, list) or any(d not in ids or d == item["id"]
                                                for d in depends):
            raise bad_request(f"Invalid batch payload format: request '{item['id']}' "
                              "depends on an unknown request.")
    return requests


def _ordered(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Requests in an order where each comes after its dependencies."""
    done: dict[str, dict[str, Any]] = {}
    pending = list(requests)
    while pending:
        ready = [r for r in pending if all(d in done for d in r.get("dependsOn", []))]
        if not ready:
            raise bad_request("Invalid batch payload format: dependsOn forms a cycle.")
        for item in ready:
            done[item["id"]] = item
            pending.remove(item)
    return list(done.values())


def _answer(replay: Replay, version: str, item: dict[str, Any]) -> Reply:
    url = item["url"]
    if urlsplit(url).scheme:
        return _error(replay, GraphError(400, "Batch request URLs must be relative, e.g. "
                                         "'/servicePrincipals'.", "BadRequest"))
    if item["method"].upper() != "GET":
        return _error(replay, GraphError(405))
    split = urlsplit("/" + url.lstrip("/"))
    first = split.path.lstrip("/").split("/", 1)[0]
    if first in VERSIONS:  # the version is the envelope's; Graph reads it as a segment
        return _error(replay, bad_request(f"Resource not found for the segment '{first}'."))
    headers = item.get("headers") if isinstance(item.get("headers"), dict) else {}
    return replay.run_get(version, split.path.lstrip("/"), split.query,
                          {str(k): str(v) for k, v in headers.items()})


def _error(replay: Replay, error: GraphError) -> Reply:
    replay.stats.answered(error.status)
    return Reply(error.status, error_body(error), {"Content-Type": "application/json",
                                                   **error.headers})


def serve_batch(replay: Replay, version: str, body: bytes) -> Reply:
    requests = _items(body)
    status: dict[str, int] = {}
    answers: dict[str, bytes] = {}
    for item in _ordered(requests):
        replay.stats.count(batch_items=1)
        failed = [d for d in item.get("dependsOn", []) if status[d] >= 400]
        if failed:
            reply = _error(replay, GraphError(424, f"Request '{item['id']}' depends on "
                                              f"request '{failed[0]}', which failed."))
        else:
            reply = _answer(replay, version, item)
        status[item["id"]] = reply.status
        # the ids belong to the envelope's answer; an item's headers are its own
        headers = {k: v for k, v in reply.headers.items()
                   if k not in ("request-id", "client-request-id")}
        if reply.content_type.startswith("application/json"):
            body_bytes = reply.body
        else:
            body_bytes = dump(reply.body.decode("utf-8", "replace"))
        answers[item["id"]] = b"".join([
            b'{"id":', dump(item["id"]), b',"status":', str(reply.status).encode(),
            b',"headers":', dump(headers), b',"body":', body_bytes, b"}"])
    # answers in the order of the request; Graph may reorder, readers must match by id
    parts = b",".join(answers[item["id"]] for item in requests)
    return Reply(200, b'{"responses":[' + parts + b"]}", {"Content-Type": JSON_TYPE})
