"""What an answer holds, through the transport: `$select` names checked against Graph's v1.0
types, select-only properties (`customSecurityAttributes`, `keyCredentials[].key`), one
relation per `$expand`, and sign-ins that are interactive unless an event type is asked."""

from __future__ import annotations

import pytest
from test_replay_fixtures import GRAPH_SP, read_all, tenant, transport_client

from graph.replay import ReplayState

CERT = "MIIC-public-certificate-bytes"
ATTRIBUTES = {"Engineering": {"@odata.type": "#microsoft.graph.customSecurityAttributeValue",
                              "Project": "Baker"}}


@pytest.fixture
def rec():
    rec = tenant()
    sps = rec.items("v1.0/servicePrincipals")
    sps[1]["keyCredentials"] = [{"keyId": "kc-1", "type": "AsymmetricX509Cert", "key": CERT}]
    sps[1]["customSecurityAttributes"] = ATTRIBUTES
    rec.items("v1.0/applications")[0]["keyCredentials"] = [{"keyId": "kc-2", "key": CERT}]
    return rec


@pytest.fixture
async def client(rec):
    async with transport_client(ReplayState(rec)) as c:
        yield c


def graph_400(response, message=None):
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "BadRequest"
    if message is not None:
        assert error["message"] == message
    return error


@pytest.mark.parametrize("url, name, type_name", [
    ("/v1.0/applications?$select=id,displayNam", "displayNam", "application"),
    ("/v1.0/servicePrincipals/sp-001?$select=appId,nope", "nope", "servicePrincipal"),
    ("/v1.0/servicePrincipals/delta?$select=displayName,bogus", "bogus", "servicePrincipal"),
    # publisherName exists on beta service principals only
    ("/v1.0/servicePrincipals?$select=id,publisherName", "publisherName", "servicePrincipal"),
    (f"/v1.0/servicePrincipals/{GRAPH_SP}/appRoleAssignedTo?$select=id,scope", "scope",
     "appRoleAssignment"),
    ("/v1.0/oauth2PermissionGrants?$select=id,expiryTime", "expiryTime", "oAuth2PermissionGrant"),
])
async def test_select_of_an_unknown_property_is_graphs_400(client, url, name, type_name):
    graph_400(await client.get(url),
              f"Parsing OData Select and Expand failed: Could not find a property named "
              f"'{name}' on type 'microsoft.graph.{type_name}'.")


async def test_select_names_are_checked_only_where_the_type_is_known(client):
    # beta has more properties than v1.0 (publisherName): not checked there
    beta = await client.get("/beta/servicePrincipals?$select=id,publisherName&$top=1")
    assert beta.status_code == 200 and beta.json()["value"] == [{"id": GRAPH_SP,
                                                                 "publisherName": None}]
    owners = await client.get("/v1.0/applications/app-01/owners?$select=userPrincipalName")
    assert owners.json()["value"][0]["userPrincipalName"] == "owner0@contoso.test"
    audits = await client.get("/v1.0/auditLogs/directoryAudits?$select=id,category&$top=1")
    assert audits.json()["value"] == [{"id": "audit-0", "category": "ApplicationManagement"}]


async def test_select_spelling_and_relationships(client):
    r = await client.get("/v1.0/servicePrincipals?$select=ID,DisplayName,owners&$top=1")
    assert r.status_code == 200
    # Graph's own spelling comes back; a relationship adds nothing without $expand
    assert r.json()["value"] == [{"id": GRAPH_SP, "displayName": "Microsoft Graph"}]


async def test_custom_security_attributes_and_certificate_keys_only_when_selected(client):
    plain = (await client.get("/v1.0/servicePrincipals?$top=2")).json()["value"][1]
    assert "customSecurityAttributes" not in plain
    assert plain["keyCredentials"] == [{"keyId": "kc-1", "type": "AsymmetricX509Cert",
                                        "key": None}]
    single = (await client.get("/v1.0/servicePrincipals/sp-001")).json()
    assert "customSecurityAttributes" not in single and single["keyCredentials"][0]["key"] is None
    app = (await client.get("/v1.0/applications/app-01")).json()
    assert app["keyCredentials"] == [{"keyId": "kc-2", "key": None}]

    chosen = (await client.get("/v1.0/servicePrincipals/sp-001?$select=id,keyCredentials,"
                               "customSecurityAttributes")).json()
    assert chosen["keyCredentials"][0]["key"] == CERT
    assert chosen["customSecurityAttributes"] == ATTRIBUTES
    listed, _ = await read_all(client, "/v1.0/applications?$select=id,keyCredentials&$top=999")
    assert listed[0]["keyCredentials"][0]["key"] == CERT
    other = (await client.get("/v1.0/servicePrincipals/sp-001?$select=id,displayName")).json()
    assert "keyCredentials" not in other and "customSecurityAttributes" not in other
    # the stored object was not changed by the default view
    again = (await client.get("/v1.0/servicePrincipals/sp-001?$select=keyCredentials")).json()
    assert again["keyCredentials"][0]["key"] == CERT


async def test_delta_follows_the_same_rules(client):
    full = (await client.get("/v1.0/servicePrincipals/delta?$top=2")).json()["value"][1]
    assert "customSecurityAttributes" not in full and full["keyCredentials"][0]["key"] is None
    chosen = (await client.get("/v1.0/servicePrincipals/delta?$top=2&$select=keyCredentials")
              ).json()["value"][1]
    assert chosen == {"id": "sp-001", "keyCredentials": [
        {"keyId": "kc-1", "type": "AsymmetricX509Cert", "key": CERT}]}


@pytest.mark.parametrize("url", [
    "/v1.0/servicePrincipals?$select=id&$expand=owners,memberOf",
    "/v1.0/applications?$expand=owners,federatedIdentityCredentials",
    "/v1.0/applications/app-01?$expand=owners($select=id),federatedIdentityCredentials",
])
async def test_expand_takes_one_relation(client, url):
    graph_400(await client.get(url), "The result of parsing $expand contained at least 2 "
              "items, but the maximum allowed is 1.")


async def test_expanded_service_principals_get_default_properties(rec):
    owner = {"@odata.type": "#microsoft.graph.servicePrincipal", "id": "sp-001",
             "keyCredentials": [{"keyId": "kc-1", "key": CERT}],
             "customSecurityAttributes": ATTRIBUTES}
    rec.set_items("v1.0/applications/app-02/owners", [owner])
    async with transport_client(ReplayState(rec)) as client:
        app = (await client.get("/v1.0/applications/app-02?$expand=owners")).json()
        listed = (await client.get("/v1.0/applications/app-02/owners")).json()["value"]
    for item in (app["owners"][0], listed[0]):
        assert item == {"@odata.type": "#microsoft.graph.servicePrincipal", "id": "sp-001",
                        "keyCredentials": [{"keyId": "kc-1", "key": None}]}


def event_types(items):
    return {t for item in items for t in item["signInEventTypes"]}


async def test_sign_ins_without_an_event_type_filter_are_interactive_only(client, rec):
    everything = rec.items("beta/auditLogs/signIns")
    plain, _ = await read_all(client, "/beta/auditLogs/signIns?$top=1000")
    assert event_types(plain) == {"interactiveUser"}
    assert len(plain) == sum(1 for s in everything if s["signInEventTypes"] == ["interactiveUser"])
    since = {"$filter": "createdDateTime ge 2026-11-15T00:00:00Z"}
    recent, _ = await read_all(client, "/beta/auditLogs/signIns", params=since)
    assert recent and event_types(recent) == {"interactiveUser"}
    assert all(s["createdDateTime"] >= "2026-11-15T00:00:00Z" for s in recent)
    for kind in ("servicePrincipal", "managedIdentity"):
        asked = {"$filter": "createdDateTime ge 2026-10-01T00:00:00Z and "
                            f"signInEventTypes/any(t: t eq '{kind}')"}
        items, _ = await read_all(client, "/beta/auditLogs/signIns", params=asked)
        assert event_types(items) == {kind}
        assert len(items) == sum(1 for s in everything if s["signInEventTypes"] == [kind]
                                 and s["createdDateTime"] >= "2026-10-01T00:00:00Z")
