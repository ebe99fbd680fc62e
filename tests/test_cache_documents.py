"""Labels, the action journal and small state: persistence and rules, on the real cache."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cache import SecretRefused
from test_cache_support import TENANT, WHEN, Clock, commit_snapshot, make_store


def test_labels_survive_new_store_instances_and_snapshots(tmp_path):
    store = make_store(tmp_path)
    labels = store.tenant(TENANT).labels
    labels.set("sp1", {"tier": 0, "criticality": "high", "owner": "payments team",
                       "notes": "[b]not markup[/b]", "labels": ["to-decommission"]})
    labels.set("sp2", {"labels": ["accepted-risk:2027-03-31"]})
    labels.set("sp2", {"labels": ["accepted-risk:2027-06-30"]})  # replaces
    commit_snapshot(store, "first")
    commit_snapshot(store, "second")
    store.close()

    labels = make_store(tmp_path).tenant(TENANT).labels
    assert labels.get("sp1")["notes"] == "[b]not markup[/b]"
    assert labels.all() == {
        "sp1": {"tier": 0, "criticality": "high", "owner": "payments team",
                "notes": "[b]not markup[/b]", "labels": ["to-decommission"]},
        "sp2": {"labels": ["accepted-risk:2027-06-30"]},
    }
    assert len(labels) == 2
    assert labels.delete("sp1") is True and labels.delete("sp1") is False
    assert labels.get("sp1") is None
    with pytest.raises(TypeError):
        labels.set("sp3", ["not", "a", "dict"])
    with pytest.raises(ValueError):
        labels.set("sp3", {"notes": "x" * 100_000})
    assert make_store(tmp_path).tenant(TENANT).labels.all() == {
        "sp2": {"labels": ["accepted-risk:2027-06-30"]}}


def test_labels_are_per_tenant(tmp_path):
    store = make_store(tmp_path)
    store.tenant("tenant-a").labels.set("sp1", {"tier": 0})
    assert store.tenant("tenant-b").labels.get("sp1") is None


def test_journal_ids_history_and_listing(tmp_path):
    clock = Clock()
    store = make_store(tmp_path, clock)
    journal = store.tenant(TENANT).journal
    first = journal.append({"action": "disable-service-principal", "target": "sp1",
                            "request": {"method": "PATCH", "body": {"accountEnabled": False}},
                            "prior": {"accountEnabled": True}})
    clock.advance(minutes=1)
    journal.update(first, status="running")
    clock.advance(minutes=1)
    journal.update(first, status="done", outcome={"status": 204})
    second = journal.append({"action": "remove-owner", "target": "app1"})
    third = journal.append({"action": "set-label", "status": "done"})
    assert (first, second, third) == ("00000001", "00000002", "00000003")
    assert first < second < third

    journal = make_store(tmp_path).tenant(TENANT).journal
    entry = journal.get(1)  # as a user types it
    assert entry["status"] == "done" and entry["outcome"] == {"status": 204}
    assert entry["recorded"] == "2026-11-20T09:00:00Z"
    assert entry["history"] == [
        {"status": "planned", "at": "2026-11-20T09:00:00Z"},
        {"status": "running", "at": "2026-11-20T09:01:00Z"},
        {"status": "done", "at": "2026-11-20T09:02:00Z"},
    ]
    assert [e["id"] for e in journal.entries()] == [first, second, third]
    assert [e["id"] for e in journal.entries(limit=2)] == [second, third]
    assert [e["id"] for e in journal.entries(since=first)] == [second, third]
    assert [e["id"] for e in journal.entries(since=WHEN + timedelta(minutes=2))] == \
        [second, third]
    assert [e["id"] for e in journal.unfinished()] == [second]
    assert journal.get("99") is None
    with pytest.raises(KeyError):
        journal.update("99", status="done")
    with pytest.raises(ValueError):
        journal.update(first, history=[])
    with pytest.raises(ValueError):
        journal.get("not-an-id")


@pytest.mark.parametrize("entry", [
    {"action": "remove-credential", "prior": {"passwordCredentials": [{"secretText": "s"}]}},
    {"action": "x", "request": {"headers": {"Authorization": "Bearer abc"}}},
    {"action": "x", "access_token": "abc"},
    {"action": "x", "password": "hunter2"},
    {"action": "x", "note": "Bearer eyJ0eXAiOiJKV1QiLCJhbGciOi"},
    {"action": "x", "note": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2dy.sig"},
])
def test_journal_refuses_secrets(tmp_path, entry):
    journal = make_store(tmp_path).tenant(TENANT).journal
    with pytest.raises(SecretRefused):
        journal.append(entry)
    assert journal.entries() == []
    ok = journal.append({"action": "remove-credential", "keyId": "k1",
                         "prior": {"passwordCredentials": [{"keyId": "k1", "hint": "abc"}]}})
    with pytest.raises(SecretRefused):
        journal.update(ok, **entry)
    assert journal.get(ok)["status"] == "planned"


def test_state_documents_persist(tmp_path):
    store = make_store(tmp_path)
    state = store.tenant(TENANT).state
    progress = {"queue": ["f1", "f2", "f3"], "done": ["f1"], "snoozed": {"f2": "2026-12-01"}}
    state.set("maintenance", progress)
    state.set("view", {"sort": "name"})
    state = make_store(tmp_path).tenant(TENANT).state
    assert state.get("maintenance") == progress
    assert state.get("missing", "default") == "default"
    assert sorted(state.names()) == ["maintenance", "view"]
    assert state.delete("view") is True
    assert state.names() == ["maintenance"]


def test_journal_appends_from_two_stores_get_distinct_ids(tmp_path):
    a = make_store(tmp_path).tenant(TENANT).journal
    b = make_store(tmp_path).tenant(TENANT).journal
    ids = [j.append({"action": "x", "n": n}) for n in range(10) for j in (a, b)]
    assert len(set(ids)) == 20 and ids == sorted(ids)
