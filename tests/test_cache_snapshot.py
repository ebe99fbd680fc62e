"""Snapshot generations through the real diskcache: round trips, commit, keep-last-N, readers."""

from __future__ import annotations

import threading

import pytest

from cache import CacheError, Store, SyncInProgress
from test_cache_support import TENANT, WHEN, Clock, commit_snapshot, make_store, \
    sample_details, sample_recording


def test_round_trip_of_every_kind_of_value(tmp_path):
    store = make_store(tmp_path)
    tenant = store.tenant(TENANT)
    details = sample_details(300)
    details["str-id"] = '{"as": "str"}'
    rec = sample_recording()
    writer = tenant.begin_snapshot({"displayName": "Contoso", "deltaLinks": {"sp": "x"},
                                    "unavailable": ["signIns"]})
    writer.put("index", [{"id": "a", "name": "é [b]x[/b]"}])
    writer.put("big", {"rows": list(range(50000))})
    writer.put("plain", {"rows": list(range(50000))}, compress=False)
    writer.put_bytes("raw", b"\x00\xffbytes")
    writer.put_details(details)
    writer.put_recording(rec)
    info = writer.commit({"requests": 12})

    assert info.number == 1 and info.created == WHEN
    assert info.meta == {"displayName": "Contoso", "deltaLinks": {"sp": "x"},
                         "unavailable": ["signIns"], "requests": 12}
    assert info.counts["details"] == 301 and info.counts["keys"] == 4
    reader = store.tenant(TENANT).current()
    assert (reader.generation, reader.created, reader.meta) == (1, WHEN, info.meta)
    assert reader.get("index") == [{"id": "a", "name": "é [b]x[/b]"}]
    assert reader.get("big") == {"rows": list(range(50000))}
    assert reader.get("plain") == {"rows": list(range(50000))}
    assert reader.get_bytes("raw") == b"\x00\xffbytes"
    assert reader.get("missing", "default") == "default"
    assert reader.keys() == ["big", "index", "plain", "raw"]
    with pytest.raises(TypeError):
        reader.get("raw")
    assert reader.detail("id-00007") == details["id-00007"]
    assert reader.detail("str-id") == b'{"as": "str"}'
    assert reader.detail("nobody") is None
    assert all(reader.detail(k) == (v if isinstance(v, bytes) else v.encode())
               for k, v in details.items())
    back = reader.recording()
    assert back.bodies == rec.bodies
    assert (back.tenant_id, back.recorded_at, back.cloud) == (TENANT, WHEN, "global")
    assert back.unavailable == rec.unavailable
    reader.close()


def test_large_recording_is_grouped_into_few_blobs(tmp_path):
    import sqlite3

    store = make_store(tmp_path)
    rec = sample_recording(sps=12000)  # 24,000 relation paths
    commit_snapshot(store, "big", recording=rec)
    reader = store.tenant(TENANT).current()
    db = reader.info.path / "cache.db"
    rows = sqlite3.connect(db).execute("SELECT count(*) FROM Cache WHERE key LIKE 'r:%'")
    assert rows.fetchone()[0] < 30
    assert reader.recording().bodies == rec.bodies


def test_secret_text_never_reaches_the_cache(tmp_path):
    store = make_store(tmp_path)
    rec = sample_recording()
    rec.set_items("v1.0/applications", [{"id": "a", "passwordCredentials": [
        {"keyId": "k", "secretText": "hunter2"}]}])
    writer = store.tenant(TENANT).begin_snapshot({})
    writer.put("index", [{"secretText": "hunter2", "ok": 1}])
    writer.put_details({"a": '{"passwordCredentials": [{"secretText": "hunter2"}]}'})
    writer.put_recording(rec)
    writer.commit()
    reader = store.tenant(TENANT).current()
    assert reader.get("index") == [{"ok": 1}]
    assert reader.detail("a") == b'{"passwordCredentials":[{}]}'
    assert reader.recording().items("v1.0/applications") == [
        {"id": "a", "passwordCredentials": [{"keyId": "k"}]}]
    reader.close()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"hunter2" not in path.read_bytes(), path


def test_generation_switches_only_on_commit(tmp_path):
    store = make_store(tmp_path)
    tenant = store.tenant(TENANT)
    assert tenant.current() is None
    commit_snapshot(store, "first")
    writer = tenant.begin_snapshot({"displayName": "second"})
    writer.put("index", ["second"])
    writer.put_details(sample_details(10, "second"))
    # a reader opened now, and one opened from a new Store, still see the first
    assert tenant.current().meta["displayName"] == "first"
    assert make_store(tmp_path).tenant(TENANT).current().get("index")[0]["name"] == "first"
    writer.commit()
    assert tenant.current().meta["displayName"] == "second"
    assert tenant.current().get("index") == ["second"]


def test_abort_and_exception_leave_the_current_snapshot(tmp_path):
    store = make_store(tmp_path)
    commit_snapshot(store, "first")
    tenant = store.tenant(TENANT)
    writer = tenant.begin_snapshot({})
    writer.put("index", ["nope"])
    writer.abort()
    with pytest.raises(RuntimeError):
        with tenant.begin_snapshot({}) as writer:
            writer.put("index", ["nope"])
            raise RuntimeError("sync failed")
    with tenant.begin_snapshot({}) as writer:
        writer.put("index", ["never committed"])  # leaving the block without commit aborts
    assert [g.meta["displayName"] for g in tenant.generations()] == ["first"]
    assert sorted(p.name for p in tenant.snapshots_dir.iterdir()) == ["000001"]
    with pytest.raises(CacheError):
        writer.put("late", 1)


def test_only_one_sync_writes_at_a_time(tmp_path):
    tenant = make_store(tmp_path).tenant(TENANT)
    writer = tenant.begin_snapshot({})
    other = make_store(tmp_path).tenant(TENANT)  # another Store, as another process would
    with pytest.raises(SyncInProgress):
        other.begin_snapshot({})
    # opening the tenant meanwhile must not clean up the running sync's files
    assert writer.directory.is_dir()
    writer.commit()
    other.begin_snapshot({}).abort()


def test_keeps_the_last_n_generations_with_meta(tmp_path):
    clock = Clock()
    store = make_store(tmp_path, clock, keep=3)
    for name in ("g1", "g2", "g3", "g4", "g5"):
        commit_snapshot(store, name)
        clock.advance(hours=1)
    generations = store.tenant(TENANT).generations()
    assert [(g.number, g.display_name) for g in generations] == [(5, "g5"), (4, "g4"), (3, "g3")]
    assert [g.created.hour for g in generations] == [13, 12, 11]
    assert sorted(p.name for p in store.tenant(TENANT).snapshots_dir.iterdir()) == \
        ["000003", "000004", "000005"]
    old = store.tenant(TENANT).snapshot(3)
    assert old.get("index")[0]["name"] == "g3"
    assert store.tenant(TENANT).snapshot(1) is None
    old.close()


def test_a_reader_keeps_its_generation_while_syncs_commit(tmp_path):
    store = make_store(tmp_path, keep=2)
    commit_snapshot(store, "first")
    reader = store.tenant(TENANT).current()
    for name in ("second", "third", "fourth"):
        commit_snapshot(make_store(tmp_path, keep=2), name)
    # generation 1 is past keep=2 but still open: it is not pruned under the reader
    assert reader.get("index")[0]["name"] == "first"
    assert reader.detail("id-00003") == sample_details(5, "first")["id-00003"]
    assert reader.get("big") == {"rows": ["first"] * 20000}
    reader.close()
    commit_snapshot(store, "fifth")
    assert [g.number for g in store.tenant(TENANT).generations()] == [5, 4]


def test_reading_in_threads_while_a_sync_writes(tmp_path):
    store = make_store(tmp_path)
    commit_snapshot(store, "first", details=400)
    reader = store.tenant(TENANT).current()
    errors: list[BaseException] = []
    stop = threading.Event()

    def read() -> None:
        try:
            while not stop.is_set():
                assert reader.get("index")[0]["name"] == "first"
                assert b'"tag": "first"' in reader.detail("id-00123")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        for name in ("second", "third"):
            commit_snapshot(Store(tmp_path, clock=Clock()), name, details=400)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors, errors
    assert store.tenant(TENANT).current().meta["displayName"] == "third"
    reader.close()


def test_tenants_last_tenant_and_clear(tmp_path):
    clock = Clock()
    store = make_store(tmp_path, clock)
    commit_snapshot(store, "Contoso")
    clock.advance(hours=2)
    commit_snapshot(store, "Contoso renamed")
    other = store.tenant("Fabrikam.onmicrosoft.com")
    other.labels.set("x", {"tier": 0})
    assert store.last_tenant() is None
    store.set_last_tenant(TENANT)
    reopened = make_store(tmp_path)
    assert reopened.last_tenant() == TENANT
    listed = reopened.tenants()
    assert [(t.tenant_id, t.display_name, t.generations) for t in listed] == [
        (TENANT, "Contoso renamed", 2), ("fabrikam.onmicrosoft.com", "", 0)]
    assert listed[0].last_sync == WHEN.replace(hour=11)
    assert listed[0].size > 0
    assert reopened.find("contoso renamed") == TENANT
    assert reopened.find("1111") == TENANT and reopened.find("FABRIKAM.onmicrosoft.com")
    assert reopened.find("nobody") is None and reopened.find("") is None
    assert reopened.clear(TENANT) is True
    assert reopened.last_tenant() is None
    assert [t.tenant_id for t in reopened.tenants()] == ["fabrikam.onmicrosoft.com"]
    assert reopened.clear(TENANT) is False
    assert reopened.clear_all() == 1
    assert reopened.tenants() == []


def test_bad_tenant_ids_are_refused(tmp_path):
    store = make_store(tmp_path)
    for bad in ("../x", "a/b", "", ".hidden", "x" * 300):
        with pytest.raises(CacheError):
            store.tenant(bad)
