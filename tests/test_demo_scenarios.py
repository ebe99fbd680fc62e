"""Every case the analysis and the incident presets look for is in the demo, checked on the
Graph data itself, for several seeds and at the smallest size."""

from __future__ import annotations

import re
import unicodedata
from datetime import timedelta

import pytest

from test_demo_support import (
    EXCHANGE, FULL_ACCESS_AS_APP, GITHUB, GRAPH, HIGH_IMPACT_ROLES, MICROSOFT,
    ROLE_MANAGEMENT_RW, Index, demo, when,
)

CASES = [(300, 7), (300, 8), (1, 7), (3000, 5)]


@pytest.fixture(params=CASES, ids=lambda c: f"size{c[0]}-seed{c[1]}")
def index(request) -> Index:
    return Index(demo(*request.param))


def credentials(index: Index):
    for obj in (*index.apps, *index.sps):
        for credential in (*obj["passwordCredentials"], *obj["keyCredentials"]):
            yield obj, credential


def test_github_subjects_of_every_form(index):
    subjects = [fic["subject"] or "" for _, fic in index.fics() if fic["issuer"] == GITHUB]
    assert any(re.fullmatch(r"repo:contoso/[\w-]+:ref:refs/heads/main", s) for s in subjects)
    assert any(re.fullmatch(r"repo:contoso/[\w-]+:environment:prod", s) for s in subjects)
    assert any(s.endswith(":pull_request") for s in subjects)
    assert any(":ref:refs/tags/" in s for s in subjects)
    assert any(":job_workflow_ref:" in s for s in subjects)
    orgs = {s.split(":")[1].split("/")[0] for s in subjects if s.startswith("repo:")}
    assert orgs - {"contoso"}, "a repository outside the tenant's own GitHub org"


def test_flexible_kubernetes_terraform_and_unknown_issuers(index):
    fics = [fic for _, fic in index.fics()]
    flexible = [f for f in fics if f.get("claimsMatchingExpression")]
    assert flexible and "*" in flexible[0]["claimsMatchingExpression"]["value"]
    assert flexible[0]["subject"] is None
    aks = [f for f in fics if re.fullmatch(
        r"https://[a-z]+\.oic\.prod-aks\.azure\.com/[0-9a-f-]{36}/[0-9a-f-]{36}/", f["issuer"])]
    assert aks and aks[0]["subject"].startswith("system:serviceaccount:")
    terraform = [f for f in fics if f["issuer"] == "https://app.terraform.io"]
    assert terraform and re.fullmatch(
        r"organization:[\w-]+:project:[\w-]+:workspace:[\w-]+:run_phase:apply",
        terraform[0]["subject"])
    known = ("token.actions.githubusercontent.com", "oic.prod-aks.azure.com", "app.terraform.io")
    assert any(not any(k in f["issuer"] for k in known) for f in fics)
    assert all(f["audiences"] == ["api://AzureADTokenExchange"] for f in fics)


def test_credential_on_a_first_party_service_principal(index):
    planted = [sp for sp in index.sps if sp["appOwnerOrganizationId"] == MICROSOFT
               and (sp["passwordCredentials"] or sp["keyCredentials"])]
    assert planted
    key = (planted[0]["passwordCredentials"] or planted[0]["keyCredentials"])[0]["keyId"]
    assert any(a["activityDisplayName"] == "Add service principal credentials"
               and key in a["targetResources"][0]["modifiedProperties"][0]["newValue"]
               for a in index.audits)


def test_legacy_service_principal_with_full_access_as_app(index):
    exchange = index.sp_by_app_id[EXCHANGE]
    legacy = [sp for sp in index.sps if sp["servicePrincipalType"] == "Legacy"]
    assert any(a["appRoleId"] == FULL_ACCESS_AS_APP and a["resourceId"] == exchange["id"]
               for sp in legacy for a in index.assignments(sp))
    assert all(sp["appId"] not in {a["appId"] for a in index.apps} for sp in legacy)


def test_the_midnight_blizzard_pattern(index):
    roles = index.role_holders()
    found = []
    for app in index.apps:
        sp = index.sp_by_app_id.get(app["appId"])
        if sp is None:
            continue
        held = {a["appRoleId"] for a in index.assignments(sp)}
        if {FULL_ACCESS_AS_APP, ROLE_MANAGEMENT_RW} <= held:
            found.append((app, sp))
    assert found
    app, sp = found[0]
    assert when(app["createdDateTime"]) < index.days_ago(5 * 365)
    owners = index.owners(app)
    assert owners and all(o["@odata.type"] == "#microsoft.graph.user" and o["id"] not in roles
                          for o in owners)
    added = [a for a in index.audits if a["targetResources"][0]["id"] == app["id"]
             and "Certificates and secrets" in a["activityDisplayName"]]
    assert added and added[0]["initiatedBy"]["user"]["id"] in {o["id"] for o in owners}
    assert when(added[0]["activityDateTime"]) > index.days_ago(7)
    ip = added[0]["initiatedBy"]["user"]["ipAddress"]
    from_there = [s for s in index.sign_ins if s["ipAddress"] == ip]
    assert from_there and {s["servicePrincipalId"] for s in from_there} == {sp["id"]}
    before = [s for s in index.sign_ins if s["servicePrincipalId"] == sp["id"]
              and s["ipAddress"] != ip]
    assert before, "the app also signs in from its usual address: the new one stands out"
    first_seen = min(when(s["createdDateTime"]) for s in from_there)
    assert first_seen >= when(added[0]["activityDateTime"]) > max(
        when(s["createdDateTime"]) for s in before) - timedelta(days=7)


def test_secret_on_the_service_principal_of_an_app_registration(index):
    registered = {a["appId"] for a in index.apps}
    assert any(sp["passwordCredentials"] and sp["appId"] in registered
               and sp["servicePrincipalType"] == "Application" for sp in index.sps)


def test_credential_lifecycle(index):
    now = index.rec.recorded_at
    ends = [(c, when(c["endDateTime"]), when(c["startDateTime"])) for _, c in credentials(index)]
    assert any(end < now for _, end, _ in ends), "expired"
    assert any(now < end < now + timedelta(days=30) for _, end, _ in ends), "expiring"
    assert any("type" not in c and end - start > timedelta(days=2 * 365)
               for c, end, start in ends), "secret valid more than two years"
    assert any(c.get("type") and end - start > timedelta(days=3 * 365)
               for c, end, start in ends), "certificate valid more than three years"
    unused = [r for r in index.credential_report.values() if when(r["expirationDateTime"]) > now
              and when(r["createdDateTime"]) < now - timedelta(days=90) and (
                  r["signInActivity"] is None or when(
                      r["signInActivity"]["lastSignInDateTime"]) < now - timedelta(days=90))]
    assert unused, "a valid credential unused for 90 days per appCredentialSignInActivities"
    assert any(r["signInActivity"] and when(r["signInActivity"]["lastSignInDateTime"]) >
               now - timedelta(days=1) for r in index.credential_report.values())
    keys = {c["keyId"] for _, c in credentials(index)}
    assert set(index.credential_report) <= keys


def test_managed_identities_as_graph_shows_them(index):
    managed = [sp for sp in index.sps if sp["servicePrincipalType"] == "ManagedIdentity"]
    system = [sp for sp in managed if sp["alternativeNames"][0] == "isExplicit=False"]
    user = [sp for sp in managed if sp["alternativeNames"][0] == "isExplicit=True"]
    assert system and user
    assert all(re.fullmatch(r"/subscriptions/[0-9a-f-]{36}/resourceGroups/[\w-]+/providers/"
                            r"Microsoft\.[A-Za-z]+/\w+/[\w-]+", sp["alternativeNames"][1])
               for sp in managed)
    assert all("/Microsoft.ManagedIdentity/userAssignedIdentities/" in sp["alternativeNames"][1]
               for sp in user)
    assert all(sp["servicePrincipalNames"][0] == sp["appId"] and
               sp["servicePrincipalNames"][1].startswith("https://identity.azure.net/")
               and sp["keyCredentials"] for sp in managed)
    federated = [s for s in index.sign_ins if (s["managedServiceIdentity"] or {}).get(
        "federatedTokenIssuer")]
    assert federated and federated[0]["managedServiceIdentity"]["msiType"] == "userAssigned"
    assert ".oic.prod-aks.azure.com/" in federated[0]["managedServiceIdentity"][
        "federatedTokenIssuer"]
    assert index.sp_by_id[federated[0]["servicePrincipalId"]] in user


def test_managed_identity_rotations_are_audited_by_azure(index):
    managed = {sp["id"]: sp for sp in index.sps if sp["servicePrincipalType"] == "ManagedIdentity"}
    rotations = [a for a in index.audits if a["targetResources"][0]["id"] in managed]
    assert rotations
    for audit in rotations:
        assert audit["initiatedBy"]["user"] is None
        assert audit["initiatedBy"]["app"]["displayName"] == "Managed Service Identity"
    current = {managed[a["targetResources"][0]["id"]]["keyCredentials"][0]["keyId"]
               for a in rotations}
    assert all(any(k in a["targetResources"][0]["modifiedProperties"][0]["newValue"]
                   for a in rotations) for k in current)


def test_vendor_apps_with_consents_and_wide_permissions(index):
    ours = {index.rec.tenant_id, MICROSOFT, None}
    external = [sp for sp in index.sps if sp["appOwnerOrganizationId"] not in ours]
    ids = {sp["id"] for sp in external}
    grants = [g for g in index.grants if g["clientId"] in ids]
    assert {"AllPrincipals", "Principal"} <= {g["consentType"] for g in grants}
    assert any(a["appRoleId"] in HIGH_IMPACT_ROLES for sp in external
               for a in index.assignments(sp))


def test_entra_roles_active_eligible_scoped_and_through_a_group(index):
    sps = set(index.sp_by_id)
    active = [a for a in index.role_assignments if a["principalId"] in sps]
    assert any(a["directoryScopeId"] == "/" for a in active)
    scoped = [a for a in active if a["directoryScopeId"] != "/"]
    assert scoped and scoped[0]["directoryScopeId"][1:] in index.app_by_id
    assert any(e["principalId"] in sps for e in index.eligible)
    definitions = {d["id"]: d for d in index.role_definitions}
    assert all(a["roleDefinitionId"] in definitions
               for a in index.role_assignments + index.eligible)
    assert any(not d["isBuiltIn"] for d in definitions.values())
    assert definitions["62e90394-69f5-4237-9190-012177145e10"]["displayName"] == \
        "Global Administrator"
    groups = {m["id"]: m for sp in index.sps for m in index.relation("memberOf", sp["id"])
              if m["@odata.type"] == "#microsoft.graph.group"}
    assignable = [g for g in groups.values() if g["isAssignableToRole"]]
    assert assignable and assignable[0]["id"] in {a["principalId"] for a in index.role_assignments}


def test_owners_users_service_principals_and_nobody(index):
    kinds = [[o["@odata.type"] for o in index.owners(app)] for app in index.apps]
    assert any("#microsoft.graph.user" in k for k in kinds)
    assert any("#microsoft.graph.servicePrincipal" in k for k in kinds)
    assert any(not k for k in kinds)
    holders = index.role_holders()
    users = {o["id"] for app in index.apps for o in index.owners(app)
             if o["@odata.type"] == "#microsoft.graph.user"}
    assert users - holders and users & holders, "ordinary owners and a few admins"
    actors = {a["initiatedBy"]["user"]["id"] for a in index.audits if a["initiatedBy"]["user"]}
    assert actors & holders


def test_activity_today_stale_and_consistent(index):
    now = index.rec.recorded_at
    last = {app_id: index.last_sign_in(app_id) for app_id in index.report}
    assert any(t and t > now - timedelta(days=1) for t in last.values())
    created = {a["appId"]: when(a["createdDateTime"]) for a in index.apps}
    assert any(t and t < now - timedelta(days=90) and created.get(app_id, now) <
               now - timedelta(days=90) for app_id, t in last.items()), "stale for months"
    for s in index.sign_ins:
        at = when(s["createdDateTime"])
        assert now - timedelta(days=7) <= at <= now
        if s["status"]["errorCode"] == 0:
            assert last[s["appId"]] >= at, "the report knows every successful sign-in"
    newest: dict[str, dict] = {}
    for s in index.sign_ins:
        if s["status"]["errorCode"] == 0 and s["createdDateTime"] > newest.get(
                s["appId"], {}).get("createdDateTime", ""):
            newest[s["appId"]] = s
    for app_id, s in newest.items():
        report = index.report[app_id]
        assert report["applicationAuthenticationClientSignInActivity"] == {
            "lastSignInDateTime": s["createdDateTime"], "lastSignInRequestId": s["id"]}, \
            "the report's last app-only sign-in is the log's newest"
        assert report["lastSignInActivity"]["lastSignInDateTime"] >= s["createdDateTime"]
    assert {"servicePrincipal", "managedIdentity"} == {
        t for s in index.sign_ins for t in s["signInEventTypes"]}
    codes = {s["status"]["errorCode"] for s in index.sign_ins}
    assert {7000215, 7000222, 700027} <= codes
    types = {s["clientCredentialType"] for s in index.sign_ins}
    assert {"clientSecret", "clientAssertion", "federatedIdentityCredential",
            "managedIdentity"} <= types


def test_sign_in_addresses(index):
    by_ip = index.sign_ins_by_ip()
    assert any(len(ids) >= 3 for ids in by_ip.values()), "one address shared by several"
    per_identity: dict[str, set[str]] = {}
    for s in index.sign_ins:
        per_identity.setdefault(s["servicePrincipalId"], set()).add(s["ipAddress"])
    assert any(len(ips) >= 3 for ips in per_identity.values()), "one identity from several"


def test_audit_events_with_real_names_and_shapes(index):
    now = index.rec.recorded_at
    names = {a["activityDisplayName"] for a in index.audits}
    assert "Update application \u2013 Certificates and secrets management " in names
    assert {"Add service principal credentials", "Add owner to application",
            "Add app role assignment to service principal", "Add member to role",
            "Update application"} <= names
    assert {a["category"] for a in index.audits} == {"ApplicationManagement", "RoleManagement"}
    assert all(now - timedelta(days=30) <= when(a["activityDateTime"]) <= now
               for a in index.audits)
    fic_changes = [p for a in index.audits for t in a["targetResources"]
                   for p in t["modifiedProperties"]
                   if p["displayName"] == "FederatedIdentityCredentials"]
    assert fic_changes and "jdoe-dev/scratch" in fic_changes[0]["newValue"]
    assert "jdoe-dev/scratch" not in fic_changes[0]["oldValue"]


def test_risky_service_principal_with_detections(index):
    risky = [r for r in index.rec.items("v1.0/identityProtection/riskyServicePrincipals")
             if r["riskState"] == "atRisk" and r["riskLevel"] == "high"]
    assert risky and risky[0]["id"] in index.sp_by_id
    detections = [d for d in index.rec.items(
        "v1.0/identityProtection/servicePrincipalRiskDetections")
        if d["servicePrincipalId"] == risky[0]["id"]]
    kinds = {d["riskEventType"] for d in detections}
    assert {"investigationsThreatIntelligence", "suspiciousSignins", "leakedCredentials"} <= kinds
    leaked = next(d for d in detections if d["riskEventType"] == "leakedCredentials")
    app = next(a for a in index.apps if a["appId"] == risky[0]["appId"])
    assert set(leaked["keyIds"]) <= {c["keyId"] for c in app["passwordCredentials"]}


def test_hostile_text_everywhere_it_can_hide(index):
    shown = [o["displayName"] for o in (*index.apps, *index.sps)]
    for needle in ("[b]x[/b]", "[link=https://evil.example]", "[/]", "\x1b[31m", "\x1b[2J",
                   "\x1b]8;;", "\x1b]0;", "\u202e", "\u200b", "\n"):
        assert any(needle in name for name in shown), repr(needle)
    assert any(len(name) > 300 for name in shown)
    assert any(any(unicodedata.east_asian_width(ch) == "W" for ch in name) for name in shown)
    assert any("\x1b" in (a.get("notes") or "") for a in index.apps)
    assert any("\x1b" in (fic["subject"] or "") for _, fic in index.fics())
    assert any("[" in (a["initiatedBy"]["user"] or {}).get("userPrincipalName", "")
               and "\x1b" in a["initiatedBy"]["user"]["userPrincipalName"] for a in index.audits)


def test_directory_wide_consistency(index):
    for sp in index.sps:
        for assignment in index.assignments(sp):
            assert assignment["principalId"] == sp["id"]
            resource = index.sp_by_id[assignment["resourceId"]]
            assert assignment["appRoleId"] in {r["id"] for r in resource["appRoles"]}
    for grant in index.grants:
        assert grant["clientId"] in index.sp_by_id
        resource = index.sp_by_id[grant["resourceId"]]
        published = {s["value"] for s in resource["oauth2PermissionScopes"]}
        assert set(grant["scope"].split()) <= published
        assert (grant["principalId"] is None) == (grant["consentType"] == "AllPrincipals")
    organization = index.rec.items("v1.0/organization")[0]
    assert organization["id"] == index.rec.tenant_id
    assert any(d["isDefault"] for d in organization["verifiedDomains"])
    assert GRAPH in index.sp_by_app_id
