"""What the demo identities did: beta sign-in logs of the last 7 days, the beta sign-in
activity reports, and the routine audit events of the last 30 days.

Everything follows from each workload's profile, so the logs agree with each other: the
report's last sign-in of an identity is its newest sign-in in the logs, a credential's last
use is the newest sign-in with its key id. Large tenants keep a realistic amount of logs:
sign-ins and audit events are capped (the reports still cover every identity).
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from graph.demo import audits, catalog, names
from graph.demo.builder import Tenant, Workload, iso

SIGN_IN_DAYS = 7
AUDIT_DAYS = 30
SIGN_IN_CAP = 20_000  # routine sign-ins in the log, whatever the size
ROTATION_CAP = 1_500  # managed identity certificate rotations in the audit log
ROUTINE_AUDIT_CAP = 4_000
EMPTY = {"lastSignInDateTime": None, "lastSignInRequestId": None}


def build(t: Tenant) -> None:
    keys = _credentials_by_key(t)
    used, latest = sign_ins(t, keys)
    reports(t, used, latest)
    routine_audits(t)
    t.sign_ins.sort(key=lambda s: s["createdDateTime"], reverse=True)
    t.audits.sort(key=lambda a: a["activityDateTime"], reverse=True)


def _credentials_by_key(t: Tenant) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for obj in (*t.applications, *t.service_principals):
        for credential in (*obj["passwordCredentials"], *obj["keyCredentials"]):
            found[credential["keyId"]] = credential
    return found


# -- sign-in logs -------------------------------------------------------------------------
def _location(ip: str) -> dict[str, Any] | None:
    for prefix, (city, state, country, lat, lon) in names.LOCATIONS.items():
        if ip.startswith(prefix):
            return {"city": city, "countryOrRegion": country, "state": state,
                    "geoCoordinates": {"altitude": None, "latitude": lat, "longitude": lon}}
    return None


def sign_in(t: Tenant, work: Workload, when: datetime, ip: str, resource: str,
            key_id: str | None, keys: dict[str, dict[str, Any]], error: int | None = None,
            fic_id: str | None = None, risk: str | None = None) -> dict[str, Any]:
    sp = work.sp
    assert sp is not None
    target = t.resource_sp[resource]
    managed = work.kind in ("mi-system", "mi-user")
    credential_type = ("federatedIdentityCredential" if fic_id else work.credential_type
                       if not key_id or key_id == work.key_id else
                       "clientAssertion" if keys.get(key_id, {}).get("type") else "clientSecret")
    thumbprint = None
    if key_id and keys.get(key_id, {}).get("customKeyIdentifier"):
        thumbprint = base64.b64decode(keys[key_id]["customKeyIdentifier"]).hex().upper()
    record = {
        "id": t.ids.guid(), "createdDateTime": iso(when), "appDisplayName": sp["displayName"],
        "appId": sp["appId"], "clientCredentialType": credential_type,
        "conditionalAccessStatus": "notApplied", "correlationId": t.ids.guid(),
        "federatedCredentialId": fic_id, "homeTenantId": names.TENANT_ID, "ipAddress": ip,
        "isInteractive": False, "location": _location(ip),
        "managedServiceIdentity": dict(work.msi) if managed and work.msi else
        {"msiType": "none", "associatedResourceId": None, "federatedTokenId": None,
         "federatedTokenIssuer": None},
        "resourceDisplayName": target["displayName"], "resourceId": resource,
        "resourceServicePrincipalId": target["id"], "resourceTenantId": names.TENANT_ID,
        "riskDetail": "none", "riskLevelAggregated": risk or "none",
        "riskLevelDuringSignIn": risk or "none", "riskState": "atRisk" if risk else "none",
        "servicePrincipalCredentialKeyId": None if managed else key_id,
        "servicePrincipalCredentialThumbprint": thumbprint, "servicePrincipalId": sp["id"],
        "servicePrincipalName": sp["displayName"],
        "signInEventTypes": ["managedIdentity" if managed else "servicePrincipal"],
        "status": {"additionalDetails": None, "errorCode": 0, "failureReason": None},
    }
    if error:
        record["status"] = {"additionalDetails": None, "errorCode": error,
                            "failureReason": catalog.SIGN_IN_ERRORS.get(error, "Other.")}
    t.sign_ins.append(record)
    return record


def sign_ins(t: Tenant, keys: dict[str, dict[str, Any]]
             ) -> tuple[dict[str, datetime], dict[str, dict[str, Any]]]:
    """The sign-in log. Returns the last successful use of each key id seen in it, and the
    newest successful sign-in of each service principal (the reports point at it)."""
    since = t.ago(days=SIGN_IN_DAYS)
    # app-only sign-ins: identities with a credential of their own (delegated-only apps
    # sign users in; those are user sign-ins, not in this log)
    routine = {id(w): w for w in t.workloads if w.sp is not None and w.busy and w.last_sign_in
               and w.last_sign_in >= since and (w.key_id or w.fic_id or w.msi)}
    total = sum(w.busy for w in routine.values())
    keep = min(1.0, SIGN_IN_CAP / total) if total else 1.0
    used: dict[str, datetime] = {}
    for work in t.workloads:
        if work.sp is None:
            continue
        if id(work) in routine and (work.scenario or t.rng.random() < keep):
            assert work.last_sign_in is not None
            times = [work.last_sign_in] + [t.between(since, work.last_sign_in)
                                           for _ in range(work.busy - 1)]
            for n, when in enumerate(times):
                ip = work.ips[0] if n == 0 or len(work.ips) == 1 else t.rng.choice(work.ips)
                sign_in(t, work, when, ip, work.resources[n % len(work.resources)],
                        work.key_id, keys, fic_id=work.fic_id)
            if work.key_id:
                used[work.key_id] = max(used.get(work.key_id, since), work.last_sign_in)
        for code in work.failures:
            when = t.between(since, t.now)
            sign_in(t, work, when, work.ips[0] if work.ips else names.OFFICE_NAT,
                    work.resources[0] if work.resources else catalog.GRAPH, work.key_id, keys,
                    error=code)
        for extra in work.extra_sign_ins:
            sign_in(t, work, extra["when"], extra["ip"], extra["resource"], extra["key_id"],
                    keys, error=extra["error"], fic_id=extra["fic_id"], risk=extra["risk"])
            if extra["key_id"] and not extra["error"]:
                used[extra["key_id"]] = max(used.get(extra["key_id"], since), extra["when"])
    latest: dict[str, dict[str, Any]] = {}
    for record in t.sign_ins:
        newest = latest.get(record["servicePrincipalId"])
        if record["status"]["errorCode"] == 0 and (
                newest is None or record["createdDateTime"] > newest["createdDateTime"]):
            latest[record["servicePrincipalId"]] = record
    return used, latest


# -- activity reports ----------------------------------------------------------------------
def _activity(when: datetime | None, request: str) -> dict[str, Any]:
    if when is None:
        return dict(EMPTY)
    return {"lastSignInDateTime": iso(when), "lastSignInRequestId": request}


def reports(t: Tenant, used: dict[str, datetime], latest: dict[str, dict[str, Any]]) -> None:
    for work in t.workloads:
        if work.sp is not None:
            _sign_in_report(t, work, latest.get(work.sp["id"]))
        if work.kind in ("mi-system", "mi-user", "external-app"):
            continue  # Azure's keys, or keys held in the vendor's own tenant
        _credential_report(t, work, used)


def _sign_in_report(t: Tenant, work: Workload, newest: dict[str, Any] | None) -> None:
    """One servicePrincipalSignInActivity: as a client (app-only or delegated), and as a
    resource for Microsoft's APIs; the newest one overall."""
    sp = work.sp
    assert sp is not None
    microsoft = work.kind == "microsoft-app"
    extras = [e["when"] for e in work.extra_sign_ins if not e["error"]]
    client = [w for w in ((None if microsoft else work.last_sign_in), *extras) if w is not None]
    as_client = max(client) if client else None
    as_resource = work.last_sign_in if microsoft else None
    if as_client is None and as_resource is None:
        return  # never signed in: not in the report
    last = max(w for w in (as_client, as_resource) if w is not None)
    if not microsoft:
        work.last_sign_in = last
    # request ids point at the log's sign-in when the log holds it
    logged = newest is not None and as_client is not None and \
        newest["createdDateTime"] == iso(as_client)
    as_client_id = newest["id"] if logged and newest else t.ids.guid()
    as_resource_id = t.ids.guid()
    app_only = as_client is not None and bool(
        work.key_id or work.fic_id or work.msi or extras or not work.delegated)
    t.sp_activity.append({
        "id": base64.b64encode(sp["appId"].encode()).decode(), "appId": sp["appId"],
        "applicationAuthenticationClientSignInActivity":
            _activity(as_client if app_only else None, as_client_id),
        "applicationAuthenticationResourceSignInActivity": _activity(as_resource,
                                                                     as_resource_id),
        "delegatedClientSignInActivity":
            _activity(as_client if work.delegated else None, as_client_id),
        "delegatedResourceSignInActivity": _activity(as_resource, as_resource_id),
        "lastSignInActivity": _activity(last, as_client_id if last == as_client
                                        else as_resource_id)})


def _credential_report(t: Tenant, work: Workload, used: dict[str, datetime]) -> None:
    origins = []
    if work.app is not None:
        origins += [(c, "application") for c in (*work.app["passwordCredentials"],
                                                 *work.app["keyCredentials"])]
    if work.sp is not None:
        origins += [(c, "servicePrincipal") for c in (*work.sp["passwordCredentials"],
                                                      *work.sp["keyCredentials"])]
    app_id = (work.app or work.sp or {}).get("appId")
    for credential, origin in origins:
        key = credential["keyId"]
        last = used.get(key) or work.key_uses.get(key)
        if last is None and key == work.key_id:
            last = work.last_sign_in  # used before the 7 days of logs
        t.credential_activity.append({
            "id": base64.b64encode(f"{app_id}|{key}".encode()).decode(), "appId": app_id,
            "appObjectId": work.app["id"] if work.app else None,
            "createdDateTime": credential["startDateTime"], "credentialOrigin": origin,
            "expirationDateTime": credential["endDateTime"], "keyId": key,
            "keyType": "certificate" if credential.get("type") else "clientSecret",
            "keyUsage": "verify",
            "resourceId": t.resource_sp[work.resources[0]]["id"] if work.resources else None,
            "servicePrincipalObjectId": work.sp["id"] if work.sp else None,
            "signInActivity": _activity(last, t.ids.guid()) if last else None})


# -- routine audit events ------------------------------------------------------------------
def routine_audits(t: Tenant) -> None:
    """Credential renewals, managed identity certificate rotations, consents."""
    since = t.ago(days=AUDIT_DAYS)
    rotator = next((w.sp for w in t.workloads if w.scenario == "custom-role"), None)
    admin = t.admins["Application Administrator"]
    budget = min(ROUTINE_AUDIT_CAP, 20 + len(t.workloads) // 4)
    rotations = 0
    for work in t.workloads:
        if budget <= 0:
            break
        if work.scenario:
            continue  # the deliberate cases carry their own events
        if work.kind in ("mi-system", "mi-user") and work.sp is not None:
            if rotations < ROTATION_CAP and audits.mi_rotation(t, work.sp, since):
                rotations += 1
                budget -= 2
            continue
        if work.app is None:
            continue
        credentials = [*work.app["passwordCredentials"], *work.app["keyCredentials"]]
        for credential in credentials:
            start = datetime.fromisoformat(credential["startDateTime"].replace("Z", "+00:00"))
            if start < since or start > t.now:
                continue
            before = [c for c in credentials if c is not credential]
            actor = (audits.by_app(rotator["displayName"], rotator["appId"], rotator["id"])
                     if rotator is not None and t.rng.random() < 0.5 else
                     audits.by_user(admin, names.OFFICE_NAT))
            audits.app_credentials(t, start, actor, work.app, before, credentials)
            budget -= 1
        if work.delegated and t.rng.random() < 0.05 and work.sp is not None:
            audits.consent(t, t.between(since, t.now), audits.by_user(
                t.admins["Global Administrator"], names.OFFICE_NAT), work.sp,
                "openid profile email offline_access User.Read", admin=True)
            budget -= 1
