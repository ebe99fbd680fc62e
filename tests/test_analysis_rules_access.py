"""Privilege and activity rules: each fires on its case, not on the near miss, and not
without the data it relies on."""

from __future__ import annotations

from test_analysis_support import (
    EXCHANGE,
    FULL_ACCESS_AS_APP,
    GLOBAL_ADMIN,
    GRAPH,
    MAIL_READ,
    ROLE_MANAGEMENT_RW,
    USER_READ_ALL,
    Tenant,
    findings,
    secret,
    user,
)

from models.tiers import TierOverride

ANN = user("ann@contoso.test", "a0000000-0000-4000-8000-000000000001")
ROOT = user("root@contoso.test", "a0000000-0000-4000-8000-000000000002")
K1 = "5ec7e700-0000-4000-8000-000000000001"


def _graph(t: Tenant) -> str:
    return t.resource(GRAPH, "Microsoft Graph")


def test_privileged_permission_high_and_medium_with_each_named():
    t = Tenant()
    graph, exchange = _graph(t), t.resource(EXCHANGE, "Office 365 Exchange Online")
    top, mid, low = t.app("Tier0"), t.app("Tier1"), t.app("Reader")
    t.grant_app_role(top["spId"], graph, ROLE_MANAGEMENT_RW)
    t.grant_app_role(top["spId"], exchange, FULL_ACCESS_AS_APP)
    t.grant_app_role(mid["spId"], graph, MAIL_READ)
    t.grant_app_role(low["spId"], graph, USER_READ_ALL)
    found = {f.identity_id: f for f in findings(t.analyze(), "privileged-permission")}
    assert set(found) == {top["spId"], mid["spId"]}
    assert found[top["spId"]].severity == "high" and found[mid["spId"]].severity == "medium"
    named = [(p["value"], p["tier"]) for p in found[top["spId"]].evidence["permissions"]]
    assert named == [("RoleManagement.ReadWrite.Directory", "ControlPlane"),
                     ("full_access_as_app", "ManagementPlane")]
    assert "RoleManagement.ReadWrite.Directory (Microsoft Graph)" in found[top["spId"]].summary


def test_override_alone_does_not_make_a_privileged_permission():
    t = Tenant()
    ids = t.app("Labelled")
    analysis = t.analyze(overrides={ids["spId"]: TierOverride(tier="ControlPlane", reason="x")})
    assert not findings(analysis, "privileged-permission")


def test_external_app_privileged():
    t = Tenant()
    graph = _graph(t)
    vendor = t.service_principal("Vendor backup", owner_org="99999999-9999-4999-8999-999999999999",
                                 publisher_name="Backup Inc")
    harmless = t.service_principal("Vendor viewer", owner_org="99999999-9999-4999-8999-999999999999")
    own = t.app("Own privileged")
    t.grant_app_role(vendor, graph, MAIL_READ)
    t.grant_app_role(harmless, graph, USER_READ_ALL)
    t.grant_app_role(own["spId"], graph, MAIL_READ)
    [found] = findings(t.analyze(), "external-app-privileged")
    assert found.identity_id == vendor and found.severity == "high"
    assert found.evidence["ownerTenantId"] == "99999999-9999-4999-8999-999999999999"
    assert "Mail.Read (Microsoft Graph)" in found.summary


def test_owner_lower_tier():
    t = Tenant()
    graph = _graph(t)
    legacy = t.app("Test App (legacy)", owners=[ANN, ROOT])
    t.grant_app_role(legacy["spId"], graph, ROLE_MANAGEMENT_RW)
    t.role(ROOT["id"], GLOBAL_ADMIN)
    t.app("Unprivileged", owners=[ANN])
    [found] = findings(t.analyze(), "owner-lower-tier")
    assert found.identity_id == legacy["spId"] and found.severity == "high"
    assert (found.evidence["ownerUpn"], found.evidence["ownerTier"],
            found.evidence["identityTier"]) == ("ann@contoso.test", "UserAccess", "ControlPlane")
    assert "'ann@contoso.test'" in found.summary


def test_owner_lower_tier_for_a_service_principal_owner_and_without_role_data():
    t = Tenant()
    graph = _graph(t)
    owner_app = t.app("Ordinary owner app")
    owner = {"@odata.type": "#microsoft.graph.servicePrincipal", "id": owner_app["spId"],
             "displayName": "Ordinary owner app", "appId": owner_app["appId"]}
    target = t.app("Mail reader", sp_owners=[owner, ANN])
    t.grant_app_role(target["spId"], graph, MAIL_READ)
    found = findings(t.analyze(), "owner-lower-tier")
    assert {(f.evidence["ownerKind"], f.severity) for f in found} == {
        ("servicePrincipal", "medium"), ("user", "medium")}
    # without role assignments a user's tier is unknown: only the service principal is judged
    blind = findings(t.analyze(omit=("roleAssignments",)), "owner-lower-tier")
    assert [f.evidence["ownerKind"] for f in blind] == ["servicePrincipal"]


def test_no_owner():
    t = Tenant()
    orphan = t.app("Orphan")
    t.app("Owned", owners=[ANN])
    t.app("Lone orphan", sp=False)
    t.service_principal("Vendor", owner_org="99999999-9999-4999-8999-999999999999")
    found = findings(t.analyze(), "no-owner")
    assert {f.identity_id for f in found} == {orphan["spId"], t.bodies["v1.0/applications"][2]["id"]}
    assert all(f.severity == "info" for f in found)
    assert not findings(t.analyze(omit=("applicationOwners",)), "no-owner")


def test_stale_identity():
    t = Tenant()
    stale = t.app("Stale", created=-400)
    t.sign_in_activity(stale["appId"], days=-200)
    fresh = t.app("Active", created=-400)
    t.sign_in_activity(fresh["appId"], days=-1)
    t.app("Brand new", created=-10)
    never = t.app("Never used", created=-300)
    t.resource(GRAPH, "Microsoft Graph")  # first-party: not ours to call stale
    found = {f.identity_id: f for f in findings(t.analyze(), "stale-identity")}
    assert set(found) == {stale["spId"], never["spId"]}
    assert found[stale["spId"]].evidence["lastSignIn"].startswith("2026-05-04")
    assert "200 days" in found[stale["spId"]].summary
    assert found[never["spId"]].evidence["signInDataAvailable"] == [
        "servicePrincipalSignInActivities", "signIns"]
    assert "no sign-in recorded" in found[never["spId"]].summary


def test_stale_identity_says_which_data_it_had_and_needs_some():
    t = Tenant()
    stale = t.app("Stale", created=-400)
    t.sign_in_activity(stale["appId"], days=-200)
    [found] = findings(t.analyze(omit=("signIns",)), "stale-identity")
    assert found.evidence["signInDataMissing"] == ["signIns"]
    none = t.analyze(omit=("signIns", "servicePrincipalSignInActivities"))
    assert not findings(none, "stale-identity")
    # seven days of sign-in logs cannot tell 90 days of silence
    assert not findings(t.analyze(omit=("servicePrincipalSignInActivities",)), "stale-identity")


def test_recent_sign_in_in_the_logs_keeps_an_identity_fresh():
    t = Tenant()
    ids = t.app("Busy", created=-400)
    t.sign_in_activity(ids["appId"], days=-200)
    t.sign_in(ids["spId"], ids["appId"], days=-2)
    assert not findings(t.analyze(), "stale-identity")


def test_disabled_with_credentials():
    t = Tenant()
    graph = _graph(t)
    armed = t.app("Disabled armed", enabled=False, secrets=[secret(K1)])
    t.grant_app_role(armed["spId"], graph, USER_READ_ALL)
    t.app("Disabled clean", enabled=False,
          secrets=[secret("5ec7e700-0000-4000-8000-000000000002", start=-300, end=-5)])
    t.app("Enabled", secrets=[secret("5ec7e700-0000-4000-8000-000000000003")])
    [found] = findings(t.analyze(), "disabled-with-credentials")
    assert found.identity_id == armed["spId"] and found.severity == "low"
    assert found.evidence["credentials"] == [K1]
    assert found.evidence["applicationPermissions"] == ["User.Read.All (Microsoft Graph)"]


def test_risky_service_principal_with_detections():
    t = Tenant()
    risky, fixed = t.app("Compromised?"), t.app("Remediated")
    t.bodies["v1.0/identityProtection/riskyServicePrincipals"] += [
        {"id": risky["spId"], "appId": risky["appId"], "riskState": "atRisk", "riskLevel": "high",
         "riskDetail": "none", "riskLastUpdatedDateTime": "2026-11-19T10:00:00Z"},
        {"id": fixed["spId"], "appId": fixed["appId"], "riskState": "remediated",
         "riskLevel": "none"}]
    t.bodies["v1.0/identityProtection/servicePrincipalRiskDetections"].append({
        "id": "de7ec700-0000-4000-8000-000000000001", "servicePrincipalId": risky["spId"],
        "appId": risky["appId"], "riskEventType": "leakedCredentials", "riskLevel": "high",
        "riskState": "atRisk", "keyIds": [K1], "ipAddress": "198.51.100.7",
        "detectedDateTime": "2026-11-18T10:00:00Z"})
    [found] = findings(t.analyze(), "risky-service-principal")
    assert found.identity_id == risky["spId"] and found.severity == "high"
    assert found.evidence["detections"][0]["type"] == "leakedCredentials"
    assert found.evidence["detections"][0]["keyIds"] == [K1]
    assert "leakedCredentials" in found.summary
    assert not findings(t.analyze(omit=("riskyServicePrincipals",)), "risky-service-principal")


def _key_added(key_id: str, target_id: str) -> dict:
    return {"id": target_id, "type": "Application", "displayName": "Tier0", "modifiedProperties": [
        {"displayName": "KeyDescription", "oldValue": "[]",
         "newValue": f'["[KeyIdentifier={key_id},KeyType=Password,KeyUsage=Verify,'
                     'DisplayName=x]"]'},
        {"displayName": "Included Updated Properties", "newValue": "\"KeyDescription\""}]}


def test_credential_added_by_lower_tier_actor():
    t = Tenant()
    graph = _graph(t)
    tier0 = t.app("Tier0")
    t.grant_app_role(tier0["spId"], graph, ROLE_MANAGEMENT_RW)
    t.role(ROOT["id"], GLOBAL_ADMIN)
    actor = {"id": ANN["id"], "userPrincipalName": ANN["userPrincipalName"]}
    bad = t.audit("Update application \u2013 Certificates and secrets management ",
                  _key_added(K1, tier0["applicationId"]), user=actor)
    t.audit("Update application \u2013 Certificates and secrets management ",
            _key_added(K1, tier0["applicationId"]),
            user={"id": ROOT["id"], "userPrincipalName": ROOT["userPrincipalName"]})
    t.audit("Update application - Certificates and secrets management",
            _key_added(K1, tier0["applicationId"]), user=actor, result="failure")
    [found] = findings(t.analyze(), "credential-added-by-lower-tier-actor")
    assert found.identity_id == tier0["spId"] and found.severity == "high"
    assert found.evidence["auditId"] == bad and found.evidence["keysAdded"] == [K1]
    assert found.evidence["actor"] == {"kind": "user", "id": ANN["id"],
                                       "name": "ann@contoso.test", "tier": "UserAccess"}
    assert "'ann@contoso.test' (UserAccess) added credential" in found.summary


def test_federated_credential_and_owner_added_by_lower_tier_actor():
    t = Tenant()
    graph = _graph(t)
    tier1 = t.app("Tier1")
    t.grant_app_role(tier1["spId"], graph, MAIL_READ)
    actor = {"id": ANN["id"], "userPrincipalName": ANN["userPrincipalName"]}
    t.audit("Update application", {"id": tier1["applicationId"], "type": "Application",
                                    "modifiedProperties": [{
                                        "displayName": "FederatedIdentityCredentials",
                                        "oldValue": "[]",
                                        "newValue": '[{"Name":"gh","Issuer":"https://token.'
                                                    'actions.githubusercontent.com","Subject":'
                                                    '"repo:evil/x:ref:refs/heads/main"}]'}]},
            user=actor)
    t.audit("Add owner to application", {"id": ROOT["id"], "type": "User",
                                         "userPrincipalName": ROOT["userPrincipalName"]},
            extra_targets=[{"id": tier1["applicationId"], "type": "Application"}], user=actor)
    t.audit("Update application", {"id": tier1["applicationId"], "type": "Application",
                                    "modifiedProperties": [{"displayName": "DisplayName",
                                                            "oldValue": "a", "newValue": "b"}]},
            user=actor)
    found = findings(t.analyze(), "credential-added-by-lower-tier-actor")
    assert [f.evidence["federatedAdded"] for f in found] == [["repo:evil/x:ref:refs/heads/main"], []]
    assert found[1].evidence["ownersAdded"] == [ROOT["id"]]
    assert [f.severity for f in found] == ["high", "medium"]


def test_managed_identity_certificate_rotation_is_not_tampering():
    t = Tenant()
    graph = _graph(t)
    mi = t.managed_identity("aks-kubelet", user_assigned=False)
    t.grant_app_role(mi, graph, ROLE_MANAGEMENT_RW)
    rotation = {"id": mi, "type": "ServicePrincipal", "modifiedProperties": [
        {"displayName": "KeyDescription",
         "oldValue": '["[KeyIdentifier=5ec7e700-0000-4000-8000-0000000000aa,KeyType=AsymmetricX509Cert,KeyUsage=Verify,DisplayName=CN=msi]"]',
         "newValue": f'["[KeyIdentifier={K1},KeyType=AsymmetricX509Cert,KeyUsage=Verify,DisplayName=CN=msi]"]'}]}
    t.audit("Update service principal", rotation,
            app={"displayName": "Managed Service Identity", "appId": "ef5d5c69-a5df-46bb-acaf-426f161a21a2"})
    analysis = t.analyze()
    assert not findings(analysis, "credential-added-by-lower-tier-actor")
    [entry] = [i for i in analysis.identities if i.id == mi][0].audit_events
    assert entry.managed_rotation and entry.keys_added == [K1]


def test_audit_rule_needs_audits_and_knows_service_principal_actors():
    t = Tenant()
    graph = _graph(t)
    tier0, helper = t.app("Tier0"), t.app("Helper")
    t.grant_app_role(tier0["spId"], graph, ROLE_MANAGEMENT_RW)
    t.audit("Add service principal credentials", _key_added(K1, tier0["spId"]),
            app={"servicePrincipalId": helper["spId"], "displayName": "Helper",
                 "appId": helper["appId"]})
    [found] = findings(t.analyze(), "credential-added-by-lower-tier-actor")
    assert found.evidence["actor"]["kind"] == "servicePrincipal"
    assert found.evidence["actor"]["tier"] == "Unclassified"
    assert not findings(t.analyze(omit=("directoryAudits",)), "credential-added-by-lower-tier-actor")


def test_owner_that_is_an_unknown_service_principal_is_not_judged():
    t = Tenant()
    graph = _graph(t)
    stranger = {"@odata.type": "#microsoft.graph.servicePrincipal",
                "id": "5e5e9999-0000-4000-8000-000000000001", "displayName": "Not in the data"}
    target = t.app("Mail reader", sp_owners=[stranger])
    t.grant_app_role(target["spId"], graph, MAIL_READ)
    assert not findings(t.analyze(), "owner-lower-tier")
