"""Writes to the relations of an object: federated credentials, app role assignments,
delegated permission grants and owners. Adding answers 201 with the new object (204 for
an owner `$ref`), removing answers 204; an unknown item 404, a bad body 400, a duplicate
400 (409 for a grant), as Graph does.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

from graph.replay import audit
from graph.replay.errors import GraphError, bad_request, not_found
from graph.replay.objects import json_body, refuse_managed_identity, require
from graph.replay.state import ReplayState

MAX_FEDERATED = 20  # per application (GRAPH-FACTS.md)
GRANTS = "v1.0/oauth2PermissionGrants"
_FIC_FIELDS = ("name", "issuer", "subject", "audiences", "description",
               "claimsMatchingExpression")


def _items(state: ReplayState, parent: str, object_id: str, name: str) -> list[Any]:
    return list(state.relation(f"v1.0/{parent}/{object_id}/{name}") or [])


def _missing(what: str, item_id: str) -> GraphError:
    return not_found(f"{what} '{item_id}' does not exist or one of its queried "
                     "reference-property objects are not present.")


def _body_object(body: bytes, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The body as a JSON object holding a non-empty string for each `required` name."""
    payload = json_body(body)
    if not isinstance(payload, dict):
        raise bad_request("The request body must be a JSON object.")
    for field in required:
        if not isinstance(payload.get(field), str) or not payload[field].strip():
            raise bad_request(f"Property '{field}' is required.", "Request_BadRequest")
    return payload


# -- federated identity credentials ------------------------------------------------

def add_federated(state: ReplayState, app_id: str, body: bytes) -> dict[str, Any]:
    require(state, "applications", app_id)
    payload = _body_object(body, ("name", "issuer"))
    unknown = set(payload) - set(_FIC_FIELDS) - {"id", "@odata.type"}
    if unknown:
        raise bad_request(f"Property '{sorted(unknown)[0]}' does not exist on type "
                          "'microsoft.graph.federatedIdentityCredential'.")
    if not payload.get("subject") and not payload.get("claimsMatchingExpression"):
        raise bad_request("Property 'subject' is required.", "Request_BadRequest")
    audiences = payload.get("audiences")
    if not isinstance(audiences, list) or len(audiences) != 1 or \
            not isinstance(audiences[0], str):
        raise bad_request("Property 'audiences' must hold exactly one audience.")
    items = _items(state, "applications", app_id, "federatedIdentityCredentials")
    if any(isinstance(i, dict) and str(i.get("name", "")).lower() == payload["name"].lower()
           for i in items):
        raise bad_request(f"A federated identity credential named '{payload['name']}' "
                          "already exists on this application.", "Request_BadRequest")
    if len(items) >= MAX_FEDERATED:
        raise bad_request(f"An application holds at most {MAX_FEDERATED} federated identity "
                          "credentials.", "Request_BadRequest")
    new = {"id": str(uuid.uuid4()), **{k: payload.get(k) for k in _FIC_FIELDS
                                        if k in payload}}
    new.setdefault("description", None)
    state.set_relation(f"v1.0/applications/{app_id}/federatedIdentityCredentials",
                       [*items, new])
    audit.record(state, "Update application", "applications", app_id,
                 {"FederatedIdentityCredentials": (None, [new])})
    return new


def remove_federated(state: ReplayState, app_id: str, fic_id: str) -> None:
    require(state, "applications", app_id)
    items = _items(state, "applications", app_id, "federatedIdentityCredentials")
    kept = [i for i in items if not (isinstance(i, dict) and i.get("id") == fic_id)]
    if len(kept) == len(items):
        raise _missing("Federated identity credential", fic_id)
    state.set_relation(f"v1.0/applications/{app_id}/federatedIdentityCredentials", kept)
    gone = next(i for i in items if isinstance(i, dict) and i.get("id") == fic_id)
    audit.record(state, "Update application", "applications", app_id,
                 {"FederatedIdentityCredentials": ([gone], None)})


# -- app role assignments (application permissions) ----------------------------------

def _assignment_id() -> str:
    return base64.urlsafe_b64encode(uuid.uuid4().bytes + uuid.uuid4().bytes[:16]) \
        .decode().rstrip("=")


def add_assignment(state: ReplayState, sp_id: str, body: bytes) -> dict[str, Any]:
    principal = require(state, "servicePrincipals", sp_id)
    payload = _body_object(body, ("principalId", "resourceId", "appRoleId"))
    if payload["principalId"] != sp_id:
        raise bad_request("The principalId must be the service principal in the URL.")
    resource = state.collection("v1.0/servicePrincipals").get(payload["resourceId"])
    if not isinstance(resource, dict):
        raise _missing("Resource", payload["resourceId"])
    roles = {r.get("id") for r in resource.get("appRoles") or [] if isinstance(r, dict)}
    default = "00000000-0000-0000-0000-000000000000"
    if payload["appRoleId"] != default and payload["appRoleId"] not in roles:
        raise bad_request("Permission being assigned was not found on application",
                          "Request_BadRequest")
    items = _items(state, "servicePrincipals", sp_id, "appRoleAssignments")
    for item in items:
        if isinstance(item, dict) and (item.get("resourceId"), item.get("appRoleId")) == \
                (payload["resourceId"], payload["appRoleId"]):
            raise bad_request("Permission being assigned already exists on the object",
                              "Request_BadRequest")
    new = {"id": _assignment_id(), "deletedDateTime": None, "appRoleId": payload["appRoleId"],
           "createdDateTime": audit.utc_now(), "principalDisplayName":
           principal.get("displayName"), "principalId": sp_id,
           "principalType": "ServicePrincipal", "resourceDisplayName":
           resource.get("displayName"), "resourceId": payload["resourceId"]}
    state.set_relation(f"v1.0/servicePrincipals/{sp_id}/appRoleAssignments", [*items, new])
    audit.record(state, "Add app role assignment to service principal", "servicePrincipals",
                 sp_id, {"AppRole.Id": (None, new["appRoleId"])}, "Assign")
    return new


def remove_assignment(state: ReplayState, sp_id: str, assignment_id: str) -> None:
    require(state, "servicePrincipals", sp_id)
    items = _items(state, "servicePrincipals", sp_id, "appRoleAssignments")
    kept = [i for i in items if not (isinstance(i, dict) and i.get("id") == assignment_id)]
    if len(kept) == len(items):
        raise _missing("App role assignment", assignment_id)
    state.set_relation(f"v1.0/servicePrincipals/{sp_id}/appRoleAssignments", kept)
    audit.record(state, "Remove app role assignment from service principal",
                 "servicePrincipals", sp_id, None, "Unassign")


# -- delegated permission grants --------------------------------------------------

def add_grant(state: ReplayState, body: bytes) -> dict[str, Any]:
    payload = _body_object(body, ("clientId", "consentType", "resourceId"))
    if payload["consentType"] not in ("AllPrincipals", "Principal"):
        raise bad_request("consentType must be AllPrincipals or Principal.")
    principal_id = payload.get("principalId")
    if (payload["consentType"] == "Principal") != bool(principal_id):
        raise bad_request("principalId is required for consentType Principal, and only then.")
    sps = state.collection("v1.0/servicePrincipals")
    for field in ("clientId", "resourceId"):
        if sps is None or sps.get(payload[field]) is None:
            raise _missing("Service principal", payload[field])
    grants = state.collection(GRANTS)
    for grant in (grants.objects.values() if grants else []):
        if isinstance(grant, dict) and all(grant.get(k) == payload.get(k) for k in
                                           ("clientId", "resourceId", "consentType")) \
                and grant.get("principalId") == principal_id:
            raise GraphError(409, "Permission entry already exists.",
                             "Request_MultipleObjectsWithSameKeyValue")
    new = {"id": _assignment_id(), "clientId": payload["clientId"],
           "consentType": payload["consentType"], "principalId": principal_id,
           "resourceId": payload["resourceId"], "scope": str(payload.get("scope") or "")}
    state.add(GRANTS, new)
    audit.record(state, "Add delegated permission grant", "servicePrincipals",
                 payload["clientId"], {"DelegatedPermissionGrant.Scope": (None, new["scope"])},
                 "Assign")
    return new


def remove_grant(state: ReplayState, grant_id: str) -> None:
    grants = state.collection(GRANTS)
    grant = grants.get(grant_id) if grants is not None else None
    if not isinstance(grant, dict):
        raise _missing("Permission grant", grant_id)
    state.remove(grant_id, "deleted")
    audit.record(state, "Remove delegated permission grant", "servicePrincipals",
                 str(grant.get("clientId")), {"DelegatedPermissionGrant.Scope":
                                              (grant.get("scope"), None)}, "Unassign")


# -- owners -----------------------------------------------------------------------

def _directory_object(state: ReplayState, object_id: str) -> dict[str, Any] | None:
    """A user, group or service principal the tenant knows, as owners lists carry it."""
    sps = state.collection("v1.0/servicePrincipals")
    sp = sps.get(object_id) if sps is not None else None
    if isinstance(sp, dict):
        return {"@odata.type": "#microsoft.graph.servicePrincipal", "id": object_id,
                "displayName": sp.get("displayName"), "appId": sp.get("appId")}
    for path, items in state.relations.items():
        if path.endswith("/owners") or path.endswith("/memberOf"):
            for item in items:
                if isinstance(item, dict) and item.get("id") == object_id:
                    return dict(item)
    return state.removed_owners.get(object_id)


def add_owner(state: ReplayState, parent: str, object_id: str, body: bytes) -> None:
    obj = require(state, parent, object_id)
    if parent == "servicePrincipals":
        refuse_managed_identity(obj)
    payload = _body_object(body)
    ref = payload.get("@odata.id")
    if not isinstance(ref, str) or "/" not in ref:
        raise bad_request("The request body needs '@odata.id': "
                          "'https://graph.microsoft.com/v1.0/directoryObjects/{id}'.")
    owner_id = ref.rstrip("/").rsplit("/", 1)[1]
    owner = _directory_object(state, owner_id)
    if owner is None:
        raise _missing("Resource", owner_id)
    items = _items(state, parent, object_id, "owners")
    if any(isinstance(i, dict) and i.get("id") == owner_id for i in items):
        raise bad_request("One or more added object references already exist for the "
                          "following modified properties: 'owners'.", "Request_BadRequest")
    state.set_relation(f"v1.0/{parent}/{object_id}/owners", [*items, owner])
    activity = "Add owner to application" if parent == "applications" else \
        "Add owner to service principal"
    audit.record(state, activity, parent, object_id, {"Owner.ObjectID": (None, owner_id)},
                 "Assign")


def remove_owner(state: ReplayState, parent: str, object_id: str, owner_id: str) -> None:
    obj = require(state, parent, object_id)
    if parent == "servicePrincipals":
        refuse_managed_identity(obj)
    items = _items(state, parent, object_id, "owners")
    kept = [i for i in items if not (isinstance(i, dict) and i.get("id") == owner_id)]
    if len(kept) == len(items):
        raise _missing("Owner", owner_id)
    gone = next(i for i in items if isinstance(i, dict) and i.get("id") == owner_id)
    state.removed_owners[owner_id] = dict(gone)  # the user still exists: it can come back
    state.set_relation(f"v1.0/{parent}/{object_id}/owners", kept)
    activity = "Remove owner from application" if parent == "applications" else \
        "Remove owner from service principal"
    audit.record(state, activity, parent, object_id, {"Owner.ObjectID": (owner_id, None)},
                 "Unassign")
