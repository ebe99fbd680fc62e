"""Joining apps and service principals into identities: the seven kinds and their facts."""

from __future__ import annotations

from test_analysis_support import GRAPH, MICROSOFT, Tenant, identity, secret, user

from models.identity import WorkloadIdentity


def _tenant() -> tuple[Tenant, dict[str, str]]:
    t = Tenant()
    ids = {}
    ids["app"] = t.app("Payroll sync", secrets=[secret("5ec7e700-0000-4000-8000-000000000001")],
                       owners=[user("ann@contoso.test", "a0000000-0000-4000-8000-000000000001")])
    ids["lone"] = t.app("Draft app", sp=False, audience="AzureADMultipleOrgs")
    ids["external"] = {"spId": t.service_principal(
        "Vendor CRM", owner_org="99999999-9999-4999-8999-999999999999",
        audience="AzureADMultipleOrgs")}
    ids["microsoft"] = {"spId": t.resource(GRAPH, "Microsoft Graph")}
    ids["system"] = {"spId": t.managed_identity("web-prod", user_assigned=False)}
    ids["user"] = {"spId": t.managed_identity("deploy-id", user_assigned=True)}
    ids["legacy"] = {"spId": t.service_principal("Old test app", sp_type="Legacy",
                                                 owner_org=t.tenant_id)}
    return t, ids


def _by_name(analysis) -> dict[str, WorkloadIdentity]:
    return {i.display_name: i for i in analysis.identities}


def test_every_kind_is_recognised():
    t, ids = _tenant()
    analysis = t.analyze()
    kinds = {i.display_name: i.kind for i in analysis.identities}
    assert kinds == {
        "Payroll sync": "app", "Draft app": "app-without-sp", "Vendor CRM": "external-app",
        "Microsoft Graph": "microsoft-app", "web-prod": "managed-identity-system",
        "deploy-id": "managed-identity-user", "Old test app": "legacy",
    }


def test_app_joins_its_service_principal_and_keeps_both_ids():
    t, ids = _tenant()
    app = identity(t.analyze(), ids["app"]["spId"])
    assert app.application_id == ids["app"]["applicationId"]
    assert app.service_principal_id == ids["app"]["spId"]
    assert app.app_id == ids["app"]["appId"]
    assert app.raw_application["id"] == ids["app"]["applicationId"]
    assert app.raw_service_principal["id"] == ids["app"]["spId"]
    assert [o.upn for o in app.owners] == ["ann@contoso.test"]
    assert app.facts.tenant_boundary.startswith("single-tenant")


def test_app_without_service_principal_is_keyed_by_application_id():
    t, ids = _tenant()
    lone = identity(t.analyze(), ids["lone"]["applicationId"])
    assert lone.service_principal_id is None and lone.kind == "app-without-sp"
    assert "cannot sign in to this tenant" in lone.facts.summary
    assert "other tenants may have one" in lone.facts.summary  # multi-tenant audience


def test_managed_identities_keep_their_arm_resource_id():
    t, ids = _tenant()
    analysis = t.analyze()
    system = identity(analysis, ids["system"]["spId"])
    assigned = identity(analysis, ids["user"]["spId"])
    assert system.facts.arm_resource_id.endswith("/Microsoft.Web/sites/web-prod")
    assert assigned.facts.arm_resource_id.endswith("/userAssignedIdentities/deploy-id")
    assert "lives and dies with one Azure resource" in system.facts.summary
    assert "Resource Manager" in assigned.facts.credential_management
    assert "24 hours" in system.facts.token_lifetime
    # their certificates are Azure's own, rotated automatically
    assert all(c.managed_by_azure for c in system.credentials) and system.credentials


def test_arm_path_decides_when_is_explicit_is_missing():
    t = Tenant()
    sp = t.service_principal("vm-identity", sp_type="ManagedIdentity", alternativeNames=[
        "/subscriptions/1/resourceGroups/rg/providers/Microsoft.ManagedIdentity/"
        "userAssignedIdentities/vm-identity"])
    assert identity(t.analyze(), sp).kind == "managed-identity-user"


def test_external_and_microsoft_apps_name_their_home_tenant():
    t, ids = _tenant()
    analysis = t.analyze()
    vendor = identity(analysis, ids["external"]["spId"])
    graph = identity(analysis, ids["microsoft"]["spId"])
    assert vendor.facts.owner_tenant_id == "99999999-9999-4999-8999-999999999999"
    assert "publisher manages its credentials" in vendor.facts.credential_management
    assert graph.facts.owner_tenant_id == MICROSOFT
    assert "suspicious" in graph.facts.credential_management


def test_other_microsoft_tenants_count_as_first_party():
    t = Tenant()
    sp = t.service_principal("Microsoft internal tool",
                             owner_org="72f988bf-86f1-41af-91ab-2d7cd011db47")
    assert identity(t.analyze(), sp).kind == "microsoft-app"


def test_service_principal_of_this_tenant_without_its_app_object_is_an_app():
    t = Tenant()
    sp = t.service_principal("Half-read app", owner_org=t.tenant_id)
    found = identity(t.analyze(), sp)
    assert found.kind == "app" and found.application_id is None
    assert "not read" in found.facts.tied_to


def test_secret_values_never_reach_the_raw_view():
    t = Tenant()
    ids = t.app("Leaky", secrets=[{**secret("5ec7e700-0000-4000-8000-000000000009"),
                                   "secretText": "hunter2"}])
    found = identity(t.analyze(), ids["spId"])
    assert "hunter2" not in found.model_dump_json()
    assert found.credentials[0].key_id == "5ec7e700-0000-4000-8000-000000000009"


def test_identity_json_round_trip_keeps_everything():
    t, ids = _tenant()
    for found in t.analyze().identities:
        again = WorkloadIdentity.model_validate_json(found.model_dump_json())
        assert again == found


def test_hostile_names_stay_raw_data():
    t = Tenant()
    name = "[b]x[/b]\x1b[31m\u202e"
    ids = t.app(name)
    assert identity(t.analyze(), ids["spId"]).display_name == name
