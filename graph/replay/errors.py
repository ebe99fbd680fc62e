"""Graph-shaped error answers: the status, code and message Microsoft Graph would send.

Every refusal of the replay is a `GraphError` raised where the problem is found and
turned into `{"error": {"code", "message", "innerError": {...}}}` by the handler, so the
reader meets the same bodies as against the real service.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

DEFAULT_CODES = {
    400: "BadRequest",
    403: "Authorization_RequestDenied",
    404: "Request_ResourceNotFound",
    405: "Request_BadRequest",
    410: "syncStateNotFound",
    424: "FailedDependency",
    429: "TooManyRequests",
    503: "serviceNotAvailable",
}
DEFAULT_MESSAGES = {
    400: "Bad request.",
    403: "Insufficient privileges to complete the operation.",
    404: "Resource not found.",
    405: "Specified HTTP method is not allowed for the request target.",
    424: "The request depends on a request that failed.",
    429: "Please retry again later.",  # Graph's words ([TH])
    503: "The service is temporarily unavailable. Please retry.",
}


class GraphError(Exception):
    """A refusal as Graph sends it: status, code, message and extra headers."""

    def __init__(self, status: int, message: str = "", code: str = "",
                 headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.code = code or DEFAULT_CODES.get(status, "UnknownError")
        self.message = message or DEFAULT_MESSAGES.get(status, "Request failed.")
        self.headers = dict(headers or {})
        super().__init__(f"{status} {self.code}: {self.message}")


def bad_request(message: str, code: str = "BadRequest") -> GraphError:
    return GraphError(400, message, code)


def not_found(message: str = "") -> GraphError:
    return GraphError(404, message or "Resource does not exist or one of its queried "
                      "reference-property objects are not present.", "Request_ResourceNotFound")


def error_body(error: GraphError, request_id: str = "", client_request_id: str = "") -> bytes:
    """The JSON body of an error answer; the ids let an admin quote it like a real one."""
    request_id = request_id or str(uuid.uuid4())
    inner = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        "request-id": request_id,
        "client-request-id": client_request_id or request_id,
    }
    body = {"error": {"code": error.code, "message": error.message, "innerError": inner}}
    return json.dumps(body).encode()
