"""The small hand-made tenant the replay tests run against, and the clients they use.

Other test_replay_* modules import `tenant()` and the client helpers from here. The tenant
is built in code (not by the demo generator) so each test can compute what Graph should
answer straight from the data.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx

from graph.recording import write_recording
from graph.replay import Faults, Replay, ReplayServer, ReplayState, ReplayTransport
from models.recording import Recording, Unavailable

WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
BASE = "https://graph.microsoft.com"
GRAPH_SP = "sp-graph"  # the Microsoft Graph resource service principal
SP_TYPES = ("Application", "ManagedIdentity", "Legacy", "SocialIdp")
HOSTILE = "[b]evil[/b] \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \u202egnp.exe"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def tenant() -> Recording:
    """250 service principals, 30 applications, relations, audits, sign-ins, gaps."""
    rec = Recording(tenant_id="contoso-tenant", recorded_at=WHEN)
    sps = [{"id": GRAPH_SP, "appId": "00000003-0000-0000-c000-000000000000",
            "displayName": "Microsoft Graph", "servicePrincipalType": "Application",
            "appRoles": [{"id": "role-rw", "value": "Application.ReadWrite.All"}]}]
    for i in range(1, 250):
        sps.append({
            "id": f"sp-{i:03d}", "appId": f"app-id-{i:03d}",
            "displayName": HOSTILE if i == 13 else f"Workload {i:03d}",
            "servicePrincipalType": SP_TYPES[i % 4], "accountEnabled": i % 5 != 0,
            "tags": ["WindowsAzureActiveDirectoryIntegratedApp"] if i % 2 else [],
            "createdDateTime": _iso(WHEN - timedelta(days=i)),
        })
    rec.set_items("v1.0/servicePrincipals", sps)
    apps = [{"id": f"app-{i:02d}", "appId": f"app-id-{i:03d}", "displayName": f"App {i:02d}",
             "createdDateTime": _iso(WHEN - timedelta(days=10 * i))} for i in range(1, 31)]
    rec.set_items("v1.0/applications", apps)
    for i, app in enumerate(apps, start=1):
        owner_count = 25 if i == 1 else i % 3
        rec.set_items(f"v1.0/applications/{app['id']}/owners", [
            {"@odata.type": "#microsoft.graph.user", "id": f"user-{i}-{k}",
             "displayName": f"Owner {k}", "userPrincipalName": f"owner{k}@contoso.test"}
            for k in range(owner_count)])
        rec.set_items(f"v1.0/applications/{app['id']}/federatedIdentityCredentials", [
            {"id": f"fic-{i}", "name": "github", "issuer": "https://token.actions.githubusercontent.com",
             "subject": f"repo:contoso/app{i}:ref:refs/heads/main", "audiences": ["api://AzureADTokenExchange"]}
        ] if i % 4 == 0 else [])
    for sp in sps:
        i = 0 if sp["id"] == GRAPH_SP else int(sp["id"][3:])
        assignments = []
        if i and i % 7 == 0:
            assignments.append({"id": f"ara-{i}", "principalId": sp["id"],
                                "principalType": "ServicePrincipal", "resourceId": GRAPH_SP,
                                "appRoleId": "role-rw", "principalDisplayName": sp["displayName"]})
        rec.set_items(f"v1.0/servicePrincipals/{sp['id']}/appRoleAssignments", assignments)
        rec.set_items(f"v1.0/servicePrincipals/{sp['id']}/owners", [])
        rec.set_items(f"v1.0/servicePrincipals/{sp['id']}/memberOf", [
            {"@odata.type": "#microsoft.graph.group", "id": "group-1", "displayName": "Ops"}
        ] if i % 10 == 1 else [])
    rec.set_items("v1.0/oauth2PermissionGrants", [
        {"id": "grant-1", "clientId": "sp-001", "resourceId": GRAPH_SP, "consentType": "AllPrincipals",
         "scope": "User.Read"}])
    categories = ("ApplicationManagement", "RoleManagement", "UserManagement")
    rec.set_items("v1.0/auditLogs/directoryAudits", [
        {"id": f"audit-{i}", "category": categories[i % 3],
         "activityDisplayName": "Update application", "activityDateTime": _iso(WHEN - timedelta(hours=12 * i))}
        for i in range(60)])
    event_types = (["servicePrincipal"], ["managedIdentity"], ["interactiveUser"])
    rec.set_items("beta/auditLogs/signIns", [
        {"id": f"signin-{i}", "appId": f"app-id-{i % 20:03d}", "signInEventTypes": event_types[i % 3],
         "createdDateTime": _iso(WHEN - timedelta(hours=6 * i)), "ipAddress": f"10.0.0.{i % 5}"}
        for i in range(90)])
    rec.set_items("v1.0/roleManagement/directory/roleAssignments", [
        {"id": "ra-1", "principalId": "sp-007", "roleDefinitionId": "role-def-1", "directoryScopeId": "/"}])
    rec.bodies["v1.0/users/$count"] = 1234
    rec.unavailable["riskyServicePrincipals"] = Unavailable(
        403, "Authorization_RequestDenied: Insufficient privileges to complete the operation.",
        "IdentityRiskyServicePrincipal.Read.All")
    rec.unavailable["servicePrincipalSignInActivities"] = Unavailable(403, "", "AuditLog.Read.All")
    return rec


def transport_client(state: ReplayState | Replay, faults: Faults | None = None) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=ReplayTransport(state, faults), base_url=BASE)


@contextlib.contextmanager
def running_server(state: ReplayState | Replay, faults: Faults | None = None
                   ) -> Iterator[ReplayServer]:
    server = ReplayServer(state, faults=faults).start()
    try:
        yield server
    finally:
        server.stop()


async def read_all(client: httpx.AsyncClient, url: str, params: dict | None = None,
                   headers: dict | None = None, limit: int = 1000) -> tuple[list, list[int]]:
    """Follow @odata.nextLink to the end: all items and each page's size.

    `params` go on the first request only: a next link carries them itself.
    """
    items, sizes = [], []
    while url:
        response = await client.get(url, params=params, headers=headers)
        params = None
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["value"]
        sizes.append(len(body["value"]))
        url = body.get("@odata.nextLink")
        assert len(sizes) < limit, "the next links never end"
    return items, sizes


def test_the_tenant_round_trips_through_disk_into_the_replay(tmp_path):
    write_recording(tenant(), tmp_path / "rec")
    state = ReplayState.from_directory(tmp_path / "rec")
    assert len(state.collections["v1.0/servicePrincipals"]) == 250
    assert len(state.collections["v1.0/applications"]) == 30
    assert len(state.relation("v1.0/applications/app-01/owners")) == 25
    assert state.values["v1.0/users/$count"] == 1234
    assert state.unavailable["riskyServicePrincipals"].status == 403
    assert "appRoleAssignments" in state.kinds_read and "roleEligibilitySchedules" not in state.kinds_read
    assert [a["principalId"] for a in state.assigned_to(GRAPH_SP)] == [
        f"sp-{i:03d}" for i in range(7, 250, 7)]
