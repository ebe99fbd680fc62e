"""Benchmark `wlx report` at scale: parse + analysis + output for N workload identities.

    .venv/bin/python bench/bench_report.py [N ...]      # default 10000 50000

Uses the demo generator (graph.demo.generate_demo) when it exists, else a synthetic tenant
built here with the same relations (owners, credentials, federated credentials, app
permissions, delegated grants, roles, sign-ins, audits). Target: < 5 s at 50,000.
"""

from __future__ import annotations

import gc
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.analysis import analyze  # noqa: E402
from models.config import AnalysisConfig  # noqa: E402
from models.index import build_index, dump_index, load_index  # noqa: E402
from models.recording import Recording  # noqa: E402
from models.report import render  # noqa: E402
from models.tenant import TenantData  # noqa: E402

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
GRAPH = "00000003-0000-0000-c000-000000000000"
# RoleManagement.ReadWrite.Directory (rare), User.Read.All, Directory.Read.All, Sites.Read.All
ROLES = ["9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8", "df021288-bdef-4463-88db-98f22de89214",
         "7ab1d382-f21e-4acd-a863-ba3e13f7da61", "332a536c-c7ef-4017-ab91-336970924f0d"]


def _ts(days: float) -> str:
    return (NOW + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _gid(rng: random.Random) -> str:
    return "%08x-%04x-4%03x-8%03x-%012x" % (rng.getrandbits(32), rng.getrandbits(16),
                                            rng.getrandbits(12), rng.getrandbits(12),
                                            rng.getrandbits(48))


def synthetic(size: int, seed: int = 7) -> Recording:
    rng = random.Random(seed)
    rec = Recording(tenant_id=_gid(rng), recorded_at=NOW)
    graph_sp = _gid(rng)
    sps = [{"id": graph_sp, "appId": GRAPH, "displayName": "Microsoft Graph",
            "servicePrincipalType": "Application",
            "appOwnerOrganizationId": "f8cdef31-a31e-4b4a-93e4-5f571e91255a",
            "appRoles": [{"id": r, "value": f"Role{i}"} for i, r in enumerate(ROLES)]}]
    apps, grants, audits, sign_ins, activity, cred_activity = [], [], [], [], [], []
    users = [{"@odata.type": "#microsoft.graph.user", "id": _gid(rng),
              "userPrincipalName": f"user{i}@contoso.test", "displayName": f"User {i}"}
             for i in range(max(10, size // 20))]
    assignments = []
    for i in range(size):
        app_id, sp_id, object_id = _gid(rng), _gid(rng), _gid(rng)
        # mostly healthy, as in a real tenant: short-lived credentials in use, a few problems
        keys = []
        for _ in range(rng.choice((0, 1, 1, 1, 2))):
            start = -rng.randint(1, 170)
            life = 180 if rng.random() < 0.9 else 730
            keys.append({"keyId": _gid(rng), "displayName": "ci", "startDateTime": _ts(start),
                         "endDateTime": _ts(start + life)})
        certs = [{"keyId": _gid(rng), "type": "AsymmetricX509Cert", "usage": "Verify",
                  "startDateTime": _ts(-200), "endDateTime": _ts(165 if rng.random() < 0.95 else -5)}
                 for _ in range(rng.choice((0, 0, 1)))]
        if i % 10 != 9:
            apps.append({"id": object_id, "appId": app_id, "displayName": f"App {i}",
                         "createdDateTime": _ts(-rng.randint(1, 2000)),
                         "signInAudience": "AzureADMyOrg", "passwordCredentials": keys,
                         "keyCredentials": certs})
            rec.set_items(f"v1.0/applications/{object_id}/owners", [rng.choice(users)]
                          if rng.random() < 0.95 else [])
            rec.set_items(f"v1.0/applications/{object_id}/federatedIdentityCredentials", [
                {"id": _gid(rng), "name": "gh", "issuer": "https://token.actions.githubusercontent.com",
                 "subject": f"repo:contoso/app{i}:environment:prod",
                 "audiences": ["api://AzureADTokenExchange"]}] if i % 7 == 0 else [])
        sps.append({"id": sp_id, "appId": app_id, "displayName": f"App {i}",
                    "servicePrincipalType": "Application", "accountEnabled": i % 50 != 0,
                    "appOwnerOrganizationId": rec.tenant_id if i % 10 != 9 else _gid(rng)})
        rec.set_items(f"v1.0/servicePrincipals/{sp_id}/owners", [])
        rec.set_items(f"v1.0/servicePrincipals/{sp_id}/memberOf", [])
        held = [{"id": _gid(rng), "principalId": sp_id,
                 "appRoleId": ROLES[0] if rng.random() < 0.005 else ROLES[3]
                 if rng.random() < 0.05 else rng.choice(ROLES[1:3]),
                 "resourceId": graph_sp, "resourceDisplayName": "Microsoft Graph",
                 "createdDateTime": _ts(-300)} for _ in range(rng.randint(0, 3))]
        assignments.extend(held)
        rec.set_items(f"v1.0/servicePrincipals/{sp_id}/appRoleAssignments", held)
        if i % 5 == 0:
            grants.append({"id": _gid(rng), "clientId": sp_id, "resourceId": graph_sp,
                           "consentType": "AllPrincipals", "scope": "User.Read openid profile"})
        last = _ts(-rng.randint(0, 20) if rng.random() < 0.9 else -rng.randint(100, 400))
        activity.append({"id": _gid(rng), "appId": app_id,
                         "lastSignInActivity": {"lastSignInDateTime": last}})
        for key in keys:
            cred_activity.append({"id": _gid(rng), "keyId": key["keyId"], "appId": app_id,
                                  "signInActivity": {"lastSignInDateTime": last}})
        if i % 4 == 0:
            for _ in range(3):
                sign_ins.append({"id": _gid(rng), "createdDateTime": _ts(-rng.random() * 7),
                                 "appId": app_id, "servicePrincipalId": sp_id,
                                 "ipAddress": f"198.51.100.{rng.randint(1, 254)}",
                                 "resourceId": GRAPH, "signInEventTypes": ["servicePrincipal"],
                                 "status": {"errorCode": 0}})
        if i % 25 == 0 and keys:
            actor = rng.choice(users)
            audits.append({
                "id": _gid(rng), "category": "ApplicationManagement", "result": "success",
                "activityDisplayName": "Update application \u2013 Certificates and secrets management ",
                "activityDateTime": _ts(-rng.random() * 30),
                "initiatedBy": {"user": {"id": actor["id"],
                                         "userPrincipalName": actor["userPrincipalName"]}},
                "targetResources": [{"id": object_id, "type": "Application", "modifiedProperties": [
                    {"displayName": "KeyDescription", "oldValue": "[]",
                     "newValue": f'["[KeyIdentifier={keys[0]["keyId"]},KeyType=Password,'
                                 'KeyUsage=Verify,DisplayName=ci]"]'}]}]})
    rec.set_items("v1.0/organization", [{"id": rec.tenant_id, "displayName": "Bench"}])
    rec.set_items("v1.0/applications", apps)
    rec.set_items("v1.0/servicePrincipals", sps)
    rec.set_items(f"v1.0/servicePrincipals/{graph_sp}/appRoleAssignments", [])
    rec.set_items(f"v1.0/servicePrincipals/{graph_sp}/owners", [])
    rec.set_items(f"v1.0/servicePrincipals/{graph_sp}/memberOf", [])
    rec.set_items("v1.0/oauth2PermissionGrants", grants)
    rec.set_items("v1.0/roleManagement/directory/roleDefinitions", [])
    rec.set_items("v1.0/roleManagement/directory/roleAssignments", [
        {"id": _gid(rng), "principalId": sps[i]["id"], "directoryScopeId": "/",
         "roleDefinitionId": "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"} for i in range(1, size, 500)])
    rec.set_items("v1.0/roleManagement/directory/roleEligibilitySchedules", [])
    rec.set_items("v1.0/auditLogs/directoryAudits", audits)
    rec.set_items("beta/auditLogs/signIns", sign_ins)
    rec.set_items("v1.0/identityProtection/riskyServicePrincipals", [])
    rec.set_items("v1.0/identityProtection/servicePrincipalRiskDetections", [])
    rec.set_items("beta/reports/servicePrincipalSignInActivities", activity)
    rec.set_items("beta/reports/appCredentialSignInActivities", cred_activity)
    rec.bodies["v1.0/users/$count"] = size * 2
    return rec


def source(size: int) -> tuple[str, Recording]:
    try:
        from graph.demo import generate_demo
    except ImportError:
        return "synthetic", synthetic(size)
    return "demo", generate_demo(size=size, now=NOW)


def bench(size: int) -> None:
    kind, recording = source(size)
    gc.collect()
    gc.disable()  # as `wlx report` does around parse, analysis and output
    t0 = time.perf_counter()
    data = TenantData.from_recording(recording)
    t1 = time.perf_counter()
    analysis = analyze(data, AnalysisConfig(), NOW, detail=False)  # as `wlx report` does
    t2 = time.perf_counter()
    text_json = render(analysis, "json")
    t3 = time.perf_counter()
    text_md = render(analysis, "md")
    t4 = time.perf_counter()
    rows = build_index(analysis)
    blob = dump_index(rows)
    t5 = time.perf_counter()
    load_index(blob)
    t6 = time.perf_counter()
    t6b = time.perf_counter()
    full = analyze(data, AnalysisConfig(), NOW, recording=recording)  # as a sync does
    t6c = time.perf_counter()
    details = [i.model_dump_json() for i in full.identities]
    t7 = time.perf_counter()
    gc.enable()
    print(f"{kind} tenant, {len(analysis.identities)} identities, {len(analysis.findings)} findings")
    print(f"  parse TenantData      {t1 - t0:6.2f} s")
    print(f"  analyze               {t2 - t1:6.2f} s")
    print(f"  render json           {t3 - t2:6.2f} s  ({len(text_json) / 1e6:.1f} MB)")
    print(f"  render md             {t4 - t3:6.2f} s  ({len(text_md) / 1e6:.1f} MB)")
    print(f"  report total (json)   {t3 - t0:6.2f} s")
    print(f"  build + dump index    {t5 - t4:6.2f} s  ({len(blob) / 1e6:.1f} MB)")
    print(f"  load index            {(t6 - t5) * 1000:6.0f} ms")
    print(f"  analyze with details  {t6c - t6b:6.2f} s  (sign-in lists, pivots, raw objects)")
    print(f"  identity details json {t7 - t6c:6.2f} s  (avg {sum(map(len, details)) // len(details)} B)")


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["10000", "50000"]:
        bench(int(arg))
