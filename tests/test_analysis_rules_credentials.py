"""Credential and federated credential rules: each fires on its case, not on the near miss."""

from __future__ import annotations

from test_analysis_support import GRAPH, ROLE_MANAGEMENT_RW, Tenant, cert, findings, github_fic, secret

from models.config import AnalysisConfig

K1 = "5ec7e700-0000-4000-8000-000000000001"
K2 = "5ec7e700-0000-4000-8000-000000000002"
K3 = "5ec7e700-0000-4000-8000-000000000003"


def test_credential_expired():
    t = Tenant()
    ids = t.app("Billing", secrets=[secret(K1, start=-200, end=-12, name="old"),
                                    secret(K2, start=-10, end=100)])
    [found] = findings(t.analyze(), "credential-expired")
    assert found.identity_id == ids["spId"] and found.severity == "low"
    assert found.evidence["keyId"] == K1 and found.evidence["daysAgo"] == 12
    assert "'old'" in found.summary and "12 days ago" in found.summary


def test_credential_expiring_and_its_replacement():
    t = Tenant()
    t.app("Lonely", secrets=[secret(K1, start=-160, end=10)])
    t.app("Rotated", certs=[cert(K2, start=-330, end=20), cert(K3, start=-5, end=360)])
    t.app("Fine", secrets=[secret("5ec7e700-0000-4000-8000-00000000000a", start=-100, end=31)])
    lonely, rotated = findings(t.analyze(), "credential-expiring")
    assert (lonely.evidence["keyId"], lonely.severity, lonely.evidence["daysLeft"]) == (K1, "medium", 10)
    assert "rotate it" in lonely.summary
    assert (rotated.evidence["replacement"], rotated.severity) == (K3, "low")
    assert "a newer certificate exists" in rotated.summary


def test_expiring_threshold_is_configurable():
    t = Tenant()
    t.app("Billing", secrets=[secret(K1, start=-100, end=40)])
    assert not findings(t.analyze(), "credential-expiring")
    assert findings(t.analyze(config=AnalysisConfig(expiring_days=45)), "credential-expiring")


def test_credential_long_lived():
    t = Tenant()
    t.app("Long", secrets=[secret(K1, start=-10, end=720)], certs=[cert(K2, start=-10, end=1000)])
    t.app("Short", secrets=[secret(K3, start=-10, end=170)],
          certs=[cert("5ec7e700-0000-4000-8000-00000000000b", start=-10, end=355)])
    found = {f.evidence["keyId"]: f for f in findings(t.analyze(), "credential-long-lived")}
    assert set(found) == {K1, K2}
    assert found[K1].evidence["lifetimeDays"] == 730 and found[K1].evidence["maxDays"] == 180
    assert found[K2].evidence["maxDays"] == 365 and "certificate" in found[K2].summary


def test_credential_unused_needs_the_credential_report():
    t = Tenant()
    ids = t.app("Batch", secrets=[secret(K1, start=-200, end=100), secret(K2, start=-200, end=100),
                                  secret(K3, start=-20, end=100)])
    t.credential_activity(K1, ids["appId"], days=-120)
    t.credential_activity(K2, ids["appId"], days=-3)
    found = findings(t.analyze(), "credential-unused")
    # K1 last used 120 days ago; K2 used recently; K3 too new to judge
    assert [f.evidence["keyId"] for f in found] == [K1]
    assert found[0].evidence["lastUsed"].startswith("2026-07-23")
    assert found[0].evidence["basedOn"][0] == "appCredentialSignInActivities"
    analysis = t.analyze(omit=("appCredentialSignInActivities",))
    assert not findings(analysis, "credential-unused")
    assert any("credential-unused did not run" in w and "AuditLog.Read.All" in w
               for w in analysis.warnings)


def test_credential_seen_in_sign_in_logs_is_not_unused():
    t = Tenant()
    ids = t.app("Batch", secrets=[secret(K1, start=-200, end=100)])
    t.credential_activity(K1, ids["appId"], days=-150)
    t.sign_in(ids["spId"], ids["appId"], days=-1, key_id=K1)
    assert not findings(t.analyze(), "credential-unused")


def test_secret_in_use():
    t = Tenant()
    used = t.app("Uses secret", secrets=[secret(K1, start=-30, end=100)])
    t.credential_activity(K1, used["appId"], days=-1)
    certified = t.app("Uses cert", certs=[cert(K2)])
    t.credential_activity(K2, certified["appId"], days=-1)
    idle = t.app("Idle secret", secrets=[secret(K3, start=-200, end=100)])
    t.credential_activity(K3, idle["appId"], days=-200)
    [found] = findings(t.analyze(), "secret-in-use")
    assert found.identity_id == used["spId"] and found.severity == "low"
    assert found.evidence["secrets"][0]["keyId"] == K1
    assert "certificate or a federated credential" in found.summary


def test_credential_on_service_principal():
    t = Tenant()
    hidden = t.app("Hidden", sp_secrets=[secret(K1)])
    t.app("On app", secrets=[secret(K2)])
    saml = t.app("SAML SSO", preferredSingleSignOnMode="saml",
                 sp_certs=[cert(K3, usage="Sign"), cert(K3.replace("3", "4"), usage="Verify")],
                 sp_secrets=[{**secret("5ec7e700-0000-4000-8000-00000000000c"),
                              "customKeyIdentifier": "A1B2C35ec7"}])
    t.managed_identity("vm-1", user_assigned=False)
    [found] = findings(t.analyze(), "credential-on-service-principal")
    assert found.identity_id == hidden["spId"] and found.evidence["keyId"] == K1
    assert "app registrations blade does not show it" in found.summary
    assert found.severity == "medium"
    assert saml["spId"] not in {f.identity_id for f in findings(t.analyze(), "credential-on-service-principal")}


def test_credential_on_service_principal_of_a_privileged_identity_is_high():
    t = Tenant()
    graph = t.resource(GRAPH, "Microsoft Graph")
    ids = t.app("Hidden", sp_secrets=[secret(K1)])
    t.grant_app_role(ids["spId"], graph, ROLE_MANAGEMENT_RW)
    assert findings(t.analyze(), "credential-on-service-principal")[0].severity == "high"


def test_first_party_credential():
    t = Tenant()
    t.resource(GRAPH, "Microsoft Graph")
    other = t.resource("00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online")
    t.bodies["v1.0/servicePrincipals"][-1]["passwordCredentials"] = [secret(K1)]
    [found] = findings(t.analyze(), "first-party-credential")
    assert found.identity_id == other and found.severity == "high"
    assert found.evidence["keyId"] == K1 and "possible persistence" in found.summary
    # not also reported as an ordinary credential on a service principal
    assert not findings(t.analyze(), "credential-on-service-principal")


FIC = "f1c00000-0000-4000-8000-00000000000"


def test_fic_untrusted_github_org():
    t = Tenant()
    ids = t.app("Deployer", fics=[github_fic(FIC + "1", "repo:contoso/web:environment:prod"),
                                  github_fic(FIC + "2", "repo:someone-else/web:environment:prod")])
    config = AnalysisConfig(trusted_github_orgs=("Contoso",))
    [found] = findings(t.analyze(config=config), "fic-untrusted-github-org")
    assert found.identity_id == ids["spId"] and found.severity == "high"
    assert (found.evidence["org"], found.evidence["repo"]) == ("someone-else", "web")
    assert found.evidence["trustedOrgs"] == ["Contoso"]
    assert "'someone-else'" in found.summary
    # with nothing configured every org is untrusted, and the summary says why
    unconfigured = findings(t.analyze(), "fic-untrusted-github-org")
    assert len(unconfigured) == 2 and "no trusted orgs are configured" in unconfigured[0].summary


def test_fic_pull_request_subject():
    t = Tenant()
    t.app("CI", fics=[github_fic(FIC + "1", "repo:contoso/web:pull_request"),
                      github_fic(FIC + "2", "repo:contoso/web:ref:refs/heads/main")])
    [found] = findings(t.analyze(), "fic-pull-request-subject")
    assert found.evidence["federatedCredentialId"] == FIC + "1"
    assert "any pull request to 'contoso/web'" in found.summary


def test_flexible_credential_is_a_wildcard_and_may_take_pull_requests():
    t = Tenant()
    expression = {"value": "claims['sub'] matches 'repo:contoso/web:*'", "languageVersion": 1}
    t.app("Flexible", fics=[github_fic(FIC + "1", None, claimsMatchingExpression=expression),
                            github_fic(FIC + "2", "repo:contoso/api:environment:prod")])
    analysis = t.analyze(config=AnalysisConfig(trusted_github_orgs=("contoso",)))
    [wild] = findings(analysis, "fic-wildcard")
    assert wild.evidence["pattern"] == "repo:contoso/web:*" and wild.severity == "medium"
    assert [f.evidence["federatedCredentialId"] for f in findings(
        analysis, "fic-pull-request-subject")] == [FIC + "1"]
    assert not findings(analysis, "fic-untrusted-github-org")


def test_fic_unknown_issuer():
    t = Tenant()
    known = {"id": FIC + "1", "name": "aks", "subject": "system:serviceaccount:ns:sa",
             "issuer": "https://westeurope.oic.prod-aks.azure.com/11111111-1111-1111-1111-"
                       "111111111111/22222222-2222-2222-2222-222222222222/",
             "audiences": ["api://AzureADTokenExchange"]}
    odd = {"id": FIC + "2", "name": "odd", "subject": "svc", "issuer": "https://ci.example.net",
           "audiences": ["api://AzureADTokenExchange"]}
    ours = {**odd, "id": FIC + "3", "issuer": "https://sts.contoso.test/oidc"}
    t.app("Workloads", fics=[known, odd, ours])
    config = AnalysisConfig(trusted_issuers=("https://sts.contoso.test/",))
    [found] = findings(t.analyze(config=config), "fic-unknown-issuer")
    assert found.evidence["issuer"] == "https://ci.example.net"
    assert len(findings(t.analyze(), "fic-unknown-issuer")) == 2


def test_federated_rules_need_federated_credential_data():
    t = Tenant()
    t.app("CI", fics=[github_fic(FIC + "1", "repo:evil/web:pull_request")])
    analysis = t.analyze(omit=("federatedIdentityCredentials",))
    assert not [f for f in analysis.findings if f.rule.startswith("fic-")]
    assert any("fic-pull-request-subject did not run" in w for w in analysis.warnings)


def test_finding_ids_are_stable_across_runs_and_differ_per_credential():
    t = Tenant()
    t.app("Billing", secrets=[secret(K1, start=-200, end=-12), secret(K2, start=-200, end=-3)])
    first = [f.id for f in findings(t.analyze(), "credential-expired")]
    again = [f.id for f in findings(t.analyze(), "credential-expired")]
    assert first == again and len(set(first)) == 2
