"""Compromise patterns for incident triage: what an attacker leaves behind in Graph.

- The Midnight Blizzard pattern: a forgotten test app with full_access_as_app and
  RoleManagement.ReadWrite.Directory, owned by an ordinary user who adds a secret, then
  sign-ins from an address never seen before.
- A legacy service principal with full_access_as_app and a secret on itself.
- A credential planted on a Microsoft first-party service principal.
- A secret on a service principal object, hidden from the app registrations blade.
- A privileged automation app whose ordinary owner adds another owner, and to which a
  developer adds a federated credential for a personal GitHub account.
- A service principal Identity Protection flags as at risk, and one whose risk was dismissed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from graph.demo import audits, catalog, names
from graph.demo.builder import Tenant, Workload, iso
from graph.demo.scenarios import GITHUB, certificate, egress, internal, secret


def seen(work: Workload, when: datetime, ip: str, key_id: str | None = None,
         resource: str = catalog.GRAPH, error: int | None = None, risk: str | None = None,
         fic_id: str | None = None) -> None:
    work.extra_sign_ins.append({"when": when, "ip": ip, "key_id": key_id, "resource": resource,
                                "error": error, "risk": risk, "fic_id": fic_id})


def build(t: Tenant) -> None:
    midnight_blizzard(t)
    legacy_full_access(t)
    first_party_credential(t)
    secret_on_service_principal(t)
    identity_automation(t)
    risky(t)


def midnight_blizzard(t: Tenant) -> None:
    owner = t.ordinary_users[24]
    created = datetime(2017, 5, 11, 14, 2, 37, tzinfo=UTC)
    work = internal(t, "Test App (legacy)", (t.now - created).total_seconds() / 86400, (owner,),
                    last=t.ago(days=4, hours=3), resources=(catalog.EXCHANGE,),
                    scenario="midnight-blizzard")
    assert work.app is not None and work.sp is not None
    old = secret(t, work, created, created + timedelta(days=3652), name="test")
    work.ips, work.busy = (names.OFFICE_NAT,), 2
    t.grant_app_role(work.sp, catalog.EXCHANGE, "full_access_as_app", work.app,
                     when=datetime(2018, 2, 3, 9, 12, tzinfo=UTC))
    t.grant_app_role(work.sp, catalog.GRAPH, "RoleManagement.ReadWrite.Directory", work.app,
                     when=datetime(2019, 8, 27, 16, 40, tzinfo=UTC))
    added = t.ago(days=2, hours=1)
    new = t.secret("backup", added, added + timedelta(days=730))
    work.app["passwordCredentials"].append(new)
    audits.app_credentials(t, added, audits.by_user(owner, names.SUSPICIOUS_IP), work.app,
                           [old], [old, new])
    for hours in (47, 30, 21, 9, 5, 1):
        seen(work, t.ago(hours=hours, minutes=t.rng.randint(0, 50)), names.SUSPICIOUS_IP,
             new["keyId"], catalog.EXCHANGE if hours % 2 else catalog.GRAPH)


def legacy_full_access(t: Tenant) -> None:
    app_id = t.ids.guid()
    sp = t.service_principal(app_id, "Exchange Journaling Connector (2014)", kind="Legacy",
                             audience=None, tags=[],
                             spns=[app_id, f"https://journal.{names.DOMAIN}/connector"])
    start = datetime(2014, 9, 2, 8, 0, tzinfo=UTC)
    credential = t.secret(None, start, datetime(2299, 12, 31, tzinfo=UTC))
    sp["passwordCredentials"].append(credential)
    t.add_owner(sp, t.ordinary_users[27])
    t.grant_app_role(sp, catalog.EXCHANGE, "full_access_as_app",
                     when=datetime(2014, 9, 2, 8, 30, tzinfo=UTC))
    t.workloads.append(Workload("legacy", sp, last_sign_in=t.ago(days=2, hours=5),
                                ips=(names.OFFICE_NAT,), resources=(catalog.EXCHANGE,),
                                key_id=credential["keyId"], busy=2,
                                scenario="legacy-full-access"))


def first_party_credential(t: Tenant) -> None:
    sp = t.resource_sp[catalog.EXCHANGE]
    work = next(w for w in t.workloads if w.sp is sp)
    work.scenario = "first-party-credential"
    added = t.ago(days=3, hours=6)
    credential = t.secret(None, added, added + timedelta(days=365))
    sp["passwordCredentials"].append(credential)
    actor = t.admins["Cloud Application Administrator"]
    audits.sp_credentials(t, added, audits.by_user(actor, names.ATTACKER_IPS[1], upn=None), sp,
                          [], [credential])
    for hours in (70, 50, 26, 3):
        seen(work, t.ago(hours=hours), names.ATTACKER_IPS[1], credential["keyId"])


def secret_on_service_principal(t: Tenant) -> None:
    owner = t.ordinary_users[28]
    work = internal(t, "Payroll Export Job", 1300, (owner,), resources=(catalog.GRAPH,),
                    scenario="credential-on-service-principal")
    certificate(t, work, t.ago(days=70), t.now + timedelta(days=295))
    assert work.sp is not None
    t.grant_app_role(work.sp, catalog.GRAPH, "User.Read.All", work.app)
    added = t.ago(days=9, hours=2)
    hidden = secret(t, work, added, added + timedelta(days=540), name=None, on_sp=True, use=False)
    audits.sp_credentials(t, added, audits.by_user(owner, names.OFFICE_NAT), work.sp, [], [hidden])
    for days in (6.5, 5, 2, 0.2):
        seen(work, t.ago(days=days), names.OFFICE_NAT, hidden["keyId"])


def identity_automation(t: Tenant) -> None:
    owner, newcomer = t.ordinary_users[25], t.ordinary_users[26]
    work = internal(t, "Identity Automation", 1700, (owner,), scenario="privileged-automation")
    assert work.app is not None and work.sp is not None
    certificate(t, work, t.ago(days=45), t.now + timedelta(days=320))
    t.grant_app_role(work.sp, catalog.GRAPH, "Application.ReadWrite.All", work.app)
    t.grant_app_role(work.sp, catalog.GRAPH, "Group.Read.All", work.app)
    t.assign_role(work.sp["id"], "Privileged Role Administrator")
    t.directory_role_membership(work.sp, "Privileged Role Administrator")
    audits.role_member_added(t, t.ago(days=10), audits.by_user(
        t.admins["Global Administrator"], names.OFFICE_NAT), work.sp,
        "Privileged Role Administrator")
    # the ordinary owner adds a colleague as owner
    t.add_owner(work.app, newcomer)
    audits.owner_added(t, t.ago(days=6, hours=4), audits.by_user(owner, names.OFFICE_NAT),
                       work.app, newcomer)
    # a developer adds a federated credential for a personal GitHub account
    main = t.federated_credential(work.app, "main", GITHUB,
                                  f"repo:{names.GITHUB_ORG}/identity:ref:refs/heads/main",
                                  "Deploy identity automation")
    before = [dict(main)]
    personal = t.federated_credential(work.app, "jdoe-scratch", GITHUB,
                                      "repo:jdoe-dev/scratch:ref:refs/heads/main", None)
    developer = t.admins["Application Developer"]
    audits.federated_credentials(t, t.ago(days=4), audits.by_user(developer, egress(t)),
                                 work.app, before, [dict(main), dict(personal)])
    for days in (3.5, 1.2):
        seen(work, t.ago(days=days), "20.102.56.17", fic_id=personal["id"])


def risky(t: Tenant) -> None:
    work = internal(t, "Marketing Automation Hub", 950, (t.ordinary_users[29],),
                    scenario="risky-service-principal")
    leaked = secret(t, work, t.ago(days=200), t.now + timedelta(days=165), name="marketing")
    assert work.sp is not None
    t.grant_app_role(work.sp, catalog.GRAPH, "Mail.Send", work.app)
    t.grant_app_role(work.sp, catalog.GRAPH, "User.Read.All", work.app)
    for hours in (40, 39, 20):
        seen(work, t.ago(hours=hours), names.ATTACKER_IPS[0], leaked["keyId"], risk="high")
    sp = work.sp
    t.risky.append(_risky(t, sp, "atRisk", "high", "none", t.ago(hours=18)))
    t.detections += [
        _detection(t, sp, "investigationsThreatIntelligence", "atRisk", "high", t.ago(days=2),
                   "offline", additional='[{"Key":"alertUrl","Value":null}]'),
        _detection(t, sp, "suspiciousSignins", "atRisk", "high", t.ago(hours=40), "offline",
                   ip=names.ATTACKER_IPS[0]),
        _detection(t, sp, "leakedCredentials", "atRisk", "high", t.ago(days=1), "offline",
                   key_ids=[leaked["keyId"]],
                   additional='[{"Key":"leakSource","Value":"Public repository"}]'),
    ]
    calm = internal(t, "Partner Portal Sync", 1100, (t.ordinary_users[30],),
                    scenario="risk-dismissed")
    certificate(t, calm, t.ago(days=30), t.now + timedelta(days=335))
    assert calm.sp is not None
    detail = "adminDismissedAllRiskForServicePrincipal"
    t.risky.append(_risky(t, calm.sp, "dismissed", "none", detail, t.ago(days=16)))
    t.detections.append(_detection(t, calm.sp, "anomalousServicePrincipalActivity", "dismissed",
                                   "low", t.ago(days=20), "offline", detail=detail))


def _risky(t: Tenant, sp: dict[str, Any], state: str, level: str, detail: str,
           updated: datetime) -> dict[str, Any]:
    return {"id": sp["id"], "appId": sp["appId"], "displayName": sp["displayName"],
            "isEnabled": sp["accountEnabled"], "isProcessing": False, "riskDetail": detail,
            "riskLastUpdatedDateTime": iso(updated), "riskLevel": level, "riskState": state,
            "servicePrincipalType": sp["servicePrincipalType"]}


def _detection(t: Tenant, sp: dict[str, Any], kind: str, state: str, level: str,
               when: datetime, timing: str, ip: str | None = None,
               key_ids: list[str] | None = None, additional: str | None = None,
               detail: str = "none") -> dict[str, Any]:
    location = None
    if ip is not None:
        city, region, country, lat, lon = names.LOCATIONS[ip.rsplit(".", 1)[0] + "."]
        location = {"city": city, "countryOrRegion": country, "state": region,
                    "geoCoordinates": {"altitude": None, "latitude": lat, "longitude": lon}}
    return {
        "@odata.type": "#microsoft.graph.servicePrincipalRiskDetection",
        "id": t.ids.raw(26).hex(), "activity": "servicePrincipal",
        "activityDateTime": iso(when), "additionalInfo": additional, "appId": sp["appId"],
        "correlationId": t.ids.guid() if ip else None, "detectedDateTime": iso(when + timedelta(
            hours=2)), "detectionTimingType": timing, "ipAddress": ip, "keyIds": key_ids or [],
        "lastUpdatedDateTime": iso(when + timedelta(hours=3)), "location": location,
        "requestId": t.ids.guid() if ip else None, "riskDetail": detail, "riskEventType": kind,
        "riskLevel": level, "riskState": state, "servicePrincipalDisplayName": sp["displayName"],
        "servicePrincipalId": sp["id"], "source": "IdentityProtection",
        "tokenIssuerType": "AzureAD"}
