"""The replay's collections through an httpx client on its transport: paging, $select,
$filter, $count, single objects, relations, appRoleAssignedTo, $expand, unavailable data."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from test_replay_fixtures import BASE, GRAPH_SP, HOSTILE, read_all, tenant, transport_client

from graph.replay import ReplayState

EVENTUAL = {"ConsistencyLevel": "eventual"}


@pytest.fixture
def rec():
    return tenant()


@pytest.fixture
async def client(rec):
    async with transport_client(ReplayState(rec)) as c:
        yield c


def ids(items):
    return [i["id"] for i in items]


def assert_graph_error(response, status, code):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    assert set(error["innerError"]) >= {"date", "request-id", "client-request-id"}
    return error


async def test_paging_follows_next_links_to_the_exact_end(client, rec):
    items, sizes = await read_all(client, "/v1.0/servicePrincipals?$top=100")
    assert sizes == [100, 100, 50]
    assert ids(items) == ids(rec.items("v1.0/servicePrincipals"))
    first = (await client.get("/v1.0/servicePrincipals?$top=100")).json()
    link = first["@odata.nextLink"]
    assert link.startswith(f"{BASE}/v1.0/servicePrincipals?")
    params = parse_qs(urlsplit(link).query)
    assert params["$top"] == ["100"] and len(params["$skiptoken"]) == 1
    assert "100" not in params["$skiptoken"][0]  # opaque, not a bare offset


async def test_default_page_size_and_top_limits(client):
    assert (await read_all(client, "/v1.0/servicePrincipals"))[1] == [100, 100, 50]
    assert (await read_all(client, "/v1.0/servicePrincipals?$top=999"))[1] == [250]
    assert (await read_all(client, "/v1.0/servicePrincipals?$top=7"))[1][:2] == [7, 7]
    for bad in ("1000", "0", "-1", "many"):
        r = await client.get(f"/v1.0/servicePrincipals?$top={bad}")
        error = assert_graph_error(r, 400, "Request_UnsupportedQuery")
        assert error["message"] == (f"Invalid page size specified: '{bad}'. Must be between "
                                    "1 and 999 inclusive.")
    r = await client.get("/v1.0/servicePrincipals/sp-graph/appRoleAssignedTo?$top=1000")
    assert_graph_error(r, 400, "Request_UnsupportedQuery")
    # sign-ins page up to 1,000
    events = {"$filter": "signInEventTypes/any(t: t eq 'servicePrincipal')"}
    assert (await read_all(client, "/beta/auditLogs/signIns?$top=1000", params=events))[1] == [30]
    error = assert_graph_error(await client.get("/beta/auditLogs/signIns?$top=1001"), 400,
                               "Request_UnsupportedQuery")
    assert "between 1 and 1000 inclusive" in error["message"]


async def test_a_broken_skiptoken_is_a_400(client):
    r = await client.get("/v1.0/servicePrincipals?$skiptoken=not-a-token")
    assert_graph_error(r, 400, "Request_BadRequest")


async def test_select_returns_only_the_asked_properties(client, rec):
    r = await client.get("/v1.0/servicePrincipals?$select=appId,displayName&$top=3")
    body = r.json()
    assert body["@odata.context"] == f"{BASE}/v1.0/$metadata#servicePrincipals(appId,displayName)"
    assert body["value"][0] == {"appId": "00000003-0000-0000-c000-000000000000",
                                "displayName": "Microsoft Graph"}
    owners = (await client.get("/v1.0/applications/app-01/owners?$select=displayName")).json()
    assert owners["value"][0] == {"@odata.type": "#microsoft.graph.user", "displayName": "Owner 0"}
    sparse = (await client.get("/v1.0/servicePrincipals?$select=id,notes&$top=1")).json()
    assert sparse["value"] == [{"id": GRAPH_SP, "notes": None}]


async def test_hostile_text_comes_back_byte_for_byte(client):
    r = await client.get("/v1.0/servicePrincipals/sp-013?$select=displayName")
    assert r.json()["displayName"] == HOSTILE


def spx(rec, predicate):
    return [s["id"] for s in rec.items("v1.0/servicePrincipals") if predicate(s)]


@pytest.mark.parametrize("expr, path, expected", [
    ("id eq 'sp-042'", "v1.0/servicePrincipals", lambda o: o["id"] == "sp-042"),
    ("appId eq 'APP-ID-007'", "v1.0/servicePrincipals", lambda o: o["appId"] == "app-id-007"),
    ("servicePrincipalType eq 'ManagedIdentity'", "v1.0/servicePrincipals",
     lambda o: o.get("servicePrincipalType") == "ManagedIdentity"),
    ("servicePrincipalType eq 'Legacy' and (accountEnabled eq false or appId eq 'app-id-006')",
     "v1.0/servicePrincipals",
     lambda o: o.get("servicePrincipalType") == "Legacy"
     and (o.get("accountEnabled") is False or o["appId"] == "app-id-006")),
    ("appId in ('app-id-001', 'app-id-002')", "v1.0/applications",
     lambda o: o["appId"] in ("app-id-001", "app-id-002")),
    ("startswith(displayName,'app 1')", "v1.0/applications",
     lambda o: o["displayName"].startswith("App 1")),
    ("createdDateTime ge 2026-08-01T00:00:00Z", "v1.0/applications",
     lambda o: o["createdDateTime"] >= "2026-08-01T00:00:00Z"),
    ("category eq 'ApplicationManagement' or category eq 'RoleManagement'",
     "v1.0/auditLogs/directoryAudits",
     lambda o: o["category"] in ("ApplicationManagement", "RoleManagement")),
    ("activityDateTime ge 2026-11-10T09:00:00Z and category eq 'RoleManagement'",
     "v1.0/auditLogs/directoryAudits",
     lambda o: o["activityDateTime"] >= "2026-11-10T09:00:00Z" and o["category"] == "RoleManagement"),
    ("activityDateTime ge 2026-11-10T11:00:00+02:00", "v1.0/auditLogs/directoryAudits",
     lambda o: o["activityDateTime"] >= "2026-11-10T09:00:00Z"),
    ("signInEventTypes/any(t: t eq 'servicePrincipal') or signInEventTypes/any(t: t eq "
     "'managedIdentity')", "beta/auditLogs/signIns",
     lambda o: o["signInEventTypes"][0] in ("servicePrincipal", "managedIdentity")),
    ("(signInEventTypes/any(t:t eq 'managedIdentity')) and createdDateTime ge 2026-11-15T00:00:00Z",
     "beta/auditLogs/signIns",
     lambda o: o["signInEventTypes"] == ["managedIdentity"]
     and o["createdDateTime"] >= "2026-11-15T00:00:00Z"),
])
async def test_each_filter_form_selects_exactly_the_matching_objects(client, rec, expr, path,
                                                                       expected):
    items, _ = await read_all(client, f"/{path}", params={"$filter": expr, "$top": "10"})
    want = [o["id"] for o in rec.items(path) if expected(o)]
    assert want, "the case must match something"
    assert ids(items) == want


async def test_principal_type_filter_on_app_role_assigned_to(client, rec):
    url = f"/v1.0/servicePrincipals/{GRAPH_SP}/appRoleAssignedTo"
    items, _ = await read_all(client, url, params={"$filter": "principalType eq 'ServicePrincipal'"})
    assert len(items) == len(range(7, 250, 7))
    none, _ = await read_all(client, url, params={"$filter": "principalType eq 'User'"})
    assert none == []


@pytest.mark.parametrize("expr", [
    "displayName has 'x'", "contains(displayName,'x')", "appId eq", "appId eq 'a' and",
    "signInEventTypes/all(t: t eq 'x')", "signInEventTypes/any(t: s eq 'x')", "(appId eq 'a'",
    "appId eq 'a' xor appId eq 'b'", "accountEnabled gt true", "",
])
async def test_an_unsupported_filter_is_a_graph_400(client, expr):
    r = await client.get("/v1.0/servicePrincipals", params={"$filter": expr})
    assert_graph_error(r, 400, "BadRequest")


async def test_advanced_filters_need_consistency_level_and_count(client, rec):
    params = {"$filter": "servicePrincipalType ne 'Application'", "$count": "true"}
    r = await client.get("/v1.0/servicePrincipals", params=params)
    assert_graph_error(r, 400, "Request_UnsupportedQuery")
    items, _ = await read_all(client, "/v1.0/servicePrincipals", params=params, headers=EVENTUAL)
    assert ids(items) == spx(rec, lambda o: o.get("servicePrincipalType") != "Application")


async def test_count(client, rec):
    r = await client.get("/v1.0/servicePrincipals?$count=true&$top=5&$filter=servicePrincipalType "
                         "eq 'Legacy'", headers=EVENTUAL)
    assert r.json()["@odata.count"] == len(spx(rec, lambda o: o.get("servicePrincipalType") == "Legacy"))
    assert len(r.json()["value"]) == 5
    second = await client.get(r.json()["@odata.nextLink"], headers=EVENTUAL)
    assert "@odata.count" not in second.json()  # Graph counts on the first page only
    expand = await client.get("/v1.0/applications?$count=true&$expand=owners", headers=EVENTUAL)
    assert_graph_error(expand, 400, "Request_UnsupportedQuery")
    # without the header Graph ignores the $count parameter ([AQ]) but refuses the segment
    ignored = await client.get("/v1.0/servicePrincipals?$count=true&$top=5")
    assert ignored.status_code == 200 and "@odata.count" not in ignored.json()
    users = await client.get("/v1.0/users/$count", headers=EVENTUAL)
    assert users.status_code == 200 and users.text == "1234"
    assert users.headers["content-type"].startswith("text/plain")
    assert (await client.get("/v1.0/servicePrincipals/$count", headers=EVENTUAL)).text == "250"
    for url in ("/v1.0/users/$count", "/v1.0/applications/$count"):
        error = assert_graph_error(await client.get(url), 400, "Request_BadRequest")
        assert error["message"] == "$count is not currently supported."
    advanced = await client.get("/v1.0/servicePrincipals/$count", headers=EVENTUAL,
                                params={"$filter": "servicePrincipalType ne 'Application'"})
    assert advanced.text == str(len(spx(rec, lambda o: o["servicePrincipalType"] != "Application")))
    owners = await client.get("/v1.0/applications/app-01/owners/$count", headers=EVENTUAL)
    assert owners.text == "25"
    missing = await client.get("/v1.0/applications/nope/owners/$count", headers=EVENTUAL)
    assert_graph_error(missing, 404, "Request_ResourceNotFound")


async def test_user_count_absent_is_a_404(rec):
    del rec.bodies["v1.0/users/$count"]
    async with transport_client(ReplayState(rec)) as client:
        r = await client.get("/v1.0/users/$count", headers=EVENTUAL)
        assert_graph_error(r, 404, "Request_ResourceNotFound")


async def test_single_objects_and_404(client):
    r = await client.get("/v1.0/servicePrincipals/sp-042")
    body = r.json()
    assert body["@odata.context"].endswith("#servicePrincipals/$entity")
    assert body["id"] == "sp-042" and body["appId"] == "app-id-042"
    r = await client.get("/v1.0/applications/app-03?$select=displayName")
    assert {k: v for k, v in r.json().items() if k != "@odata.context"} == {"displayName": "App 03"}
    error = assert_graph_error(await client.get("/v1.0/servicePrincipals/nope"), 404,
                               "Request_ResourceNotFound")
    assert "nope" in error["message"]
    assert_graph_error(await client.get("/v1.0/applications/nope"), 404, "Request_ResourceNotFound")


async def test_relation_paths(client, rec):
    owners, sizes = await read_all(client, "/v1.0/applications/app-01/owners?$top=10")
    assert sizes == [10, 10, 5] and ids(owners) == ids(rec.items("v1.0/applications/app-01/owners"))
    fics = (await client.get("/v1.0/applications/app-04/federatedIdentityCredentials")).json()
    assert fics["value"][0]["subject"] == "repo:contoso/app4:ref:refs/heads/main"
    member_of = (await client.get("/v1.0/servicePrincipals/sp-011/memberOf")).json()
    assert member_of["value"][0]["@odata.type"] == "#microsoft.graph.group"
    assert (await client.get("/v1.0/servicePrincipals/sp-012/owners")).json()["value"] == []
    assert_graph_error(await client.get("/v1.0/applications/nope/owners"), 404,
                       "Request_ResourceNotFound")
    assert_graph_error(await client.get("/v1.0/applications/app-01/ownerz"), 400, "BadRequest")


async def test_app_role_assigned_to_is_derived_from_every_principals_assignments(client, rec):
    items, _ = await read_all(client, f"/v1.0/servicePrincipals/{GRAPH_SP}/appRoleAssignedTo")
    expected = [a for sp in rec.items("v1.0/servicePrincipals")
                for a in rec.items(f"v1.0/servicePrincipals/{sp['id']}/appRoleAssignments")]
    assert items == expected and len(items) == 35
    empty = await client.get("/v1.0/servicePrincipals/sp-001/appRoleAssignedTo")
    assert empty.json()["value"] == []


async def test_expand_owners_on_the_list(client, rec):
    r = await client.get("/v1.0/applications?$expand=owners($select=displayName)&$top=999"
                         "&$select=id,displayName")
    body = r.json()
    first = body["value"][0]
    assert set(first) == {"id", "displayName", "owners"}
    assert len(first["owners"]) == 20  # Graph expands at most 20 related objects
    assert first["owners"][0] == {"@odata.type": "#microsoft.graph.user", "id": "user-1-0",
                                  "displayName": "Owner 0"}
    assert [len(a["owners"]) for a in body["value"][1:4]] == [2, 0, 1]
    items, sizes = await read_all(client, "/v1.0/servicePrincipals?$expand=memberOf&$top=999")
    assert sizes == [100, 100, 50]  # $expand caps a page at 100
    assert items[11]["memberOf"][0]["id"] == "group-1"
    single = (await client.get("/v1.0/applications/app-04?$expand=federatedIdentityCredentials")).json()
    assert single["federatedIdentityCredentials"][0]["id"] == "fic-4"
    assert_graph_error(await client.get("/v1.0/applications?$expand=nothing"), 400, "BadRequest")


async def test_unavailable_kinds_answer_like_graph(client):
    risky = await client.get("/v1.0/identityProtection/riskyServicePrincipals")
    error = assert_graph_error(risky, 403, "Authorization_RequestDenied")
    assert error["message"] == "Insufficient privileges to complete the operation."
    report = await client.get("/beta/reports/servicePrincipalSignInActivities")
    assert_graph_error(report, 403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant")
    never_read = await client.get("/v1.0/roleManagement/directory/roleEligibilitySchedules")
    error = assert_graph_error(never_read, 403, "Authorization_RequestDenied")
    assert "RoleEligibilitySchedule.Read.Directory" in error["message"]


async def test_beta_falls_back_to_the_v1_data(client):
    items, _ = await read_all(client, "/beta/servicePrincipals?$top=999&$select=id")
    assert len(items) == 250
    assert (await client.get("/beta/applications/app-01/owners")).json()["value"][0]["id"] == "user-1-0"


async def test_unknown_paths_versions_and_verbs(client):
    assert_graph_error(await client.get("/v1.0/nothingHere"), 400, "BadRequest")
    assert_graph_error(await client.get("/v2.0/servicePrincipals"), 400, "BadRequest")
    assert_graph_error(await client.post("/v1.0/servicePrincipals", json={}), 405,
                       "Request_BadRequest")
    assert_graph_error(await client.get("/v1.0/servicePrincipals?$orderby=displayName"), 400,
                       "Request_UnsupportedQuery")
    assert_graph_error(await client.get("/v1.0/servicePrincipals?$bogus=1"), 400, "BadRequest")


async def test_no_authorization_header_or_token_is_echoed(client):
    headers = {"Authorization": "Bearer eyJ-secret-token", "client-request-id": "abc-123"}
    for url in ("/v1.0/servicePrincipals?$top=1", "/v1.0/servicePrincipals/nope"):
        r = await client.get(url, headers=headers)
        assert "eyJ-secret-token" not in r.text
        assert all("eyJ-secret-token" not in v for v in r.headers.values())
        assert "authorization" not in {k.lower() for k in r.headers}
        assert r.headers["client-request-id"] == "abc-123"


async def test_timestamps_in_errors_are_iso(client):
    r = await client.get("/v1.0/servicePrincipals/nope")
    datetime.fromisoformat(r.json()["error"]["innerError"]["date"])
