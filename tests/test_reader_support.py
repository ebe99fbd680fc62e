"""A hand-made tenant for the reader tests, the clients that read it, and the comparison of
a read recording with the one the replay served.

The tenant is built in code so that each test can tell what Graph holds: 1,050 service
principals (a resource with 1,005 application permission holders: two pages of
appRoleAssignedTo), 60 applications, owners and memberships cut by `$expand` at 20,
federated credentials, grants, roles, audits and sign-ins spread over weeks, a risky
service principal, the beta reports, and hostile display names.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from graph.client import GraphClient, create_client
from graph.reader import plan
from graph.replay import Faults, Replay, ReplayServer, ReplayState, ReplayTransport
from models.recording import KIND_BY_NAME, KINDS, Recording

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
BASE = "https://graph.microsoft.com"
TENANT = "11111111-2222-3333-4444-555555555555"
GRAPH = "sp-0000"  # Microsoft Graph: the resource nearly everyone holds a permission on
API = "sp-0001"  # a line-of-business API with a role for apps and users
USER_ONLY = "sp-0002"  # an enterprise app whose roles are for users only: not a resource
HOSTILE = "[b]evil[/b] \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \u202egnp.exe"
SP_COUNT, APP_COUNT = 1050, 60
TYPES = ("Application", "ManagedIdentity", "Legacy", "Application")


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def app_id(i: int) -> str:
    """A GUID-shaped appId whose first hex digit varies, as real ones do."""
    return f"{(i * 2654435761) % 2**32:08x}-0000-4000-8000-{i:012d}"


def user(n: int) -> dict[str, Any]:
    return {"@odata.type": "#microsoft.graph.user", "id": f"user-{n:04d}",
            "displayName": f"Person {n}", "userPrincipalName": f"person{n}@contoso.test",
            "mail": f"person{n}@contoso.test"}


def group(n: int) -> dict[str, Any]:
    return {"@odata.type": "#microsoft.graph.group", "id": f"group-{n:03d}",
            "displayName": f"Group {n}", "securityEnabled": True}


def role(role_id: str, value: str, types: list[str]) -> dict[str, Any]:
    return {"id": role_id, "value": value, "displayName": value, "isEnabled": True,
            "allowedMemberTypes": types, "description": value}


def service_principal(i: int) -> dict[str, Any]:
    sp: dict[str, Any] = {
        "id": f"sp-{i:04d}", "appId": app_id(i),
        "displayName": HOSTILE if i == 13 else f"Workload {i:04d}",
        "servicePrincipalType": TYPES[i % 4], "accountEnabled": i % 9 != 0,
        "appOwnerOrganizationId": TENANT, "tags": ["WindowsAzureActiveDirectoryIntegratedApp"],
        "alternativeNames": [], "appRoles": [], "oauth2PermissionScopes": [],
        "passwordCredentials": [], "servicePrincipalNames": [app_id(i)],
        "keyCredentials": [{"keyId": f"key-{i}", "type": "AsymmetricX509Cert",
                            "usage": "Verify", "key": "TUlJQ2VydGlmaWNhdGU=",
                            "endDateTime": iso(NOW + timedelta(days=i))}] if i % 5 == 0 else [],
        "customSecurityAttributes": {"Ops": {"owner": "team"}} if i == 30 else None,
    }
    if i == 0:
        sp.update(displayName="Microsoft Graph", appRoles=[
            role("role-rw", "Application.ReadWrite.All", ["Application"]),
            role("role-r", "Directory.Read.All", ["Application"])])
    elif i == 1:
        sp["appRoles"] = [role("role-api", "Orders.Read", ["Application", "User"])]
    elif i == 2:
        sp["appRoles"] = [role("role-user", "Viewer", ["User"])]
    return sp


def application(i: int) -> dict[str, Any]:
    return {"id": f"app-{i:02d}", "appId": app_id(i), "displayName": f"App {i:02d}",
            "signInAudience": "AzureADMyOrg", "createdDateTime": iso(NOW - timedelta(days=9 * i)),
            "passwordCredentials": [{"keyId": f"pw-{i}", "displayName": "ci secret",
                                     "endDateTime": iso(NOW + timedelta(days=30 - i))}],
            "keyCredentials": [], "requiredResourceAccess": [], "tags": [], "web": None}


def fic(app: int, n: int) -> dict[str, Any]:
    return {"id": f"fic-{app}-{n}", "name": f"github-{n}",
            "issuer": "https://token.actions.githubusercontent.com",
            "subject": f"repo:contoso/app{app}:environment:env{n}",
            "audiences": ["api://AzureADTokenExchange"]}


def assignment(principal: dict[str, Any], resource: str, role_id: str, n: int) -> dict[str, Any]:
    return {"id": f"ara-{principal['id']}-{resource}-{n}", "appRoleId": role_id,
            "principalId": principal["id"], "principalType": "ServicePrincipal",
            "principalDisplayName": principal["displayName"], "resourceId": resource,
            "resourceDisplayName": "resource", "createdDateTime": iso(NOW - timedelta(days=n))}


def _relations(rec: Recording, sps: list[dict[str, Any]], apps: list[dict[str, Any]]) -> None:
    for i, sp in enumerate(sps):
        held = []
        if 3 <= i < 1008:
            held.append(assignment(sp, GRAPH, "role-r", 0))
        if i % 3 == 0 and i > 2:
            held.append(assignment(sp, API, "role-api", 1))
        if i == 5:
            held.append(assignment(sp, GRAPH, "role-rw", 2))
        rec.set_items(f"v1.0/servicePrincipals/{sp['id']}/appRoleAssignments", held)
        owners = [user(k) for k in range(22)] if i == 10 else \
            [user(i)] if i % 50 == 7 else []
        rec.set_items(f"v1.0/servicePrincipals/{sp['id']}/owners", owners)
        groups = [group(k) for k in range(30)] if i == 20 else \
            [group(i % 11)] if i % 7 == 0 else []
        rec.set_items(f"v1.0/servicePrincipals/{sp['id']}/memberOf", groups)
    for i, app in enumerate(apps):
        owners = [user(k) for k in range(25)] if i == 0 else [user(100 + k) for k in range(i % 3)]
        rec.set_items(f"v1.0/applications/{app['id']}/owners", owners)
        fics = [fic(i, n) for n in range(20)] if i == 5 else \
            [fic(i, 0)] if i % 4 == 0 else []
        rec.set_items(f"v1.0/applications/{app['id']}/federatedIdentityCredentials", fics)


def _activity(rec: Recording) -> None:
    categories = ("ApplicationManagement", "RoleManagement", "UserManagement")
    rec.set_items("v1.0/auditLogs/directoryAudits", [
        {"id": f"audit-{i:02d}", "category": categories[i % 3],
         "activityDisplayName": "Add owner to application",
         "activityDateTime": iso(NOW - timedelta(hours=20 * i)),
         "initiatedBy": {"user": {"id": "user-0001", "userPrincipalName": "person1@contoso.test",
                                  "ipAddress": f"203.0.113.{i}"}},
         "targetResources": [{"id": f"app-{i % APP_COUNT:02d}", "displayName": "App",
                              "type": "Application"}]}
        for i in range(50)])
    events = (["servicePrincipal"], ["managedIdentity"], ["interactiveUser"])
    rec.set_items("beta/auditLogs/signIns", [
        {"id": f"signin-{i:03d}", "appId": app_id(i % 40), "signInEventTypes": events[i % 3],
         "createdDateTime": iso(NOW - timedelta(hours=5 * i)), "ipAddress": f"198.51.100.{i % 7}",
         "servicePrincipalId": f"sp-{i % 40:04d}", "status": {"errorCode": 0}}
        for i in range(80)])
    rec.set_items("beta/reports/servicePrincipalSignInActivities", [
        {"id": f"act-{i}", "appId": app_id(i),
         "lastSignInActivity": {"lastSignInDateTime": iso(NOW - timedelta(days=i))}}
        for i in range(0, len(rec.items("v1.0/servicePrincipals")), 3)])
    rec.set_items("beta/reports/appCredentialSignInActivities", [
        {"id": f"cred-{i}", "keyId": f"key-{i}", "appId": app_id(i), "keyType": "certificate",
         "signInActivity": {"lastSignInDateTime": iso(NOW - timedelta(days=2))}}
        for i in range(0, len(rec.items("v1.0/servicePrincipals")), 50)])
    rec.set_items("v1.0/identityProtection/riskyServicePrincipals", [
        {"id": "sp-0040", "appId": app_id(40), "displayName": "Workload 0040",
         "riskLevel": "high", "riskState": "atRisk"}])
    rec.set_items("v1.0/identityProtection/servicePrincipalRiskDetections", [
        {"id": f"det-{n}", "servicePrincipalId": "sp-0040", "riskEventType": "leakedCredentials",
         "ipAddress": "192.0.2.7", "activityDateTime": iso(NOW - timedelta(days=n))}
        for n in range(2)])


def reader_tenant(sp_count: int = SP_COUNT) -> Recording:
    """The tenant; a smaller `sp_count` keeps tests that wait on Retry-After short."""
    rec = Recording(tenant_id=TENANT, recorded_at=NOW)
    rec.set_items("v1.0/organization", [{"id": TENANT, "displayName": "Contoso",
                                         "verifiedDomains": [{"name": "contoso.test",
                                                              "isDefault": True}]}])
    sps = [service_principal(i) for i in range(sp_count)]
    apps = [application(i) for i in range(APP_COUNT)]
    rec.set_items("v1.0/servicePrincipals", sps)
    rec.set_items("v1.0/applications", apps)
    _relations(rec, sps, apps)
    rec.set_items("v1.0/oauth2PermissionGrants", [
        {"id": f"grant-{i}", "clientId": f"sp-{i:04d}", "resourceId": GRAPH,
         "consentType": "AllPrincipals", "scope": "User.Read"} for i in range(3, 6)])
    rec.set_items("v1.0/roleManagement/directory/roleDefinitions", [
        {"id": "rd-ga", "displayName": "Global Administrator", "isBuiltIn": True},
        {"id": "rd-aa", "displayName": "Application Administrator", "isBuiltIn": True}])
    rec.set_items("v1.0/roleManagement/directory/roleAssignments", [
        {"id": "ra-1", "principalId": "sp-0007", "roleDefinitionId": "rd-aa",
         "directoryScopeId": "/"}])
    rec.set_items("v1.0/roleManagement/directory/roleEligibilitySchedules", [
        {"id": "re-1", "principalId": "sp-0008", "roleDefinitionId": "rd-ga",
         "directoryScopeId": "/", "memberType": "Direct"}])
    rec.bodies["v1.0/users/$count"] = 4321
    _activity(rec)
    return rec


# -- clients ----------------------------------------------------------------------------

def transport_client(state: ReplayState | Replay, faults: Faults | None = None
                     ) -> tuple[GraphClient, ReplayTransport]:
    transport = ReplayTransport(state, faults)
    return create_client(BASE, transport=transport), transport


@contextlib.asynccontextmanager
async def server_client(state: ReplayState | Replay, faults: Faults | None = None
                        ) -> AsyncIterator[tuple[GraphClient, ReplayServer]]:
    """A client over real HTTP to a replay server on 127.0.0.1."""
    server = ReplayServer(state, faults=faults).start()
    client = create_client(server.base_url)
    try:
        yield client, server
    finally:
        await client.aclose()
        server.stop()


# -- what the read must equal -------------------------------------------------------------

SELECTS = {"v1.0/applications": plan.APP_SELECT,
           "v1.0/servicePrincipals": [*plan.SP_SELECT, plan.CUSTOM_ATTRIBUTES],
           "v1.0/organization": plan.ORG_SELECT,
           "v1.0/oauth2PermissionGrants": plan.GRANT_SELECT}
WINDOWS = {"beta/auditLogs/signIns": ("createdDateTime", timedelta(days=7)),
           "v1.0/auditLogs/directoryAudits": ("activityDateTime", timedelta(days=30))}


def _selected(item: Any, names: Iterable[str] | None) -> Any:
    if names is None or not isinstance(item, dict):
        return item
    out = {name: item.get(name) for name in names}
    for cred in out.get("keyCredentials") or []:
        cred.pop("key", None)  # the reader drops certificate bodies
    return out


def _expected_items(served: Recording, path: str, now: datetime) -> list[Any]:
    items = [json.loads(json.dumps(i)) for i in served.items(path)]
    if path in WINDOWS:
        stamp, days = WINDOWS[path]
        items = [i for i in items if i[stamp] >= iso(now - days)]
    if path == "beta/auditLogs/signIns":
        items = [i for i in items if set(i["signInEventTypes"]) & {"servicePrincipal",
                                                                   "managedIdentity"}]
    if path == "v1.0/auditLogs/directoryAudits":
        items = [i for i in items if i["category"] in ("ApplicationManagement",
                                                       "RoleManagement")]
    if path.endswith("/appRoleAssignments"):
        names: list[str] | None = plan.ASSIGNMENT_SELECT
    else:
        names = SELECTS.get(path)
    return [_selected(i, names) for i in items]


def canonical(items: Iterable[Any]) -> list[str]:
    return sorted(json.dumps(i, sort_keys=True) for i in items)


def differences(served: Recording, read: Recording, now: datetime = NOW) -> list[str]:
    """Every path where the read differs from what the replay served (empty: identical)."""
    problems = []
    expected_paths = {p for p in served.bodies
                      if any(_matches(kind.path, p) for kind in KINDS)}
    for path in sorted(expected_paths | set(read.bodies)):
        if path not in read.bodies:
            problems.append(f"missing {path}")
            continue
        if path not in expected_paths:
            problems.append(f"unexpected {path}")
            continue
        if not isinstance(served.bodies[path], dict):
            if served.bodies[path] != read.bodies[path]:
                problems.append(f"{path}: {read.bodies[path]!r} != {served.bodies[path]!r}")
            continue
        want = canonical(_expected_items(served, path, now))
        got = canonical(read.items(path))
        if want != got:
            problems.append(f"{path}: {len(got)} items read, {len(want)} expected; first "
                            f"difference {next((g for g in got if g not in want), None)!r:.300}")
    return problems


def _matches(template: str, path: str) -> bool:
    if "{id}" not in template:
        return template == path
    prefix, suffix = template.split("{id}")
    middle = path[len(prefix): len(path) - len(suffix)]
    return path.startswith(prefix) and path.endswith(suffix) and bool(middle) \
        and "/" not in middle


def kinds_missing(served: Recording) -> set[str]:
    """Kinds the served recording does not hold: the replay refuses them."""
    return {kind.name for kind in KINDS if not served.has(kind)}


def test_the_support_tenant_has_what_the_reader_tests_rely_on():
    rec = reader_tenant()
    assert len(rec.items("v1.0/servicePrincipals")) == SP_COUNT
    holders = [p for p in rec.bodies if p.endswith("/appRoleAssignments")
               and any(a["resourceId"] == GRAPH for a in rec.items(p))]
    assert len(holders) > plan.PAGE  # appRoleAssignedTo of Graph takes two pages
    assert len(rec.items("v1.0/applications/app-00/owners")) > plan.EXPAND_LIMIT
    assert len(rec.items("v1.0/applications/app-05/federatedIdentityCredentials")) == 20
    assert not kinds_missing(rec)
    assert KIND_BY_NAME["userCount"].path in rec.bodies
