"""Soft delete and restore, and `directory/deletedItems`, as Graph keeps them.

`DELETE /applications/{id}` moves the application to deleted items for 30 days, and its
service principal in this tenant with it; delta reports both as removed with reason
`changed` (restorable). `POST /directory/deletedItems/{id}/restore` brings one object back
(200 with the object); restoring an application does not restore its service principal,
which is restored on its own (Graph's documented behaviour), and a service principal can
only come back after its application. Relations (owners, federated credentials,
assignments) stay with the object and come back with it.
Reads: `GET /directory/deletedItems/microsoft.graph.application` (and
`microsoft.graph.servicePrincipal`) list them, with `$filter`, `$select` and paging;
`GET /directory/deletedItems/{id}` reads one.
"""

from __future__ import annotations

from typing import Any

from graph.replay import audit
from graph.replay.errors import bad_request, not_found
from graph.replay.listing import Request, serve_list, serve_object
from graph.replay.objects import require
from graph.replay.reply import Reply, json_reply
from graph.replay.state import Collection, ReplayState

CASTS = {"microsoft.graph.application": "application",
         "microsoft.graph.serviceprincipal": "servicePrincipal"}
COLLECTIONS = {"application": "v1.0/applications", "servicePrincipal": "v1.0/servicePrincipals"}


def _deleted_entry(obj: dict[str, Any], type_name: str, stamp: str) -> dict[str, Any]:
    return {"type": type_name, "object": {**obj, "deletedDateTime": stamp}}


def delete_application(state: ReplayState, app_id: str) -> None:
    app = require(state, "applications", app_id)
    stamp = audit.utc_now()
    audit.record(state, "Delete application", "applications", app_id, None, "Delete")
    state.deleted[app_id] = _deleted_entry(app, "application", stamp)
    state.remove(app_id, "changed")
    sps = state.collection(COLLECTIONS["servicePrincipal"])
    app_id_value = app.get("appId")
    for sp_id, sp in list(sps.objects.items()) if sps is not None and app_id_value else []:
        if isinstance(sp, dict) and sp.get("appId") == app_id_value:
            audit.record(state, "Delete service principal", "servicePrincipals", sp_id, None,
                         "Delete")
            state.deleted[sp_id] = _deleted_entry(sp, "servicePrincipal", stamp)
            state.remove(sp_id, "changed")


def restore(state: ReplayState, object_id: str, base: str) -> Reply:
    entry = state.deleted.get(object_id)
    if entry is None:
        raise not_found(f"Resource '{object_id}' does not exist or one of its queried "
                        "reference-property objects are not present.")
    obj = {**entry["object"], "deletedDateTime": None}
    type_name = entry["type"]
    if type_name == "servicePrincipal":
        apps = state.collection(COLLECTIONS["application"])
        app_deleted = any(d["type"] == "application" and d["object"].get("appId") ==
                          obj.get("appId") for d in state.deleted.values())
        if app_deleted and apps is not None:
            raise bad_request("The application of this service principal is deleted: restore "
                              "the application first.", "Request_BadRequest")
    del state.deleted[object_id]
    state.add(COLLECTIONS[type_name], obj)
    parent = "applications" if type_name == "application" else "servicePrincipals"
    activity = "Restore application" if type_name == "application" else \
        "Restore service principal"
    audit.record(state, activity, parent, object_id, None, "Restore")
    body = {"@odata.context": f"{base}/v1.0/$metadata#directoryObjects/$entity",
            "@odata.type": f"#microsoft.graph.{type_name}", **obj}
    return json_reply(body)


def get(state: ReplayState, req: Request) -> Reply:
    """GETs under `directory/`: the deleted items lists and objects."""
    segments = req.path.split("/")
    if len(segments) < 3 or segments[1] != "deletedItems":
        raise bad_request(f"Resource not found for the segment "
                          f"'{segments[1] if len(segments) > 1 else 'directory'}'.")
    name = segments[2]
    if len(segments) == 3 and name.lower() in CASTS:
        type_name = CASTS[name.lower()]
        items = [d["object"] for d in state.deleted.values() if d["type"] == type_name]
        coll = Collection(f"{req.version}/{req.path}", items)
        return serve_list(state, req, coll, f"directory/deletedItems/{name}", cache=False)
    if len(segments) == 3:
        entry = state.deleted.get(name)
        if entry is None:
            raise not_found(f"Resource '{name}' does not exist or one of its queried "
                            "reference-property objects are not present.")
        obj = {"@odata.type": f"#microsoft.graph.{entry['type']}", **entry["object"]}
        return serve_object(req, obj, "directoryObjects")
    raise bad_request(f"Resource not found for the segment '{segments[-1]}'.")
