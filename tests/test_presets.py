"""Incident presets on the demo tenant: each finds its scenario identities (for two seeds,
so the population around them varies), and the edges of each rule on small tenants."""

from __future__ import annotations

import json

import pytest

from graph.demo import names
from models.presets import PRESET_BY_KEY, PRESETS, run_preset, run_presets, stored_hits
from models.tiers import privileged
from test_analysis_support import GRAPH, NOW, ROLE_MANAGEMENT_RW, Tenant, secret, user
from test_search_support import (
    AUTOMATION, DISMISSED, EXCHANGE, LEGACY, MIDNIGHT, PAYROLL, RISKY, demo,
)


@pytest.fixture(params=[7, 8], ids=lambda s: f"seed{s}")
def d(request):
    return demo(request.param)


def found(d, preset_id):
    return [d.name_of(h.identity_id) for h in run_preset(preset_id, d.analysis.identities, NOW)]


def test_every_preset_has_a_key_a_title_and_a_description():
    assert len(PRESETS) >= 7 and len(PRESET_BY_KEY) == len(PRESETS)
    assert all(p.title and len(p.description) > 80 for p in PRESETS)
    assert "before" in next(p for p in PRESETS if p.id == "new-sign-in-ips").description.lower()


def test_recent_credentials_on_privileged_identities(d):
    hits = found(d, "recent-credentials-privileged")
    assert MIDNIGHT in hits and AUTOMATION in hits
    assert EXCHANGE not in hits  # a planted credential, but the SP holds no privilege
    assert PAYROLL not in hits  # a hidden secret added 9 days ago, UserAccess only
    for h in run_preset("recent-credentials-privileged", d.analysis.identities, NOW):
        assert privileged(d.analysis.identity(h.identity_id).tier)
    midnight = next(h for h in run_preset("recent-credentials-privileged",
                                          d.analysis.identities, NOW)
                    if d.name_of(h.identity_id) == MIDNIGHT)
    assert len(midnight.evidence["keysAdded"]) == 1 and midnight.evidence["auditIds"]
    automation = next(h for h in run_preset("recent-credentials-privileged",
                                            d.analysis.identities, NOW)
                      if d.name_of(h.identity_id) == AUTOMATION)
    assert automation.evidence["federatedAdded"] == ["repo:jdoe-dev/scratch:ref:refs/heads/main"]


def test_credentials_on_first_party_apps(d):
    assert found(d, "first-party-credentials") == [EXCHANGE]


def test_privileged_identities_owned_by_users(d):
    hits = found(d, "privileged-owned-by-users")
    assert {MIDNIGHT, LEGACY, AUTOMATION} <= set(hits)
    for h in run_preset("privileged-owned-by-users", d.analysis.identities, NOW):
        identity = d.analysis.identity(h.identity_id)
        assert privileged(identity.tier) and any(o.kind == "user" for o in identity.owners)
    assert RISKY not in hits or privileged(d.named(RISKY).tier)


def test_sign_ins_from_new_ips(d):
    hits = run_preset("new-sign-in-ips", d.analysis.identities, NOW)
    by_name = {d.name_of(h.identity_id): h for h in hits}
    midnight = by_name[MIDNIGHT]
    assert [x["ip"] for x in midnight.evidence["newIps"]] == [names.SUSPICIOUS_IP]
    assert names.SUSPICIOUS_IP not in midnight.evidence["knownIps"]
    assert midnight.evidence["newIps"][0]["keysFirstUsedHere"]  # the secret added for it
    assert hits[0].weight >= 1 and d.name_of(hits[0].identity_id) in (MIDNIGHT, PAYROLL)
    assert names.ATTACKER_IPS[0] in [x["ip"] for x in by_name[RISKY].evidence["newIps"]]
    assert EXCHANGE not in by_name  # no sign-in history before the attacker's


def test_privileged_identities_with_secrets(d):
    hits = found(d, "privileged-with-secrets")
    assert {MIDNIGHT, LEGACY, RISKY} <= set(hits)
    assert AUTOMATION not in hits  # certificate and federated credentials only


def test_identities_at_risk(d):
    assert found(d, "at-risk") == [RISKY]  # the dismissed one is not
    assert DISMISSED not in found(d, "at-risk")


def test_recent_owner_and_permission_changes(d):
    hits = run_preset("recent-access-changes", d.analysis.identities, NOW)
    automation = next(h for h in hits if d.name_of(h.identity_id) == AUTOMATION)
    assert "Add owner to application" in automation.why


def test_stored_form_round_trips():
    d = demo(7)
    doc = json.loads(json.dumps(run_presets(d.analysis.identities, NOW)))
    assert [p["id"] for p in doc["presets"]] == [p.id for p in PRESETS]
    again = stored_hits(doc, "first-party-credentials")
    assert [d.name_of(h.identity_id) for h in again] == [EXCHANGE]
    assert stored_hits(doc, "nope") == [] and stored_hits(None, "at-risk") == []
    with pytest.raises(KeyError):
        run_preset("nope", [], NOW)


def test_new_ip_needs_a_day_of_history_and_only_other_addresses():
    t = Tenant()
    key = t.new_id("5ec7")
    quiet = t.app("Quiet Job", secrets=[secret(key)])
    young = t.app("Young Job", secrets=[secret(t.new_id("5ec7"))])
    for days in (-6, -5, -4, -0.5):
        t.sign_in(quiet["spId"], quiet["appId"], days, ip="192.0.2.1", key_id=key)
    t.sign_in(quiet["spId"], quiet["appId"], -0.2, ip="192.0.2.1", key_id=key)
    # a second address on the first day of history: part of the baseline, not new
    t.sign_in(young["spId"], young["appId"], -3, ip="192.0.2.2")
    t.sign_in(young["spId"], young["appId"], -2.7, ip="192.0.2.3")
    analysis = t.analyze()
    assert run_preset("new-sign-in-ips", analysis.identities, NOW) == []
    t.sign_in(quiet["spId"], quiet["appId"], -0.1, ip="198.51.100.9", key_id=key, error=7000215)
    t.sign_in(young["spId"], young["appId"], -1, ip="192.0.2.4")
    hits = run_preset("new-sign-in-ips", t.analyze().identities, NOW)
    assert [(h.identity_id, [x["ip"] for x in h.evidence["newIps"]]) for h in hits] == [
        (quiet["spId"], ["198.51.100.9"]), (young["spId"], ["192.0.2.4"])]
    assert hits[0].weight == 1 and "failed" in hits[0].why  # failures weigh


def test_recent_credentials_edges():
    t = Tenant()
    graph = t.resource(GRAPH, "Microsoft Graph", {ROLE_MANAGEMENT_RW: "RoleManagement.ReadWrite.Directory"})
    old_key, new_key = t.new_id("5ec7"), t.new_id("5ec7")
    strong = t.app("Strong App", secrets=[secret(old_key, start=-30), secret(new_key, start=-1)],
                   owners=[user("a@contoso.test", "u0000001-0000-4000-8000-000000000001")])
    t.grant_app_role(strong["spId"], graph, ROLE_MANAGEMENT_RW)
    weak = t.app("Weak App", secrets=[secret(t.new_id("5ec7"), start=-1)])
    hits = run_preset("recent-credentials-privileged", t.analyze().identities, NOW)
    assert [h.identity_id for h in hits] == [strong["spId"]]
    assert hits[0].evidence["keysAdded"] == [new_key] and "no audit event seen" in hits[0].why
    assert weak["spId"] not in {h.identity_id for h in hits}
    owned = run_preset("privileged-owned-by-users", t.analyze().identities, NOW)
    assert [h.identity_id for h in owned] == [strong["spId"]]
