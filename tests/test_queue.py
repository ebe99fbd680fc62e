"""The maintenance queue over the real cache: a session is interrupted and resumed, a later
session finds its skips again, and a real sync in which a finding is fixed drops it out."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from cache import Store
from cache.queue_store import QueueStore, QueueUnreadable
from graph.recording import write_recording
from models.finding import Finding
from models.queue import (
    ACCEPTED, DONE, PENDING, SKIPPED, SNOOZED, Queue, QueueFilter, rules_not_run,
    summary_markdown,
)
from models.remedies import remedies
from test_search_support import EXCHANGE, NOW, demo
from tui.cache_source import CacheSource
from tui.source import Source
from tui.sync import sync

LATER = NOW + timedelta(hours=2)


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


def source_of(store, tenant_id):
    source = CacheSource(store, tenant_id)
    rows = {row.id: row for row in source.index()}
    return source, source.findings(), rows


def test_interrupted_session_resumes_and_a_sync_drops_what_was_fixed(env):
    rec = demo(7).recording
    write_recording(rec, env / "before")
    store = Store()
    tenant_id = sync(Source("replay", directory=str(env / "before")), store).tenant_id
    source, findings, rows = source_of(store, tenant_id)
    queue = Queue.new(QueueFilter(severities=("high", "medium")), NOW)
    session = queue.start_session(NOW, by="admin@contoso.com")
    walk = queue.walk(findings, rows, now=NOW)
    assert walk and all(i.finding.severity in ("high", "medium") for i in walk)
    assert [i.finding.severity for i in walk] == sorted(
        (i.finding.severity for i in walk), key=("high", "medium").index)
    planted = next(i for i in walk if i.finding.rule == "first-party-credential")
    assert planted.name == EXCHANGE
    fix = remedies(planted.finding, source.detail(planted.finding.identity_id))[0].action
    assert fix.action == "remove-credential" and fix.key_id == planted.finding.evidence["keyId"]
    queue.done(planted.finding, NOW, action=fix.to_json(), name=planted.name)
    others = [i for i in walk if i is not planted]
    skipped, snoozed, accepted, unfixed = others[0], others[1], others[2], others[3]
    queue.skip(skipped.finding, NOW, name=skipped.name)
    queue.snooze(snoozed.finding, NOW + timedelta(days=3), NOW, name=snoozed.name)
    record = queue.accept(accepted.finding, "vendor contract until spring", NOW + timedelta(days=90),
                          NOW, by="admin@contoso.com", name=accepted.name)
    queue.done(unfixed.finding, NOW, note="rotated by the owner", name=unfixed.name)
    queues = QueueStore(store.tenant(tenant_id))
    queues.save(queue)
    assert record["reason"] == "vendor contract until spring"
    queues.show_acceptances(accepted.finding.identity_id, queue, NOW, by="admin@contoso.com")
    left = [i.finding.id for i in queue.walk(findings, rows, now=NOW)]
    source.snapshot.close()
    store.close()

    # the admin comes back (a new process): same place, the skipped one at the end
    store = Store()
    source, findings, rows = source_of(store, tenant_id)
    queues = QueueStore(store.tenant(tenant_id))
    resumed = queues.load()
    walk = resumed.walk(findings, rows, now=NOW)
    assert [i.finding.id for i in walk] == left
    assert walk[-1].finding.id == skipped.finding.id and walk[-1].state == SKIPPED
    decided = {planted.finding.id, snoozed.finding.id, accepted.finding.id, unfixed.finding.id}
    assert not decided & {i.finding.id for i in walk}
    counts = resumed.counts(findings, rows, now=NOW)
    assert (counts[DONE], counts[SKIPPED], counts[SNOOZED], counts[ACCEPTED]) == (2, 1, 1, 1)
    assert counts["total"] == len(walk) + 4
    labels = store.tenant(tenant_id).labels.get(accepted.finding.identity_id)
    assert labels["labels"] == [f"accepted-risk:{(NOW + timedelta(days=90)):%Y-%m-%d}"]
    assert labels["notes"] == (f"accepted risk ({accepted.finding.rule}, until "
                               f"{(NOW + timedelta(days=90)):%Y-%m-%d}): vendor contract until spring")

    # next day, a new session: the skip is pending again, in its place; the snooze holds
    resumed.end_session(NOW + timedelta(hours=1))
    resumed.start_session(NOW + timedelta(days=1))
    tomorrow = NOW + timedelta(days=1)
    walk = resumed.walk(findings, rows, now=tomorrow)
    assert [i.finding.id for i in walk] == [
        i.finding.id for i in resumed.items(findings, rows)
        if resumed.effective_state(i.record, tomorrow) == PENDING]
    assert walk[-1].finding.id != skipped.finding.id
    assert next(i for i in walk if i.finding.id == skipped.finding.id).state == SKIPPED
    assert resumed.effective_state(resumed.doc["items"][skipped.finding.id], NOW) == PENDING
    assert snoozed.finding.id not in [i.finding.id for i in walk]
    after_snooze = resumed.walk(findings, rows, now=NOW + timedelta(days=4))
    assert snoozed.finding.id in [i.finding.id for i in after_snooze]
    queues.save(resumed)

    # the planted credential is removed in the tenant; a sync (two hours later) sees it gone
    fixed = copy.deepcopy(rec)
    exchange = next(s for s in fixed.items("v1.0/servicePrincipals") if s["displayName"] == EXCHANGE)
    exchange["passwordCredentials"] = []
    write_recording(fixed, env / "after")
    result = sync(Source("replay", directory=str(env / "after")), store, now=LATER)
    assert source.reopen()
    findings = source.findings()
    assert planted.finding.id not in {f.id for f in findings}
    queue = queues.load()
    changes = queue.refresh(findings, LATER, rules_not_run(source.snapshot.meta["analysisWarnings"]))
    assert changes == {"resolved": [planted.finding.id], "reopened": [unfixed.finding.id]}
    queues.save(queue)
    queue = queues.load()
    assert planted.finding.id not in [i.finding.id for i in queue.items(findings, rows)]
    assert unfixed.finding.id in [i.finding.id for i in queue.walk(findings, rows, now=LATER)]
    assert result.generation == 2

    summary = queue.summary(session)
    # the unfixed one was reopened: pending again, no longer counted as done
    assert summary["counts"] == {DONE: 1, SKIPPED: 1, SNOOZED: 1, ACCEPTED: 1, "confirmed": 1}
    text = summary_markdown(summary, "Contoso Demo")
    assert "- skipped: 1" in text and "- snoozed: 1" in text and "- accepted: 1" in text
    assert "reason: vendor contract until spring" in text
    assert f"on **{EXCHANGE}**" in text and "gone in the snapshot of" in text
    assert "action: action=remove-credential" in text


def test_acceptances_in_labels_keep_the_admins_own_and_go_when_withdrawn(env):
    store = Store()
    tenant = store.tenant("33333333-3333-3333-3333-333333333333")
    tenant.labels.set("i1", {"labels": ["to-decommission"], "notes": "ask Jane first"})
    queue = Queue.new(QueueFilter(), NOW)
    queue.start_session(NOW)
    queues = QueueStore(tenant)
    queue.accept(finding(1), "until the vendor ships v2", NOW + timedelta(days=60), NOW)
    queue.accept(finding(5, "no-owner"), "owned by the platform team", NOW + timedelta(days=30),
                 NOW)
    queue.doc["items"]["f5"]["identityId"] = "i1"
    doc = queues.show_acceptances("i1", queue, NOW)
    assert doc["labels"] == ["to-decommission", f"accepted-risk:{NOW + timedelta(days=30):%Y-%m-%d}"]
    assert doc["notes"].splitlines()[0] == "ask Jane first" and len(doc["notes"].splitlines()) == 3
    queue.undo("f1")
    queue.undo("f5")
    assert queues.show_acceptances("i1", queue, NOW) == tenant.labels.get("i1")
    assert tenant.labels.get("i1") == {"labels": ["to-decommission"], "notes": "ask Jane first",
                                       "at": NOW.isoformat()}
    assert queues.show_acceptances("i9", queue, NOW) == {} and tenant.labels.get("i9") is None


def finding(n: int, rule: str = "credential-expired", severity: str = "low") -> Finding:
    return Finding(id=f"f{n}", rule=rule, severity=severity, identity_id=f"i{n}",
                   summary=f"finding {n}")


def rows_for(findings, tier="Unclassified", kind="app"):
    return {f.identity_id: {"display_name": f"Identity {f.identity_id}", "kind": kind,
                            "tier": tier, "app_id": ""} for f in findings}


def test_filters_order_and_refuse_bad_decisions():
    found = [finding(1), finding(2, "no-owner", "info"), finding(3, "privileged-permission", "high"),
             finding(4, "stale-identity", "low")]
    rows = rows_for(found)
    rows["i4"]["tier"] = "ControlPlane"
    queue = Queue.new(QueueFilter(severities=("high", "low")), NOW)
    assert [i.finding.id for i in queue.walk(found, rows)] == ["f3", "f4", "f1"]  # tier ranks
    by_rule = Queue.new(QueueFilter(rules=("no-owner",)), NOW)
    assert [i.finding.id for i in by_rule.walk(found, rows)] == ["f2"]
    by_label = Queue.new(QueueFilter(labels=("to-decommission",)), NOW)
    assert [i.finding.id for i in by_label.walk(found, rows, {"i1": ["To-Decommission"]})] == ["f1"]
    by_query = Queue.new(QueueFilter(query="tier:control"), NOW)
    assert [i.finding.id for i in by_query.walk(found, rows)] == ["f4"]
    with pytest.raises(ValueError):
        queue.accept(found[0], "  ", NOW + timedelta(days=1), NOW)
    with pytest.raises(ValueError):
        queue.accept(found[0], "ok", NOW, NOW)
    with pytest.raises(ValueError):
        queue.snooze(found[0], NOW - timedelta(days=1), NOW)
    assert QueueFilter.from_json(by_query.filter.to_json()) == by_query.filter


def test_a_rule_that_did_not_run_resolves_nothing_and_expiries_come_back():
    found = [finding(1), finding(2, "stale-identity")]
    queue = Queue.new(QueueFilter(), NOW)
    queue.start_session(NOW)
    queue.accept(found[0], "known", NOW + timedelta(days=30), NOW)
    queue.done(found[1], NOW)
    warnings = ["rule stale-identity did not run: it needs servicePrincipalSignInActivities or signIns"]
    assert rules_not_run(warnings) == {"stale-identity"}
    assert queue.refresh([found[0]], LATER, rules_not_run(warnings)) == {"resolved": [],
                                                                         "reopened": []}
    assert "f2" in queue.doc["items"]
    rows = rows_for(found)
    assert queue.walk(found, rows, now=NOW + timedelta(days=31))[0].finding.id == "f1"
    assert queue.undo("f1") and not queue.undo("f1")
    assert queue.refresh([], LATER)["resolved"] == ["f2"]


def test_a_damaged_saved_queue_is_reported(env):
    store = Store()
    tenant = store.tenant("33333333-3333-3333-3333-333333333333")
    tenant.state.set("queue:default", {"format": "something-else"})
    with pytest.raises(QueueUnreadable, match="start a new one"):
        QueueStore(tenant).load()
    assert QueueStore(tenant).load("other") is None
    assert QueueStore(tenant).names() == ["default"]
