"""Which recorded data a GET path names, and Graph's answer when it is not there.

Paths (after `/v1.0/` or `/beta/`): a recorded collection; `<collection>/{id}`;
`<collection>/{id}/<relation>` (owners, federatedIdentityCredentials, appRoleAssignments,
memberOf, and `appRoleAssignedTo` derived from everyone's appRoleAssignments);
`<collection>/$count`, `users/$count`; `applications/delta`, `servicePrincipals/delta`.
A beta path falls back to the v1.0 data when the recording has no beta copy.
A data kind the recording marks unavailable answers as Graph did (403, or what a beta
report answers without a licence); a kind never read answers 403.
`$select` names are checked against the v1.0 type (`schema`); sign-ins without an
event-type filter are interactive user sign-ins only, as on Graph.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from graph.replay import delta
from graph.replay.errors import GraphError, bad_request, not_found
from graph.replay.filters import Filter
from graph.replay.listing import Request, matching_keys, serve_list, serve_object
from graph.replay.reply import Reply, text_reply
from graph.replay.schema import check_select
from graph.replay.state import Collection, ReplayState, kind_for_path
from models.recording import KIND_BY_NAME, DataKind, Unavailable

DELTA_NAMES = {"delta", "delta()", "microsoft.graph.delta", "microsoft.graph.delta()"}
# what the relation names of each collection are, for $expand and for 400s on typos
RELATIONS = {
    "applications": ("owners", "federatedIdentityCredentials"),
    "servicePrincipals": ("owners", "appRoleAssignments", "memberOf", "appRoleAssignedTo"),
}
TYPE_NAMES = {"applications": "application", "servicePrincipals": "servicePrincipal"}
# what Graph answers for data a tenant is not licensed for, when the recording kept no reason
_LICENCE = ("Authentication_RequestFromNonPremiumTenantOrB2CTenant",
            "Neither tenant is B2C or tenant doesn't have premium license")
_CODE = re.compile(r"^([A-Za-z_][A-Za-z0-9_.]*):\s*(.*)$", re.S)


def unavailable_error(kind: DataKind, why: Unavailable | None) -> GraphError:
    """Graph's refusal for a data kind the recording could not read."""
    if why is None:
        return GraphError(403, f"Insufficient privileges to complete the operation "
                          f"(this recording has no {kind.name}; it needs {kind.permission}).",
                          "Authorization_RequestDenied")
    status = why.status or 403
    m = _CODE.match(why.reason or "")
    if m:
        return GraphError(status, m.group(2) or "", m.group(1))
    if kind.beta and status == 403 and not why.reason:
        return GraphError(403, _LICENCE[1], _LICENCE[0])
    return GraphError(status, why.reason or "")


def _check_kind(state: ReplayState, version: str, path: str) -> None:
    """Raise Graph's refusal when the data kind at this path was not read."""
    kind = kind_for_path(f"{version}/{path}") or kind_for_path(_v1(version, path))
    if kind is None:
        return
    if kind.name in state.unavailable:
        raise unavailable_error(kind, state.unavailable[kind.name])
    if kind.name not in state.kinds_read:
        raise unavailable_error(kind, None)


def _v1(version: str, path: str) -> str:
    return f"v1.0/{path}" if version == "beta" else f"{version}/{path}"


def _collection(state: ReplayState, version: str, path: str) -> Collection | None:
    return state.collection(f"{version}/{path}") or state.collection(_v1(version, path))


def _segment_error(segment: str) -> GraphError:
    return bad_request(f"Resource not found for the segment '{segment}'.")


def relation_items(state: ReplayState, version: str, parent: str, object_id: str,
                   name: str) -> list[Any]:
    """Items of `<parent>/{id}/<name>`; raises what Graph would for a missing kind."""
    if name not in RELATIONS.get(parent, ()):
        raise bad_request(f"Could not find a property named '{name}' on type "
                          f"'microsoft.graph.{TYPE_NAMES.get(parent, parent)}'.")
    path = f"{version}/{parent}/{object_id}/{name}"
    v1_path = _v1(version, f"{parent}/{object_id}/{name}")
    if name == "appRoleAssignedTo":
        _check_kind(state, version, f"{parent}/{object_id}/appRoleAssignments")
        recorded = state.relation(path)
        recorded = recorded if recorded is not None else state.relation(v1_path)
        return recorded if recorded is not None else state.assigned_to(object_id)
    _check_kind(state, version, f"{parent}/{object_id}/{name}")
    items = state.relation(path)
    if items is None:
        items = state.relation(v1_path)
    return items if items is not None else []


def get(state: ReplayState, req: Request) -> Reply:
    """Answer one GET as Graph would; raises GraphError for every refusal."""
    segments = req.path.split("/")
    if not req.path or "" in segments:
        raise bad_request("Invalid request: empty path segment.")
    req.query.select = check_select(req.version, req.path, req.query.select)
    if segments[-2:] == ["auditLogs", "signIns"]:
        req.query.filter = _sign_in_filter(req.query.filter)
    if segments[-1] == "$count":
        return _count(state, req, segments[:-1])
    if len(segments) == 2 and segments[1] in DELTA_NAMES:
        coll = _collection(state, req.version, segments[0])
        if segments[0] not in RELATIONS:
            raise _segment_error(segments[1])
        _check_kind(state, req.version, segments[0])
        if coll is None:
            raise unavailable_error(KIND_BY_NAME[segments[0]], None)
        return delta.serve_delta(state, req, coll, segments[0])
    full = f"{req.version}/{req.path}"
    _check_kind(state, req.version, req.path)
    coll = _collection(state, req.version, req.path)
    if coll is not None:
        lookup = _expander(state, req, segments[0]) if len(segments) == 1 else None
        return serve_list(state, req, coll, req.path, lookup)
    value = state.values.get(full, state.values.get(_v1(req.version, req.path)))
    if value is not None:
        return text_reply(str(value)) if not isinstance(value, (dict, list)) else \
            serve_object(req, value, req.path)
    if len(segments) == 2:
        obj = _object(state, req.version, segments[0], segments[1])
        return serve_object(req, obj, segments[0], _expander(state, req, segments[0]))
    if len(segments) == 3:
        items = _relation(state, req.version, segments)
        entity = ("directoryObjects" if segments[2] in ("owners", "memberOf")
                  else f"{segments[0]}('{segments[1]}')/{segments[2]}")
        return serve_list(state, req, Collection(full, items), entity, cache=False)
    raise _segment_error(segments[-1])


def _sign_in_filter(flt: Filter | None) -> Filter:
    """Sign-ins without an event-type filter are interactive user sign-ins only ([ENT]):
    service principal and managed identity ones need `signInEventTypes/any(...)`."""
    if flt is not None and "signineventtypes" in flt.text.lower():
        return flt

    def interactive(obj: Any) -> bool:
        types = obj.get("signInEventTypes") if isinstance(obj, dict) else None
        # a row without the property predates event types: an interactive user sign-in
        return not types or (isinstance(types, list) and "interactiveUser" in types)
    if flt is None:
        return Filter("(interactiveUser only)", interactive, False)
    inner = flt.match
    return Filter(f"(interactiveUser only) and ({flt.text})",
                  lambda o: interactive(o) and inner(o), flt.advanced)


def _object(state: ReplayState, version: str, parent: str, object_id: str) -> Any:
    """`<parent>/{id}`: the object, or Graph's 404 (or the parent kind's refusal)."""
    _check_kind(state, version, parent)
    collection = _collection(state, version, parent)
    if collection is None:
        if parent in RELATIONS:
            raise unavailable_error(KIND_BY_NAME[parent], None)
        raise _segment_error(parent)
    obj = collection.get(object_id)
    if obj is None:
        raise not_found(f"Resource '{object_id}' does not exist or one of its queried "
                        "reference-property objects are not present.")
    return obj


def _relation(state: ReplayState, version: str, segments: list[str]) -> list[Any]:
    """`<parent>/{id}/<relation>` addressed by path: its items, 404 or Graph's 400."""
    parent, object_id, name = segments
    _object(state, version, parent, object_id)
    if name not in RELATIONS.get(parent, ()):
        raise _segment_error(name)
    return relation_items(state, version, parent, object_id, name)


def _expander(state: ReplayState, req: Request, parent: str) -> Any:
    if parent not in RELATIONS:
        return None
    for exp in req.query.expand:  # a typo fails the whole request before any work
        if exp.name not in RELATIONS[parent]:
            raise bad_request(f"Could not find a property named '{exp.name}' on type "
                              f"'microsoft.graph.{TYPE_NAMES[parent]}'.")
    return lambda object_id, name: relation_items(state, req.version, parent, object_id, name)


def _count(state: ReplayState, req: Request, segments: list[str]) -> Reply:
    """`/users/$count` and `/<collection>/$count`: a plain-text number."""
    if not req.eventual:  # Graph's words, docs/graph-protocol.md §1.8
        raise bad_request("$count is not currently supported.", "Request_BadRequest")
    path = "/".join(segments)
    if path == "users":
        kind = KIND_BY_NAME["userCount"]
        if kind.name in state.unavailable:
            raise unavailable_error(kind, state.unavailable[kind.name])
        value = state.values.get(f"{req.version}/users/$count",
                                 state.values.get("v1.0/users/$count"))
        if not isinstance(value, int):
            raise not_found("The number of users was not recorded.")
        return text_reply(str(value))
    # the $count segment counts like `$count=true` (advanced filters allowed)
    sub = Request(req.version, path, replace(req.query, count=True), req.base, req.headers)
    _check_kind(state, req.version, path)
    coll = _collection(state, req.version, path)
    if coll is None and len(segments) == 3:
        coll = Collection(f"{req.version}/{path}", _relation(state, req.version, segments))
    if coll is None:
        raise _segment_error(segments[-1] if segments else "$count")
    return text_reply(str(len(matching_keys(state, sub, coll, cache=False))))
