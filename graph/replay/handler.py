"""The replay Graph's front door: one request in, one `Reply` out, whatever carries it.

`Replay.handle(method, target, headers, body)` routes `/<version>/<path>?<query>`:
`POST /v1.0/$batch` to `batch`, every GET (top-level or a batch item) through
`run_get`: parse the OData options, charge resource units, let `FaultInjector` fail it,
then answer from `resources` (`directory/deletedItems` from `deleted`). PATCH, POST and
DELETE go to `writes` when the replay is writable, and answer 405 otherwise.
`GET /_wlx/stats` returns the counters as JSON (not counted).
Added latency is the carrier's job (asyncio sleep in the transport, a thread sleep in the
server), so it never blocks an event loop.
The replay ignores authentication (it only listens on loopback) and never echoes an
`Authorization` header.
"""

from __future__ import annotations

import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from graph.replay import batch, deleted, resources, writes
from graph.replay.errors import GraphError, bad_request
from graph.replay.faults import FaultInjector, Faults, Stats, units_for
from graph.replay.listing import Request
from graph.replay.query import Query
from graph.replay.reply import Reply, error_reply, json_reply
from graph.replay.state import ReplayState

VERSIONS = ("v1.0", "beta")
DEFAULT_BASE = "https://graph.microsoft.com"


class Replay:
    """A Graph stand-in over one `ReplayState`, with its faults and counters."""

    def __init__(self, state: ReplayState, faults: Faults | None = None,
                 base_url: str = DEFAULT_BASE,
                 clock: Callable[[], float] = time.monotonic, writable: bool = False) -> None:
        self.state = state
        self.writable = writable  # read-only unless asked: writes answer 405
        self.faults = faults or Faults()
        self.stats = Stats()
        self.injector = FaultInjector(self.faults, self.stats, clock, state.tenant_id)
        self.base_url = base_url.rstrip("/")

    @property
    def latency(self) -> float:
        """Seconds to add to each top-level request."""
        return max(self.faults.latency_ms, 0) / 1000

    def handle(self, method: str, target: str, headers: Mapping[str, str],
               body: bytes = b"") -> Reply:
        """Answer one HTTP request; `target` is the path with its query string."""
        lower = {k.lower(): v for k, v in headers.items() if k.lower() != "authorization"}
        client_id = lower.get("client-request-id", "")
        request_id = str(uuid.uuid4())
        split = urlsplit(target)
        path = split.path
        if path.rstrip("/") == "/_wlx/stats":
            return json_reply(self.stats.snapshot())
        self.stats.count(requests=1)
        try:
            version, _, rest = path.lstrip("/").partition("/")
            if version not in VERSIONS:
                raise bad_request(f"Invalid version: {version or '(none)'}.")
            if rest == "$batch":
                if method != "POST":
                    raise GraphError(405)
                self.stats.count(batches=1)
                reply = batch.serve_batch(self, version, body)
            elif method != "GET":
                return writes.serve_write(self, method, version, rest, split.query, body,
                                          request_id, client_id)
            else:
                return self.run_get(version, rest, split.query, lower, request_id, client_id)
        except GraphError as error:
            reply = error_reply(error, request_id, client_id)
        except Exception:  # a replay bug must not kill the server: answer like Graph's 500
            reply = _internal_error(request_id, client_id)
        self.stats.answered(reply.status)
        reply.headers.update(_ids(request_id, client_id))
        return reply

    def run_get(self, version: str, path: str, query_string: str,
                headers: Mapping[str, str], request_id: str = "",
                client_id: str = "") -> Reply:
        """One GET, top-level or inside a $batch: faults, units, then the answer."""
        request_id = request_id or str(uuid.uuid4())
        charged = 0  # units spent once the request passed faults and limits
        extra: dict[str, str] = {}
        try:
            query = Query.parse(query_string)
            units = units_for(path, query)
            fault, extra = self.injector.check("GET", version, path, query_string, units,
                                               query)
            if fault is not None:
                raise fault
            charged = units
            req = Request(version, path.strip("/"), query, self.base_url,
                          {k.lower(): v for k, v in headers.items()})
            with self.state.lock:  # tests and writes change the state meanwhile
                if req.path.split("/", 1)[0] == "directory":
                    reply = deleted.get(self.state, req)
                else:
                    reply = resources.get(self.state, req)
        except GraphError as error:
            reply = error_reply(error, request_id, client_id)
        except Exception:  # a replay bug must not kill the server: answer like Graph's 500
            reply = _internal_error(request_id, client_id)
        # every metered answer says what it cost, a refusal after metering (404) included
        reply.units = charged
        if charged:
            reply.headers["x-ms-resource-unit"] = str(charged)
            reply.headers.update(extra)
        self.stats.answered(reply.status)
        reply.headers.update(_ids(request_id, client_id))
        return reply


def _internal_error(request_id: str, client_id: str) -> Reply:
    traceback.print_exc()  # the replay's own bug: show it where the server runs
    return error_reply(GraphError(500, "The replay failed on this request.",
                                  "InternalServerError"), request_id, client_id)


def _ids(request_id: str, client_id: str) -> dict[str, str]:
    return {"request-id": request_id, "client-request-id": client_id or request_id}
