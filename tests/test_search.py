"""Global search: every key type leads to the right identity and events, on the demo tenant
(analysed the real way) and on a small hand-made tenant; the stored form round-trips."""

from __future__ import annotations

import json

import pytest

from graph.demo import names
from models.search import (
    ACTOR, APP_ID, IP, KEY_ID, NAME, OBJECT_ID, OWNER, SUBJECT, SearchIndex, build_search_index,
    split_query,
)
from models.tenant import TenantData
from test_analysis_support import Tenant, secret, user
from test_search_support import AUTOMATION, MIDNIGHT, RISKY, demo


@pytest.fixture(scope="module")
def world():
    d = demo(7)
    # through JSON, as the cache stores it
    doc = json.loads(json.dumps(build_search_index(d.analysis, d.data)))
    return d, SearchIndex(doc)


def hit(result, field, text=None):
    found = [h for h in result.hits if h.field == field and (text is None or
                                                             h.text.lower() == text.lower())]
    assert found, f"no {field} hit for {result.query!r}: {[(h.field, h.text) for h in result.hits]}"
    return found[0]


def test_by_name_whole_prefix_and_part(world):
    d, index = world
    midnight = d.named(MIDNIGHT)
    for query in (MIDNIGHT, "test app (", "app (legacy"):
        result = index.search(query)
        assert hit(result, NAME, MIDNIGHT).identity_ids == (midnight.id,)
    assert index.search(MIDNIGHT).hits[0].match == "exact"
    assert index.search("TEST APP (").hits[0].match == "prefix"  # case does not matter
    assert index.search("app (legacy").hits[0].match == "substring"


def test_by_object_id_and_app_id(world):
    d, index = world
    identity = d.named(AUTOMATION)
    for object_id in (identity.id, identity.application_id):
        assert hit(index.search(object_id), OBJECT_ID).identity_ids == (identity.id,)
    result = index.search(identity.app_id.upper())
    assert hit(result, APP_ID).identity_ids == (identity.id,)
    assert result.identity_ids == [identity.id]


def test_by_credential_key_id_finds_the_identity_its_sign_ins_and_the_audit(world):
    d, index = world
    midnight = d.named(MIDNIGHT)
    added = [e for e in midnight.audit_events if e.keys_added]
    assert len(added) == 1
    key = added[0].keys_added[0]
    found = hit(index.search(key[:8]), KEY_ID, key)
    assert found.identity_ids == (midnight.id,)
    kinds = {e.kind for e in found.events}
    assert kinds == {"signIns", "audit"}
    used = [e for e in found.events if e.kind == "signIns"]
    assert all(names.SUSPICIOUS_IP in e.text for e in used)
    assert sum(int(e.text.split()[0]) for e in used) == 6  # the six attacker sign-ins
    assert next(e for e in found.events if e.kind == "audit").ref_id == added[0].id


def test_by_federated_subject(world):
    d, index = world
    automation = d.named(AUTOMATION)
    subject = "repo:jdoe-dev/scratch:ref:refs/heads/main"
    found = hit(index.search("jdoe-dev/scratch"), SUBJECT, subject)
    assert found.identity_ids == (automation.id,)
    audit = [e for e in found.events if e.kind == "audit"]
    assert len(audit) == 1 and audit[0].identity_ids == (automation.id,)
    assert "added federated subject" in audit[0].text


def test_by_ip_finds_the_identity_behind_it_and_what_happened_from_it(world):
    d, index = world
    midnight = d.named(MIDNIGHT)
    result = index.search(names.SUSPICIOUS_IP)
    found = hit(result, IP, names.SUSPICIOUS_IP)
    assert found.match == "exact"
    assert found.identity_ids == (midnight.id,)  # signed in from it: only this identity
    audit = [e for e in found.events if e.kind == "audit"]
    # the owner added the secret from the same address (the audit's initiator IP)
    assert len(audit) == 1 and "Certificates and secrets" in audit[0].text
    assert result.identity_ids == [midnight.id]


def test_by_ip_prefix_and_risk_detections(world):
    d, index = world
    risky = d.named(RISKY)
    result = index.search("ip:" + names.ATTACKER_IPS[0][:-2])
    assert result.field == IP and all(h.field == IP for h in result.hits)
    found = hit(result, IP, names.ATTACKER_IPS[0])
    assert risky.id in found.identity_ids
    assert {"signIns", "risk"} <= {e.kind for e in found.events}


def test_by_actor_upn_and_owner(world):
    d, index = world
    midnight = d.named(MIDNIGHT)
    upn = midnight.owners[0].upn
    assert upn
    result = index.search(upn)
    acts = hit(result, ACTOR, upn)
    assert [e.identity_ids for e in acts.events if e.kind == "audit"] == [(midnight.id,)]
    assert midnight.id in hit(result, OWNER, upn).identity_ids
    only_actor = index.search("upn:" + upn)
    assert {h.field for h in only_actor.hits} == {ACTOR}


def test_short_queries_are_capped_and_empty_ones_find_nothing(world):
    _, index = world
    many = index.search("a", limit=25)
    assert len(many.hits) == 25 and many.truncated
    assert index.search("   ").hits == ()
    assert index.search("no such thing anywhere").hits == ()


def test_split_query_keeps_ipv6_and_subjects_whole():
    assert split_query("ip:10.0.0.1") == (IP, "10.0.0.1")
    assert split_query("2001:db8::1") == (None, "2001:db8::1")
    assert split_query("repo:contoso/web:pull_request") == (None, "repo:contoso/web:pull_request")
    assert split_query("Key: abc") == (KEY_ID, "abc")


def test_without_the_tenant_data_sign_ins_come_from_each_identity(world):
    d, _ = world
    index = SearchIndex(build_search_index(d.analysis))
    midnight = d.named(MIDNIGHT)
    found = hit(index.search(names.SUSPICIOUS_IP), IP, names.SUSPICIOUS_IP)
    assert found.identity_ids == (midnight.id,)
    assert {e.kind for e in found.events} == {"signIns"}  # the actor's IP needs the data


def test_hand_made_tenant_every_key_type():
    t = Tenant()
    owner = user("ops.admin@contoso.test", "u0000001-0000-4000-8000-000000000001")
    key = t.new_id("5ec7")
    ids = t.app("Billing Robot", secrets=[secret(key)], owners=[owner],
                fics=[{"id": t.new_id("f1c0"), "name": "deploy", "subject": "repo:contoso/billing:environment:prod",
                       "issuer": "https://token.actions.githubusercontent.com",
                       "audiences": ["api://AzureADTokenExchange"]}])
    other = t.app("Other App")
    t.sign_in(ids["spId"], ids["appId"], -1, ip="192.0.2.50", key_id=key)
    t.sign_in(ids["spId"], ids["appId"], -2, ip="192.0.2.50", key_id=key, error=7000215)
    t.sign_in(other["spId"], other["appId"], -1, ip="192.0.2.51")
    t.audit("Add owner to application", {"id": ids["applicationId"], "displayName": "Billing Robot",
                                         "type": "Application"},
            user={"id": "u0000002-0000-4000-8000-000000000002",
                  "userPrincipalName": "intruder@contoso.test", "ipAddress": "192.0.2.99"})
    rec = t.recording()
    analysis = t.analyze()
    index = SearchIndex(build_search_index(analysis, TenantData.from_recording(rec)))
    sp = ids["spId"]
    assert hit(index.search("billing rob"), NAME).identity_ids == (sp,)
    assert hit(index.search(ids["applicationId"]), OBJECT_ID).identity_ids == (sp,)
    assert hit(index.search(ids["appId"]), APP_ID).identity_ids == (sp,)
    signed = hit(index.search(key), KEY_ID)
    assert signed.identity_ids == (sp,)
    assert [e.text.split(",")[0:2] for e in signed.events] == [
        ["2 sign-in(s) from 192.0.2.50 with key " + key, " 1 failed"]]
    assert hit(index.search("environment:prod"), SUBJECT).identity_ids == (sp,)
    ip = hit(index.search("192.0.2.50"), IP)
    assert ip.identity_ids == (sp,)  # not the other app, seen from .51
    actor = hit(index.search("intruder@"), ACTOR)
    assert actor.identity_ids == () and actor.events[0].identity_ids == (sp,)
    assert hit(index.search("192.0.2.99"), IP).events[0].ref_id == actor.events[0].ref_id
    assert hit(index.search("ops.admin"), OWNER).identity_ids == (sp,)
