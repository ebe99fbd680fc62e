"""Overview figures on a small tenant computed by hand, pivots, the list index, and the
JSON round trips the cache relies on."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from test_analysis_support import (
    APP_DEVELOPER,
    GRAPH,
    MAIL_READ,
    USER_READ_ALL,
    Tenant,
    cert,
    identity,
    secret,
    ts,
    user,
)

from models.identity import WorkloadIdentity
from models.index import IndexRow, build_index, dump_index, load_index
from models.overview import Overview
from models.pivots import Pivots

ANN = user("ann@contoso.test", "a0000000-0000-4000-8000-000000000001")
K1, K2, K3 = (f"5ec7e700-0000-4000-8000-00000000000{i}" for i in (1, 2, 3))
IP = "203.0.113.10"


@pytest.fixture(scope="module")
def small():
    t = Tenant()
    graph = t.resource(GRAPH, "Microsoft Graph")
    a = t.app("A", owners=[ANN], secrets=[secret(K1, start=-30, end=150)],
              certs=[cert(K2, start=-400, end=-5)])
    b = t.app("B", owners=[ANN], sp_secrets=[secret(K3, start=-170, end=10)])
    c = t.app("C", sp=False, created=-100)
    mi = t.managed_identity("mi-web", user_assigned=False)
    ext = t.service_principal("Vendor", owner_org="99999999-9999-4999-8999-999999999999")
    t.grant_app_role(a["spId"], graph, MAIL_READ)
    t.grant_app_role(b["spId"], graph, USER_READ_ALL)
    t.grant_app_role(ext, graph, USER_READ_ALL)
    t.role(b["spId"], APP_DEVELOPER)
    t.sign_in_activity(a["appId"], days=-1)
    t.sign_in_activity(b["appId"], days=-200)
    t.sign_in(a["spId"], a["appId"], days=-0.5, ip=IP, key_id=K1)
    t.sign_in(a["spId"], a["appId"], days=-2, ip=IP, key_id=K1)
    audit = t.audit("Update application \u2013 Certificates and secrets management ", {
        "id": a["applicationId"], "type": "Application", "modifiedProperties": [{
            "displayName": "KeyDescription", "oldValue": "[]",
            "newValue": f'["[KeyIdentifier={K1},KeyType=Password,KeyUsage=Verify,DisplayName=ci]"]'}]},
        user={"id": ANN["id"], "userPrincipalName": ANN["userPrincipalName"]})
    t.user_count = 120
    ids = {"graph": graph, "a": a["spId"], "b": b["spId"], "c": c["applicationId"], "mi": mi,
           "ext": ext, "audit": audit}
    return t.analyze(), ids


def test_counts_by_kind_and_tier(small):
    analysis, _ = small
    o = analysis.overview
    assert o.identities == 6
    assert o.by_kind == {"app": 2, "app-without-sp": 1, "external-app": 1, "microsoft-app": 1,
                         "managed-identity-system": 1}
    assert o.by_tier == {"ManagementPlane": 2, "UserAccess": 1, "Unclassified": 3}
    assert o.by_kind_and_tier["app"] == {"ManagementPlane": 2}


def test_shares_and_users_per_identity(small):
    o = small[0].overview
    # A, B, the managed identity and the vendor can sign in; B, MI and vendor did not in 90 days
    assert (o.inactive.count, o.inactive.total, o.inactive.share) == (3, 4, 0.75)
    # three application permissions; only A called Microsoft Graph in the sign-in logs
    assert (o.unused_permissions.count, o.unused_permissions.total) == (2, 3)
    assert o.unused_permissions.share == pytest.approx(2 / 3, abs=1e-4)
    assert "2026-11-18 to 2026-11-19" in o.unused_permissions.basis
    assert (o.user_count, o.users_per_identity) == (120, 24.0)  # 120 users / 5 non-Microsoft


def test_credential_figures(small):
    creds = small[0].overview.credentials
    assert (creds.total, creds.by_type) == (3, {"secret": 2, "certificate": 1})
    assert (creds.on_application, creds.on_service_principal) == (2, 1)
    assert (creds.expired, creds.expiring, creds.azure_managed) == (1, 1, 1)


def test_findings_figures_match_the_findings(small):
    analysis = small[0]
    assert analysis.overview.findings_by_rule == dict(Counter(f.rule for f in analysis.findings))
    assert sum(analysis.overview.findings_by_severity.values()) == len(analysis.findings)
    assert analysis.overview.unavailable == []


def test_unavailable_data_is_named_with_its_permission():
    t = Tenant()
    t.app("A")
    rec = t.recording(omit=("signIns",))
    from models.recording import Unavailable

    rec.unavailable["riskyServicePrincipals"] = Unavailable(
        403, "Forbidden: needs Workload Identities Premium", "IdentityRiskyServicePrincipal.Read.All")
    from models.analysis import analyze
    from models.config import AnalysisConfig
    from models.tenant import TenantData

    analysis = analyze(TenantData.from_recording(rec), AnalysisConfig(), t.now)
    gone = {u.kind: u for u in analysis.overview.unavailable}
    assert set(gone) == {"signIns", "riskyServicePrincipals"}
    assert gone["riskyServicePrincipals"].status == 403
    assert gone["signIns"].permission == "AuditLog.Read.All"
    assert analysis.overview.unused_permissions.count is None
    assert "not available" in analysis.overview.unused_permissions.note


def test_pivots(small):
    analysis, ids = small
    p = analysis.pivots
    assert p.ips == {IP: {ids["a"]: 2}}
    assert p.key_ids[K1].identity_id == ids["a"] and p.key_ids[K1].sign_ins == 2
    assert p.key_ids[K1].ips == {IP: 2}
    assert p.key_ids[K3].identity_id == ids["b"] and p.key_ids[K3].sign_ins == 0
    assert p.resources[ids["graph"]] == [ids["a"], ids["b"], ids["ext"]]
    assert p.owners[ANN["id"]] == [ids["a"], ids["b"]]
    holders = p.roles[APP_DEVELOPER].holders
    assert [(h.id, h.kind, h.state) for h in holders] == [(ids["b"], "identity", "active")]
    assert p.actors["ann@contoso.test"].audit_ids == [ids["audit"]]
    assert p.actors["ann@contoso.test"].target_ids == [ids["a"]]


def test_identity_details_for_the_detail_screen(small):
    analysis, ids = small
    a = identity(analysis, ids["a"])
    assert [s.ip for s in a.sign_ins] == [IP, IP]  # most recent first
    assert a.sign_ins[0].time.isoformat().startswith(ts(-0.5)[:13])
    assert a.sign_in_summary.last_by_type["applicationClient"] is not None
    assert a.sign_in_summary.sign_ins_in_data == 2
    key = {c.key_id: c for c in a.credentials}[K1]
    assert key.last_sign_in is not None and key.status == "valid"
    [event] = a.audit_events
    assert (event.actor_name, event.actor_tier, event.keys_added) == (
        "ann@contoso.test", "UserAccess", [K1])
    assert a.owners[0].tier == "UserAccess" and a.owners[0].tier_known
    assert {f.rule for f in a.findings} == {f.rule for f in analysis.findings
                                            if f.identity_id == ids["a"]}


def test_index_rows(small):
    analysis, ids = small
    rows = {row.id: row for row in build_index(analysis)}
    a = rows[ids["a"]]
    assert (a.kind, a.tier, a.credential_count, a.owners_count) == ("app", "ManagementPlane", 2, 1)
    assert a.soonest_expiry.startswith(ts(150)[:10])  # the expired certificate does not count
    assert a.last_sign_in.startswith(ts(-0.5)[:13])
    assert "ann@contoso.test" in a.owners
    assert a.findings_count == len([f for f in analysis.findings if f.identity_id == ids["a"]])
    assert set(a.rules.split()) == {f.rule for f in analysis.findings if f.identity_id == ids["a"]}
    assert rows[ids["c"]].enabled is None and rows[ids["c"]].last_sign_in is None


def test_index_round_trip(small):
    rows = build_index(small[0])
    text = dump_index(rows)
    assert load_index(text) == rows
    assert IndexRow.from_json(json.loads(json.dumps(rows[0].to_json()))) == rows[0]
    with pytest.raises(ValueError):
        load_index('[["too", "short"]]')


def test_models_round_trip_through_json(small):
    analysis, _ = small
    for found in analysis.identities:
        assert WorkloadIdentity.model_validate_json(found.model_dump_json()) == found
    overview = analysis.overview
    assert Overview.model_validate_json(overview.model_dump_json(by_alias=True)) == overview
    assert Pivots.model_validate_json(analysis.pivots.model_dump_json()) == analysis.pivots
