"""Which actions address which finding, and which an identity's kind rules out; then, on
the demo tenant, every possible remedy of every finding runs through the writer against
the writable replay without a single failure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from graph.demo import TRUSTED_GITHUB_ORGS, generate_demo
from graph.replay import Replay, ReplayState, ReplayTransport
from graph.writes import HttpSender, WriteMode, Writer
from models.analysis import analyze
from models.config import AnalysisConfig
from models.finding import Finding
from models.identity import (
    AppPermission,
    Credential,
    DelegatedGrant,
    FederatedCredential,
    Owner,
    ScopeTier,
    WorkloadIdentity,
)
from models.plan import make_plan, parse_action
from models.remedies import actions_for, remedies, why_impossible
from models.tenant import TenantData

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def identity(**changes) -> WorkloadIdentity:
    base = dict(
        id="sp-1", kind="app", application_id="app-1", service_principal_id="sp-1",
        display_name="Payroll", enabled=True,
        credentials=[Credential(key_id="k-secret", type="secret", status="expired"),
                     Credential(key_id="k-sp", type="secret", on="servicePrincipal",
                                status="valid")],
        federated_credentials=[FederatedCredential(id="f-1", name="gh", subject="repo:x/y")],
        app_permissions=[AppPermission(assignment_id="a-1", resource_id="graph",
                                       value="Directory.ReadWrite.All", tier="ControlPlane"),
                         AppPermission(assignment_id="a-2", resource_id="graph",
                                       value="User.Read.All", tier="UserAccess")],
        delegated_grants=[DelegatedGrant(grant_id="g-1", resource_id="graph", scopes=[
            ScopeTier(value="Directory.AccessAsUser.All", tier="ControlPlane")])],
        owners=[Owner(id="u-1", kind="user", upn="bob@x", of="both")],
    )
    return WorkloadIdentity(**{**base, **changes})


def finding(rule: str, **evidence) -> Finding:
    return Finding.make(rule, "high", "sp-1", "summary", evidence)


def names(remedy_list):
    return [r.action.to_json() for r in remedy_list]


@pytest.mark.parametrize("rule, evidence, expected", [
    ("credential-expired", {"keyId": "k-secret"},
     [{"action": "remove-credential", "objectType": "application", "objectId": "app-1",
       "keyId": "k-secret"}]),
    ("credential-on-service-principal", {"keyId": "k-sp"},
     [{"action": "remove-credential", "objectType": "servicePrincipal", "objectId": "sp-1",
       "keyId": "k-sp"}]),
    ("fic-untrusted-github-org", {"federatedCredentialId": "f-1"},
     [{"action": "remove-federated-credential", "applicationId": "app-1",
       "federatedCredentialId": "f-1"}]),
    ("stale-identity", {},
     [{"action": "disable-service-principal", "servicePrincipalId": "sp-1"},
      {"action": "delete-application", "applicationId": "app-1"}]),
    ("privileged-permission", {},
     [{"action": "remove-app-role-assignment", "servicePrincipalId": "sp-1",
       "appRoleAssignmentId": "a-1"},
      {"action": "remove-delegated-grant", "grantId": "g-1"}]),
    ("owner-lower-tier", {"ownerId": "u-1", "ownerOf": "both"},
     [{"action": "remove-owner", "objectType": "application", "objectId": "app-1",
       "ownerId": "u-1"},
      {"action": "remove-owner", "objectType": "servicePrincipal", "objectId": "sp-1",
       "ownerId": "u-1"}]),
    ("risky-service-principal", {},
     [{"action": "disable-service-principal", "servicePrincipalId": "sp-1"}]),
    ("no-owner", {}, []),
    ("credential-expiring", {"keyId": "k-secret"}, []),
])
def test_each_finding_offers_the_actions_that_address_it(rule, evidence, expected):
    found = remedies(finding(rule, **evidence), identity())
    assert names(found) == expected
    assert all(r.possible and r.finding_id for r in found)


def test_a_disabled_identity_is_not_offered_disable_again():
    assert names(remedies(finding("risky-service-principal"), identity(enabled=False))) == []
    menu = [r.action.action for r in actions_for(identity(enabled=False))]
    assert menu[0] == "enable-service-principal" and "disable-service-principal" not in menu


@pytest.mark.parametrize("kind", ["managed-identity-system", "managed-identity-user"])
def test_managed_identities_keep_only_their_permissions_editable(kind):
    mi = identity(kind=kind, application_id=None,
                  credentials=[Credential(key_id="k-mi", type="certificate",
                                          managed_by_azure=True)])
    menu = {r.action.action: r for r in actions_for(mi)}
    assert menu["remove-app-role-assignment"].possible
    assert menu["remove-delegated-grant"].possible
    for name in ("disable-service-principal", "remove-owner", "delete-application"):
        assert "managed by Azure" in menu[name].blocked
    assert "Azure manages and rotates" in menu["remove-credential"].blocked
    stale = remedies(finding("stale-identity"), mi)
    assert stale and not any(r.possible for r in stale)


def test_an_external_app_cannot_have_its_registration_changed_here():
    external = identity(kind="external-app", application_id=None,
                        owner_organization_id="home-tenant")
    action = parse_action({"action": "delete-application", "applicationId": "sp-1"})
    assert "lives in home-tenant" in why_impossible(action, external)
    action = parse_action({"action": "disable-service-principal", "servicePrincipalId": "sp-1"})
    assert why_impossible(action, external) is None
    no_sp = identity(kind="app-without-sp", service_principal_id=None)
    assert "no service principal" in why_impossible(action, no_sp)


def test_every_remedy_of_every_demo_finding_applies_cleanly(tmp_path):
    """The remedies use the ids Graph needs: on the demo tenant, all of them at once go
    through the writer without one failure."""
    from cache import Store

    recording = generate_demo(300, 7, now=NOW)
    analysis = analyze(TenantData.from_recording(recording),
                       AnalysisConfig(trusted_github_orgs=TRUSTED_GITHUB_ORGS), NOW, {},
                       recording=recording)
    by_id = {i.id: i for i in analysis.identities}
    actions, keys, blocked = [], set(), 0
    for f in analysis.findings:
        for remedy in remedies(f, by_id[f.identity_id]):
            if not remedy.possible:
                blocked += 1
            elif remedy.action.key() not in keys:
                keys.add(remedy.action.key())
                actions.append(remedy.action)
    covered = {f.rule for f in analysis.findings if remedies(f, by_id[f.identity_id])}
    assert {"credential-expired", "secret-in-use", "stale-identity", "privileged-permission",
            "owner-lower-tier", "fic-untrusted-github-org", "credential-on-service-principal",
            "first-party-credential", "risky-service-principal"} <= covered
    assert blocked  # managed identities among the stale ones: offered, with the reason
    # deletes last, as an admin would order them
    actions.sort(key=lambda a: a.action == "delete-application")
    plan = make_plan(recording.tenant_id, actions)
    store = Store(tmp_path)
    replay = Replay(ReplayState(recording), writable=True)
    writer = Writer(HttpSender.over(ReplayTransport(replay)), store.tenant("t").journal,
                    recording.tenant_id, mode=WriteMode.writable(), labels=store.tenant("t").labels)
    import asyncio

    result = asyncio.run(writer.execute(plan.actions, confirmed=True))
    store.close()
    assert result.complete and not result.failures, result.failures[:5]
    assert result.counts.get("done", 0) >= len(actions) * 0.9, result.summary()
    assert {w["status"] for w in replay.stats.write_log} <= {200, 201, 204}
