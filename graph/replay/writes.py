"""PATCH, POST and DELETE on a writable replay: the cleanup endpoints of issue 6.

    PATCH  /{applications|servicePrincipals}/{id}                  accountEnabled, tags, keyCredentials, ...
    POST   /{applications|servicePrincipals}/{id}/removePassword   {"keyId"}
    POST   /applications/{id}/federatedIdentityCredentials        DELETE .../{fid}
    POST   /servicePrincipals/{id}/appRoleAssignments             DELETE .../{aid}
    POST   /oauth2PermissionGrants                                DELETE /oauth2PermissionGrants/{id}
    POST   /{applications|servicePrincipals}/{id}/owners/$ref     DELETE .../owners/{oid}/$ref
    DELETE /applications/{id}                                     POST /directory/deletedItems/{id}/restore

Each write goes through the faults (fail rates, denied prefixes, `deny_writes`, the write
limit), then changes `ReplayState` through its change methods under its lock, so later
list, object, relation and delta reads show it. Every write is counted and logged in
`Stats.write_log` (method, path, status), which tests read to prove nothing ran twice.
A replay that is not writable answers every write 405 with a Graph error body.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from graph.replay import deleted, links, objects
from graph.replay.errors import GraphError
from graph.replay.reply import Reply, error_reply, json_reply

if TYPE_CHECKING:
    from graph.replay.handler import Replay

_ID = r"([^/]+)"
_PARENT = r"(applications|servicePrincipals)"
Handler = Callable[..., Reply]


def _no_content() -> Reply:
    return Reply(204, b"", {})


def _created(replay: Replay, entity: str, obj: dict[str, Any]) -> Reply:
    body = {"@odata.context": f"{replay.base_url}/v1.0/$metadata#{entity}/$entity", **obj}
    return json_reply(body, 201)


def _patch(replay: Replay, body: bytes, parent: str, object_id: str) -> Reply:
    objects.patch(replay.state, parent, object_id, body)
    return _no_content()


def _remove_password(replay: Replay, body: bytes, parent: str, object_id: str) -> Reply:
    objects.remove_password(replay.state, parent, object_id, body)
    return _no_content()


def _delete_application(replay: Replay, body: bytes, app_id: str) -> Reply:
    deleted.delete_application(replay.state, app_id)
    return _no_content()


def _restore(replay: Replay, body: bytes, object_id: str) -> Reply:
    return deleted.restore(replay.state, object_id, replay.base_url)


def _add_federated(replay: Replay, body: bytes, app_id: str) -> Reply:
    new = links.add_federated(replay.state, app_id, body)
    return _created(replay, f"applications('{app_id}')/federatedIdentityCredentials", new)


def _remove_federated(replay: Replay, body: bytes, app_id: str, fic_id: str) -> Reply:
    links.remove_federated(replay.state, app_id, fic_id)
    return _no_content()


def _add_assignment(replay: Replay, body: bytes, sp_id: str) -> Reply:
    new = links.add_assignment(replay.state, sp_id, body)
    return _created(replay, f"servicePrincipals('{sp_id}')/appRoleAssignments", new)


def _remove_assignment(replay: Replay, body: bytes, sp_id: str, assignment_id: str) -> Reply:
    links.remove_assignment(replay.state, sp_id, assignment_id)
    return _no_content()


def _add_grant(replay: Replay, body: bytes) -> Reply:
    return _created(replay, "oauth2PermissionGrants", links.add_grant(replay.state, body))


def _remove_grant(replay: Replay, body: bytes, grant_id: str) -> Reply:
    links.remove_grant(replay.state, grant_id)
    return _no_content()


def _add_owner(replay: Replay, body: bytes, parent: str, object_id: str) -> Reply:
    links.add_owner(replay.state, parent, object_id, body)
    return _no_content()


def _remove_owner(replay: Replay, body: bytes, parent: str, object_id: str,
                  owner_id: str) -> Reply:
    links.remove_owner(replay.state, parent, object_id, owner_id)
    return _no_content()


ROUTES: list[tuple[str, re.Pattern[str], Handler]] = [
    ("PATCH", re.compile(rf"^{_PARENT}/{_ID}$"), _patch),
    ("DELETE", re.compile(rf"^(?:applications)/{_ID}$"), _delete_application),
    ("POST", re.compile(rf"^{_PARENT}/{_ID}/removePassword$"), _remove_password),
    ("POST", re.compile(rf"^applications/{_ID}/federatedIdentityCredentials$"), _add_federated),
    ("DELETE", re.compile(rf"^applications/{_ID}/federatedIdentityCredentials/{_ID}$"),
     _remove_federated),
    ("POST", re.compile(rf"^servicePrincipals/{_ID}/appRoleAssignments$"), _add_assignment),
    ("DELETE", re.compile(rf"^servicePrincipals/{_ID}/appRoleAssignments/{_ID}$"),
     _remove_assignment),
    ("POST", re.compile(r"^oauth2PermissionGrants$"), _add_grant),
    ("DELETE", re.compile(rf"^oauth2PermissionGrants/{_ID}$"), _remove_grant),
    ("POST", re.compile(rf"^{_PARENT}/{_ID}/owners/\$ref$"), _add_owner),
    ("DELETE", re.compile(rf"^{_PARENT}/{_ID}/owners/{_ID}/\$ref$"), _remove_owner),
    ("POST", re.compile(rf"^directory/deletedItems/{_ID}/restore$"), _restore),
]


def _route(method: str, path: str) -> tuple[Handler, tuple[str, ...]]:
    path = path.strip("/")
    matched_path = False
    for verb, pattern, handler in ROUTES:
        m = pattern.match(path)
        if m:
            matched_path = True
            if verb == method:
                return handler, m.groups()
    if matched_path:
        raise GraphError(405)
    raise GraphError(405, f"The replay does not support {method} on '/{path}' (it implements "
                     "the cleanup writes of wlx only).")


def serve_write(replay: Replay, method: str, version: str, path: str, query: str,
                body: bytes, request_id: str, client_id: str) -> Reply:
    """One top-level write: refuse, fail or apply it, count it and log it."""
    stats = replay.stats
    stats.count(writes=1)
    try:
        if not replay.writable:
            raise GraphError(405, "This replay is read-only: start it with `wlx serve "
                             "--writable` to accept writes.", "Request_BadRequest")
        handler, args = _route(method, path)
        fault = replay.injector.check_write(method, version, path.strip("/"), query)
        if fault is not None:
            raise fault
        with replay.state.lock:
            reply = handler(replay, body, *args)
    except GraphError as error:
        reply = error_reply(error, request_id, client_id)
    except Exception:  # a replay bug must not kill the server: answer like Graph's 500
        traceback.print_exc()
        reply = error_reply(GraphError(500, "The replay failed on this request.",
                                       "InternalServerError"), request_id, client_id)
    stats.answered(reply.status)
    with stats.lock:
        stats.write_log.append({"method": method, "path": f"/{version}/{path.strip('/')}",
                                "status": reply.status})
    reply.headers.update({"request-id": request_id, "client-request-id": client_id or request_id})
    return reply
