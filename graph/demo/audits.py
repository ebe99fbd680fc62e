"""Directory audit events in Graph's shapes, with the real activity names.

The names are Entra's, including their oddities: the credential activity of applications is
"Update application – Certificates and secrets management " with an en dash and a trailing
space. `KeyDescription` old and new values list the key ids before and after the change;
federated credential changes show under "Update application" as `FederatedIdentityCredentials`.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from graph.demo.builder import Tenant, iso

APP_CREDENTIALS = "Update application \u2013 Certificates and secrets management "
ADD_SP_CREDENTIALS = "Add service principal credentials"
REMOVE_SP_CREDENTIALS = "Remove service principal credentials"
BROWSER = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")
POWERSHELL = "Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.22631; en-US) PowerShell/7.4.6"


def by_user(user: dict[str, Any], ip: str, upn: str | None = None) -> dict[str, Any]:
    return {"app": None, "user": {"id": user["id"], "displayName": None, "ipAddress": ip,
                                  "userPrincipalName": upn or user["userPrincipalName"]}}


def by_app(name: str, app_id: str | None = None, sp_id: str | None = None) -> dict[str, Any]:
    return {"app": {"appId": app_id, "displayName": name, "servicePrincipalId": sp_id,
                    "servicePrincipalName": None}, "user": None}


def target(object_id: str, name: str | None, kind: str, props: list[dict[str, Any]] | None = None,
           upn: str | None = None) -> dict[str, Any]:
    return {"id": object_id, "displayName": name, "groupType": None,
            "modifiedProperties": props or [], "type": kind, "userPrincipalName": upn}


def prop(name: str, old: str | None, new: str | None) -> dict[str, Any]:
    return {"displayName": name, "oldValue": old, "newValue": new}


def quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def key_description(credentials: list[dict[str, Any]]) -> str:
    """KeyDescription as Entra logs it: a JSON list of "[KeyIdentifier=...,...]" strings."""
    items = []
    for credential in credentials:
        kind = "AsymmetricX509Cert" if credential.get("type") else "Password"
        items.append(f"[KeyIdentifier={credential['keyId']},KeyType={kind},KeyUsage=Verify,"
                     f"DisplayName={credential.get('displayName') or ''}]")
    return json.dumps(items, ensure_ascii=False, separators=(",", ":"))


def federated_description(credentials: list[dict[str, Any]]) -> str:
    return json.dumps([{"Name": c["name"], "Issuer": c["issuer"], "Subject": c["subject"],
                        "Audiences": c["audiences"], "Description": c["description"]}
                       for c in credentials], ensure_ascii=False, separators=(",", ":"))


def event(t: Tenant, when: datetime, activity: str, initiator: dict[str, Any],
          targets: list[dict[str, Any]], category: str = "ApplicationManagement",
          operation: str = "Update", service: str = "Core Directory",
          result: str = "success") -> dict[str, Any]:
    correlation = t.ids.guid()
    suffix = "".join(t.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(5))
    agent = initiator.get("user") and (POWERSHELL if t.rng.random() < 0.3 else BROWSER)
    record = {
        "id": f"Directory_{correlation}_{suffix}_{t.rng.randint(10**8, 10**9 - 1)}"
        if service == "Core Directory" else t.ids.guid(),
        "activityDateTime": iso(when), "activityDisplayName": activity,
        "additionalDetails": [{"key": "User-Agent", "value": agent}] if agent else [],
        "category": category, "correlationId": correlation, "initiatedBy": initiator,
        "loggedByService": service, "operationType": operation, "result": result,
        "resultReason": "", "targetResources": targets,
    }
    t.audits.append(record)
    return record


def app_credentials(t: Tenant, when: datetime, initiator: dict[str, Any], app: dict[str, Any],
                    before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Any]:
    return event(t, when, APP_CREDENTIALS, initiator, [target(
        app["id"], app["displayName"], "Application",
        [prop("KeyDescription", key_description(before), key_description(after)),
         prop("Included Updated Properties", None, quoted("KeyDescription"))])])


def sp_credentials(t: Tenant, when: datetime, initiator: dict[str, Any], sp: dict[str, Any],
                   before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, Any]:
    activity = ADD_SP_CREDENTIALS if len(after) >= len(before) else REMOVE_SP_CREDENTIALS
    return event(t, when, activity, initiator, [target(
        sp["id"], sp["displayName"], "ServicePrincipal",
        [prop("KeyDescription", key_description(before), key_description(after)),
         prop("Included Updated Properties", None, quoted("KeyDescription"))])])


def federated_credentials(t: Tenant, when: datetime, initiator: dict[str, Any],
                          app: dict[str, Any], before: list[dict[str, Any]],
                          after: list[dict[str, Any]]) -> dict[str, Any]:
    return event(t, when, "Update application", initiator, [target(
        app["id"], app["displayName"], "Application",
        [prop("FederatedIdentityCredentials", federated_description(before),
              federated_description(after)),
         prop("Included Updated Properties", None, quoted("FederatedIdentityCredentials"))])])


def owner_added(t: Tenant, when: datetime, initiator: dict[str, Any], app: dict[str, Any],
                owner: dict[str, Any]) -> dict[str, Any]:
    return event(t, when, "Add owner to application", initiator, [
        target(owner["id"], None, "User", [
            prop("Application.ObjectID", None, quoted(app["id"])),
            prop("Application.AppId", None, quoted(app["appId"])),
            prop("Application.DisplayName", None, quoted(app["displayName"]))],
            upn=owner["userPrincipalName"]),
        target(app["id"], app["displayName"], "Application")], operation="Assign")


def app_role_added(t: Tenant, when: datetime, initiator: dict[str, Any], client: dict[str, Any],
                   resource: dict[str, Any], role_id: str, role_value: str) -> dict[str, Any]:
    return event(t, when, "Add app role assignment to service principal", initiator, [
        target(resource["id"], resource["displayName"], "ServicePrincipal", [
            prop("AppRole.Id", None, quoted(role_id)),
            prop("AppRole.Value", None, quoted(role_value)),
            prop("AppRoleAssignment.CreatedDateTime", None, quoted(iso(when))),
            prop("ServicePrincipal.ObjectID", None, quoted(client["id"])),
            prop("ServicePrincipal.DisplayName", None, quoted(client["displayName"])),
            prop("ServicePrincipal.AppId", None, quoted(client["appId"]))]),
        target(client["id"], client["displayName"], "ServicePrincipal")], operation="Assign")


def role_member_added(t: Tenant, when: datetime, initiator: dict[str, Any],
                      principal: dict[str, Any], role: str, eligible: bool = False
                      ) -> dict[str, Any]:
    role_id = t.role_ids[role]
    if eligible:
        return event(t, when, "Add eligible member to role in PIM completed (permanent)",
                     initiator, [target(role_id, role, "Role"),
                                 target(principal["id"], principal["displayName"],
                                        "ServicePrincipal")],
                     category="RoleManagement", operation="Add", service="PIM")
    return event(t, when, "Add member to role", initiator, [
        target(principal["id"], principal["displayName"], "ServicePrincipal", [
            prop("Role.ObjectID", None, quoted(t.role_objects.get(role, role_id))),
            prop("Role.DisplayName", None, quoted(role)),
            prop("Role.TemplateId", None, quoted(role_id)),
            prop("Role.WellKnownObjectName", None, quoted(role.replace(" ", "")))])],
        category="RoleManagement", operation="Assign")


def consent(t: Tenant, when: datetime, initiator: dict[str, Any], sp: dict[str, Any],
            scopes: str, admin: bool) -> dict[str, Any]:
    return event(t, when, "Consent to application", initiator, [target(
        sp["id"], sp["displayName"], "ServicePrincipal", [
            prop("ConsentContext.IsAdminConsent", None, quoted(str(admin))),
            prop("ConsentAction.Permissions", None, quoted(f"[] => [[Scope: {scopes}]]"))])],
        operation="Assign")


def app_updated(t: Tenant, when: datetime, initiator: dict[str, Any], app: dict[str, Any],
                field: str, old: str, new: str) -> dict[str, Any]:
    """Any other change; `old` and `new` are the JSON texts Entra logs (e.g. "[]")."""
    return event(t, when, "Update application", initiator, [target(
        app["id"], app["displayName"], "Application",
        [prop(field, old, new),
         prop("Included Updated Properties", None, quoted(field))])])


def mi_rotation(t: Tenant, sp: dict[str, Any], since: datetime) -> bool:
    """Azure renews a managed identity's certificate: an add, then the old one removed."""
    current = sp["keyCredentials"][0]
    start = datetime.fromisoformat(current["startDateTime"].replace("Z", "+00:00"))
    if start < since:
        return False
    old = t.certificate(sp["appId"], start - timedelta(days=46), start + timedelta(days=44))
    azure = by_app("Managed Service Identity")
    sp_credentials(t, start, azure, sp, [old], [old, current])
    sp_credentials(t, start + timedelta(minutes=t.rng.randint(1, 20)), azure, sp,
                   [old, current], [current])
    return True
