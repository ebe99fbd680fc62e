"""Writes to application and service principal objects: PATCH and `removePassword`.

What Graph checks and the replay checks too: the body is a JSON object; a property the
type does not have, or one that is read-only, answers 400; `passwordCredentials` cannot
be PATCHed (addPassword / removePassword); `keyCredentials` replaces the whole list and
every item needs its public `key` (callers GET with `$select=keyCredentials` first);
`customSecurityAttributes` merges per attribute set and a null value removes an
attribute. Managed identity service principals are Azure's: changes answer 403.
Successful PATCH and removePassword answer 204 No Content.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from graph.replay import audit
from graph.replay.errors import GraphError, bad_request, not_found
from graph.replay.schema import PROPERTIES
from graph.replay.state import Collection, ReplayState

TYPE_OF = {"applications": "application", "servicePrincipals": "servicePrincipal"}
READ_ONLY = {"id", "appid", "createddatetime", "deleteddatetime", "serviceprincipaltype",
             "appownerorganizationid", "publisherdomain", "appdisplayname"}
_KEY_FIELDS = ("keyId", "type", "usage", "key")


def json_body(body: bytes, required: bool = True) -> Any:
    """The request body as JSON; 400 like Graph when it is missing or not JSON."""
    if not body.strip():
        if required:
            raise bad_request("The request body is missing or empty.", "Request_BadRequest")
        return None
    try:
        return json.loads(body)
    except ValueError:
        raise bad_request("Unable to read JSON request payload. Please ensure Content-Type "
                          "header is set and payload is of valid JSON format.",
                          "BadRequest") from None


def collection_of(state: ReplayState, parent: str) -> Collection:
    coll = state.collection(f"v1.0/{parent}")
    if coll is None:
        raise bad_request(f"Resource not found for the segment '{parent}'.")
    return coll


def require(state: ReplayState, parent: str, object_id: str) -> dict[str, Any]:
    """The object at `parent/object_id`, or Graph's 404."""
    obj = collection_of(state, parent).get(object_id)
    if not isinstance(obj, dict):
        raise not_found(f"Resource '{object_id}' does not exist or one of its queried "
                        "reference-property objects are not present.")
    return obj


def refuse_managed_identity(obj: dict[str, Any]) -> None:
    if str(obj.get("servicePrincipalType") or "").lower() == "managedidentity":
        raise GraphError(403, "Insufficient privileges to complete the operation. Managed "
                         "identity service principals are managed by Azure.",
                         "Authorization_RequestDenied")


def patch(state: ReplayState, parent: str, object_id: str, body: bytes) -> None:
    obj = require(state, parent, object_id)
    if parent == "servicePrincipals":
        refuse_managed_identity(obj)
    changes = json_body(body)
    if not isinstance(changes, dict) or not changes:
        raise bad_request("The request body must be a JSON object of properties to update.")
    type_name = TYPE_OF[parent]
    known = PROPERTIES[type_name]
    update: dict[str, Any] = {}
    for name, value in changes.items():
        key = name.lower()
        if key == "passwordcredentials":
            raise bad_request("Using PATCH to set passwordCredentials is not supported. Use "
                              "the addPassword and removePassword methods.")
        if key not in known:
            raise bad_request(f"Property '{name}' does not exist on type "
                              f"'microsoft.graph.{type_name}'.", "Request_BadRequest")
        if key in READ_ONLY:
            raise bad_request(f"Property '{name}' is read-only and cannot be set.",
                              "Request_BadRequest")
        prop = known[key]
        update[prop] = _checked(prop, value, obj)
    old = {k: obj.get(k) for k in update}
    state.update(object_id, update, f"v1.0/{parent}")
    if "keyCredentials" in update:
        activity = ("Update application – Certificates and secrets management "
                    if parent == "applications" else "Update service principal")
        props = {"KeyDescription": (_keys(old["keyCredentials"]), _keys(update["keyCredentials"]))}
    else:
        activity = "Update application" if parent == "applications" else \
            "Update service principal"
        props = {k[0].upper() + k[1:]: (old[k], update[k]) for k in update
                 if k != "customSecurityAttributes"}
    audit.record(state, activity, parent, object_id, props)


def _checked(prop: str, value: Any, obj: dict[str, Any]) -> Any:
    if prop == "accountEnabled":
        if not isinstance(value, bool):
            raise bad_request("Invalid value for property 'accountEnabled': expected a boolean.")
        return value
    if prop == "tags":
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            raise bad_request("Invalid value for property 'tags': expected a list of strings.")
        return list(value)
    if prop == "keyCredentials":
        return _key_credentials(value)
    if prop == "customSecurityAttributes":
        return _merge_attributes(obj.get(prop), value)
    return copy.deepcopy(value)


def _key_credentials(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise bad_request("Invalid value for property 'keyCredentials': expected a list.")
    seen: set[str] = set()
    out = []
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("keyId"), str):
            raise bad_request("Invalid value for property 'keyCredentials': each key "
                              "credential needs a keyId.")
        if not isinstance(item.get("key"), str) or not item["key"]:
            raise bad_request(f"Key credential '{item['keyId']}': the key value is required "
                              "when updating keyCredentials (read it with "
                              "$select=keyCredentials).", "Request_BadRequest")
        if item["keyId"] in seen:
            raise bad_request(f"Key credential '{item['keyId']}' appears twice.")
        seen.add(item["keyId"])
        out.append(copy.deepcopy(item))
    return out


def _merge_attributes(current: Any, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad_request("Invalid value for property 'customSecurityAttributes'.")
    merged = copy.deepcopy(current) if isinstance(current, dict) else {}
    for attribute_set, values in value.items():
        if not isinstance(values, dict):
            raise bad_request(f"Attribute set '{attribute_set}' must be an object.")
        target = merged.setdefault(attribute_set, {})
        for name, item in values.items():
            if name.endswith("@odata.type") or name == "@odata.type":
                target[name] = item
            elif item is None:
                target.pop(name, None)
                target.pop(f"{name}@odata.type", None)
            else:
                target[name] = copy.deepcopy(item)
        if not [k for k in target if "@odata.type" not in k]:
            merged.pop(attribute_set)
    return merged


def _keys(items: Any) -> list[dict[str, Any]]:
    """A key list as audit logs describe it: ids and types, never the key material."""
    return [{k: i.get(k) for k in _KEY_FIELDS if k != "key"} for i in items or []
            if isinstance(i, dict)]


def remove_password(state: ReplayState, parent: str, object_id: str, body: bytes) -> None:
    obj = require(state, parent, object_id)
    if parent == "servicePrincipals":
        refuse_managed_identity(obj)
    payload = json_body(body)
    key_id = payload.get("keyId") if isinstance(payload, dict) else None
    if not isinstance(key_id, str) or not key_id:
        raise bad_request("The request body must hold the keyId of the password to remove.")
    passwords = [p for p in obj.get("passwordCredentials") or [] if isinstance(p, dict)]
    kept = [p for p in passwords if p.get("keyId") != key_id]
    if len(kept) == len(passwords):
        # Graph's answer is not documented; the writer treats it as "already gone"
        raise not_found(f"No password credential with keyId '{key_id}' on this object.")
    state.update(object_id, {"passwordCredentials": kept}, f"v1.0/{parent}")
    activity = ("Update application – Certificates and secrets management "
                if parent == "applications" else "Remove service principal credentials")
    audit.record(state, activity, parent, object_id,
                 {"KeyDescription": ([{"keyId": key_id, "type": "Password"}], [])})
