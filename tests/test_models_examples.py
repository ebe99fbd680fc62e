"""Microsoft's documented example responses parse into our models, with their values.

The samples are copied verbatim from the Graph docs (tests/data/graph-examples/SOURCES.md)
and are sometimes sloppy on purpose: malformed timestamps, placeholders, "Type" for "type",
a beta context on a v1.0 page, objects without an id.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from models.activity import (
    DirectoryAudit,
    RiskyServicePrincipal,
    ServicePrincipalRiskDetection,
    ServicePrincipalSignInActivity,
    SummarizedSignIn,
)
from models.apps import Application, FederatedIdentityCredential, ServicePrincipal
from models.base import collect_warnings, parse_many
from models.directory import (
    AppRoleAssignment,
    DirectoryObject,
    OAuth2PermissionGrant,
    UnifiedRoleAssignment,
    parse_directory_object,
)
from models.protocol import BatchResponse, GraphError, Page

EXAMPLES = Path(__file__).parent / "data" / "graph-examples"


def load(name: str):
    return json.loads((EXAMPLES / name).read_text())


def values(name: str) -> list:
    return Page.model_validate(load(name)).value


def test_every_example_file_is_covered():
    covered = {name for name in globals()["COVERED"]}
    on_disk = {p.name for p in EXAMPLES.glob("*.json")}
    assert on_disk == covered


COVERED = {
    "application_delta.json", "batch_response.json", "delta_removed_item_sample.json",
    "getSummarizedServicePrincipalSignIns.json", "get_servicePrincipal.json",
    "get_servicePrincipal_customSecurityAttributes.json",
    "get_servicePrincipal_customSecurityAttributes_none.json", "get_servicePrincipal_select.json",
    "list_appRoleAssignments.json", "list_applications.json",
    "list_applications_lessthan2owners.json", "list_applications_search_count.json",
    "list_directoryAudits.json", "list_federatedIdentityCredentials.json",
    "list_oauth2PermissionGrants.json", "list_owners_application.json",
    "list_owners_servicePrincipal.json", "list_riskyServicePrincipals.json",
    "list_servicePrincipalRiskDetections.json", "list_servicePrincipalSignInActivities.json",
    "list_servicePrincipals.json", "list_servicePrincipals_2015sample.json",
    "list_servicePrincipals_search_count.json", "list_unifiedRoleAssignments.json",
    "throttled_429_response.json",
}


def test_application_delta_with_placeholder_timestamp():
    page = Page.model_validate(load("application_delta.json"))
    assert page.next_link and "skiptoken" in page.next_link
    with collect_warnings() as warnings:
        [app] = parse_many(Application, page.value)
    assert app.created_date_time is None  # "datetime-value" is unknown, not an error
    assert warnings.count == 1
    assert app.api is not None
    # v1.0 spells it oauth2PermissionScopes; this old sample uses the beta name
    assert app.api.oauth2_permission_scopes[0].value == "value-value"
    assert app.api.oauth2_permission_scopes[0].is_enabled is True


def test_batch_response_items_keep_status_and_body():
    batch = BatchResponse.model_validate(load("batch_response.json"))
    assert [r.status for r in batch.responses] == [200, 403, 403, 405, 200]
    first = Page.model_validate(batch.responses[0].body)
    [role] = [parse_directory_object(o) for o in first.value]
    assert role.kind == "directoryRole"
    assert role.display_name == "User Administrator"
    assert role.role_template_id == "fe930be7-5e62-47db-91af-98c3a49a38b1"
    error = GraphError.model_validate(batch.responses[2].body)
    assert error.error.code == "Authorization_RequestDenied"
    assert "Insufficient privileges" in error.text
    assert batch.responses[1].headers["X-ProxyCluster"] == "wus-001.tasks.osi.office.net"
    assert Page.model_validate(batch.responses[4].body).count == 36


def test_delta_removed_marker():
    sp = ServicePrincipal.model_validate(load("delta_removed_item_sample.json"))
    assert sp.removed == {"reason": "changed"}


def test_summarized_service_principal_sign_ins():
    rows = parse_many(SummarizedSignIn, values("getSummarizedServicePrincipalSignIns.json"))
    assert len(rows) == 3
    assert rows[0].sign_in_count == 24
    assert rows[0].ip_address == "203.0.113.88"
    assert rows[0].aggregation_date_time == datetime(2025, 2, 26, 6, tzinfo=UTC)
    assert rows[1].resource_display_name == "Azure Key Vault"
    assert rows[2].managed_service_identity.msi_type == "none"
    assert rows[0].succeeded


def test_get_service_principal_with_null_type_and_placeholder_app_id():
    sp = ServicePrincipal.model_validate(load("get_servicePrincipal.json"))
    assert sp.id == "00af5dfb-85da-4b41-a677-0c6b86dd34f8"
    assert sp.app_id == "appId-value"
    assert sp.service_principal_type is None
    assert sp.alternative_names == ["http://contoso/a7770d29-4321-41a6-b863-ca11d6639448"]
    assert sp.verified_publisher.added_date_time == datetime(2021, 4, 24, 17, 49, 44, tzinfo=UTC)
    assert sp.account_enabled is True


def test_custom_security_attributes_present_and_null():
    sp = ServicePrincipal.model_validate(load("get_servicePrincipal_customSecurityAttributes.json"))
    assert sp.custom_security_attributes["Engineering"]["Project"] == ["Baker", "Cascade"]
    none = ServicePrincipal.model_validate(
        load("get_servicePrincipal_customSecurityAttributes_none.json")
    )
    assert none.custom_security_attributes is None


def test_service_principal_select_with_beta_scope_name():
    sp = ServicePrincipal.model_validate(load("get_servicePrincipal_select.json"))
    assert sp.app_id == "00000003-0000-0000-c000-000000000000"
    assert sp.app_roles[0].value == "EduAssignments.ReadBasic.All"
    assert sp.app_roles[0].allowed_member_types == ["Application"]
    assert sp.oauth2_permission_scopes[0].id == "14dad69e-099b-42c9-810b-d002981feec1"
    assert sp.oauth2_permission_scopes[0].type == "User"


def test_app_role_assignments():
    [assignment] = parse_many(AppRoleAssignment, values("list_appRoleAssignments.json"))
    assert assignment.app_role_id == "e2a3a72e-5f79-4c64-b1b1-878b674786c9"
    assert assignment.principal_type == "ServicePrincipal"
    assert assignment.resource_display_name == "Microsoft Graph"
    assert assignment.created_date_time.microsecond == 498025  # 7 fraction digits


@pytest.mark.parametrize(
    "name, count",
    [("list_applications.json", None), ("list_applications_search_count.json", 1396),
     ("list_applications_lessthan2owners.json", 3)],
)
def test_applications(name, count):
    page = Page.model_validate(load(name))
    apps = parse_many(Application, page.value)
    assert page.count == count
    assert apps and all(isinstance(a, Application) for a in apps)
    if name == "list_applications.json":
        assert apps[0].sign_in_audience == "AzureADMyOrg"
        assert apps[0].identifier_uris == ["http://contoso/"]
        assert apps[0].publisher_domain == "contoso.com"
    if name == "list_applications_lessthan2owners.json":
        assert [a.display_name for a in apps] == ["Box", "LinkedIn", "BrowserStack"]


def test_directory_audit_with_capitalised_type():
    [audit] = parse_many(DirectoryAudit, values("list_directoryAudits.json"))
    assert audit.activity_display_name == "Add member to group"
    assert audit.initiated_by.user.user_principal_name == "bob@wingtiptoysonline.com"
    assert audit.initiated_by.app is None
    assert [t.type for t in audit.target_resources] == ["Group", "User"]
    assert audit.target_resources[0].modified_properties[0].new_value == "DirectorySync"
    assert audit.target_resources[1].user_principal_name == "bob@contoso.com"
    assert audit.additional_details[0].key == "Additional Detail Name"


def test_federated_identity_credentials():
    [fic] = parse_many(FederatedIdentityCredential, values("list_federatedIdentityCredentials.json"))
    assert fic.name == "testing"
    assert fic.issuer.startswith("https://login.microsoftonline.com/")
    assert fic.audiences == ["api://AzureADTokenExchange"]
    assert fic.claims_matching_expression is None


def test_oauth2_permission_grants():
    grants = parse_many(OAuth2PermissionGrant, values("list_oauth2PermissionGrants.json"))
    assert [g.consent_type for g in grants] == ["AllPrincipals", "AllPrincipals"]
    assert grants[0].principal_id is None
    assert grants[0].scopes == ["User.Read", "Group.ReadWrite.All"]
    assert "Directory.AccessAsUser.All" in grants[1].scopes


@pytest.mark.parametrize("name", ["list_owners_application.json", "list_owners_servicePrincipal.json"])
def test_owners_without_odata_type(name):
    [owner] = [parse_directory_object(o) for o in values(name)]
    assert type(owner) is DirectoryObject
    assert owner.id == "id-value"
    assert owner.kind == "directoryObject"


def test_risky_service_principals():
    [risky] = parse_many(RiskyServicePrincipal, values("list_riskyServicePrincipals.json"))
    assert (risky.risk_level, risky.risk_state) == ("high", "atRisk")
    assert risky.app_id == "b55552fe-a272-4b56-990b-95038d917878"


def test_risk_detection_with_broken_timestamp_keeps_the_rest():
    with collect_warnings() as warnings:
        [d] = parse_many(ServicePrincipalRiskDetection,
                         values("list_servicePrincipalRiskDetections.json"))
    assert d.last_updated_date_time is None  # "…Z)" is not a timestamp
    assert warnings.count == 1
    assert "lastUpdated" in str(warnings.items[0]) or "last_updated" in str(warnings.items[0])
    assert d.risk_event_type == "investigationsThreatIntelligence"
    assert d.service_principal_id == "99b8d28b-11ae-4e84-9bef-0e767e286grg"  # kept as given
    assert d.key_ids == ["9d9fea30-d8e3-481b-b57c-0ef569a989e5"]
    assert d.activity_date_time == datetime(2021, 10, 26, tzinfo=UTC)


def test_sign_in_activity_with_malformed_offsets():
    with collect_warnings() as warnings:
        rows = parse_many(ServicePrincipalSignInActivity,
                          values("list_servicePrincipalSignInActivities.json"))
    assert len(rows) == 2
    assert warnings.count == 8  # four "-8:00" timestamps per row
    first = rows[0]
    assert first.app_id == "83f45296-fb8f-4aaa-a399-ac51084e02b7"
    assert first.last_sign_in_activity.last_sign_in_date_time == datetime(2021, 4, 1, tzinfo=UTC)
    assert first.application_authentication_client_sign_in_activity.last_sign_in_date_time is None
    assert (first.delegated_client_sign_in_activity.last_sign_in_request_id
            == "e58c9022-c965-4ec0-960b-9c197e549f27")


@pytest.mark.parametrize(
    "name", ["list_servicePrincipals.json", "list_servicePrincipals_search_count.json",
             "list_servicePrincipals_2015sample.json"],
)
def test_service_principals(name):
    sps = parse_many(ServicePrincipal, values(name))
    assert len(sps) == 1
    sp = sps[0]
    assert sp.account_enabled is True
    if name == "list_servicePrincipals_2015sample.json":
        assert sp.id == "59e617e5-e447-4adc-8b88-00af644d7c92"
        assert sp.app_owner_organization_id == "1bc1c026-2f7b-48a5-98da-afa2fd8bc7bc"
        assert sp.service_principal_names == ["f1bd758f-4a1a-4b71-aa20-a248a22a8928"]
    else:
        assert sp.id == ""  # these samples have no id: still an object, not an error
        assert sp.service_principal_type == "Application"
        assert sp.publisher_name == "Contoso"


def test_unified_role_assignments():
    rows = parse_many(UnifiedRoleAssignment, values("list_unifiedRoleAssignments.json"))
    assert [r.role_definition_id for r in rows] == [
        "62e90394-69f5-4237-9190-012177145e10", "f2ef992c-3afb-46b9-b7cf-a126ee74c451"]
    assert all(r.directory_scope_id == "/" for r in rows)


def test_throttled_error_body():
    error = GraphError.model_validate(load("throttled_429_response.json"))
    assert error.error.code == "TooManyRequests"
    assert error.error.inner_error["status"] == "429"


def test_hostile_and_wrong_types_never_fail_the_object():
    raw = {
        "id": "sp1", "displayName": "[b]x[/b]\x1b[31m", "accountEnabled": "maybe",
        "tags": None, "alternativeNames": "not-a-list",
        "passwordCredentials": [1, {"keyId": "k", "endDateTime": "garbage"}, None],
        "appRoles": [{"id": "r", "allowedMemberTypes": ["Application"], "isEnabled": "x"}],
        "unknownProperty": {"deep": True},
    }
    with collect_warnings() as warnings:
        sp = ServicePrincipal.model_validate(raw)
    assert sp.id == "sp1"
    assert sp.display_name == "[b]x[/b]\x1b[31m"  # kept as data; escaping is the UI's job
    assert sp.account_enabled is None and sp.tags == [] and sp.alternative_names == []
    assert [c.key_id for c in sp.password_credentials] == ["k"]
    assert sp.password_credentials[0].end_date_time is None
    assert sp.app_roles[0].id == "r" and sp.app_roles[0].is_enabled is True
    assert warnings.count == 6
    assert raw["passwordCredentials"][0] == 1  # the caller's data is not modified


def test_directory_object_with_a_non_string_type_is_kept():
    with collect_warnings() as warnings:
        obj = parse_directory_object({"@odata.type": 5, "id": "x", "displayName": "n"})
    assert (obj.id, obj.kind, obj.display_name) == ("x", "directoryObject", "n")
    assert warnings.count == 1
