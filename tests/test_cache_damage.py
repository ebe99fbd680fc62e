"""A damaged cache is never misread and never loses data silently: each case on real files.

Every case damages real files written by the real store, then checks that the caller
gets a clear message (a notice or CacheCorrupt), that the damaged part was moved aside
with its content kept, and that the cache keeps working.
"""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
from pathlib import Path

import pytest

from cache import CacheCorrupt, Store
from test_cache_support import TENANT, commit_snapshot, make_store, run_python

GARBAGE = b"this is not a database, just garbage \x00\xff" * 200


def two_generations(root: Path) -> Store:
    store = make_store(root)
    commit_snapshot(store, "first")
    commit_snapshot(store, "second")
    store.close()
    return make_store(root)


def generation_dir(root: Path, number: int) -> Path:
    return root / "tenants" / TENANT / "snapshots" / f"{number:06d}"


def value_file(root: Path, number: int, key: str) -> Path:
    db = sqlite3.connect(generation_dir(root, number) / "cache.db")
    (filename,) = db.execute("SELECT filename FROM Cache WHERE key = ?", (key,)).fetchone()
    db.close()
    assert filename, f"{key} is stored inside sqlite, not as a value file"
    return generation_dir(root, number) / filename


def only_notice(store: Store, *words: str):
    assert len(store.notices) == 1, store.notices
    notice = store.notices[0]
    for word in words:
        assert word in notice.message, notice.message
    assert notice.moved_to is not None and notice.moved_to.exists()
    return notice


def test_corrupt_sqlite_falls_back_to_the_previous_generation(tmp_path):
    two_generations(tmp_path)
    (generation_dir(tmp_path, 2) / "cache.db").write_bytes(GARBAGE)
    store = make_store(tmp_path)
    reader = store.tenant(TENANT).current()
    assert reader.generation == 1 and reader.get("index")[0]["name"] == "first"
    notice = only_notice(store, "Snapshot 2", TENANT, "wlx sync")
    assert (notice.moved_to / "cache.db").read_bytes() == GARBAGE  # kept, not deleted
    assert [g.number for g in store.tenant(TENANT).generations()] == [1]


def test_corrupt_sqlite_of_the_only_generation_gives_no_snapshot_and_a_message(tmp_path):
    store = make_store(tmp_path)
    commit_snapshot(store, "only")
    store.close()
    (generation_dir(tmp_path, 1) / "cache.db").write_bytes(GARBAGE)
    store = make_store(tmp_path)
    assert store.tenant(TENANT).current() is None
    only_notice(store, "Snapshot 1")
    assert commit_snapshot(store, "again") == 2  # a fresh sync works


def test_truncated_sqlite_is_caught_when_opened_or_read(tmp_path):
    two_generations(tmp_path)
    db = generation_dir(tmp_path, 2) / "cache.db"
    db.write_bytes(db.read_bytes()[:4096])  # the header promises pages that are gone
    store = make_store(tmp_path)
    reader = store.tenant(TENANT).current()
    if reader.generation == 2:  # sqlite opened it: the damage shows on the first read
        with pytest.raises(CacheCorrupt):
            reader.get("index")
        reader = store.tenant(TENANT).current()
    assert reader.generation == 1
    only_notice(store, "Snapshot 2")


def test_truncated_value_file_raises_and_moves_the_generation_aside(tmp_path):
    store = two_generations(tmp_path)
    path = value_file(tmp_path, 2, "u:big")
    path.write_bytes(path.read_bytes()[:100])
    reader = store.tenant(TENANT).current()
    assert reader.get("index")[0]["name"] == "second"  # an intact value still reads
    with pytest.raises(CacheCorrupt) as caught:
        reader.get("big")
    assert "Snapshot 2" in str(caught.value) and "checksum" in str(caught.value)
    only_notice(store, "Snapshot 2")
    assert store.tenant(TENANT).current().generation == 1


def test_missing_value_file_is_damage_not_a_missing_key(tmp_path):
    store = two_generations(tmp_path)
    value_file(tmp_path, 2, "u:big").unlink()
    with pytest.raises(CacheCorrupt, match="missing"):
        store.tenant(TENANT).current().get("big")


def test_garbage_in_an_inline_blob(tmp_path):
    store = two_generations(tmp_path)
    db = sqlite3.connect(generation_dir(tmp_path, 2) / "cache.db")
    db.execute("UPDATE Cache SET value = ? WHERE key = 'u:index'", (GARBAGE[:300],))
    db.commit()
    db.close()
    with pytest.raises(CacheCorrupt, match="unknown tag|checksum"):
        store.tenant(TENANT).current().get("index")
    assert store.tenant(TENANT).current().generation == 1


def test_flipped_bytes_in_a_detail_shard(tmp_path):
    store = make_store(tmp_path)
    commit_snapshot(store, "first")
    with store.tenant(TENANT).begin_snapshot({}) as writer:
        # random content keeps shards above diskcache's value-file threshold
        writer.put_details({f"id-{n}": json.dumps({"r": os.urandom(600).hex()})
                            for n in range(300)})
        writer.commit()
    db = sqlite3.connect(generation_dir(tmp_path, 2) / "cache.db")
    (filename,) = db.execute("SELECT filename FROM Cache WHERE key = 'd:0'").fetchone()
    db.close()
    shard = generation_dir(tmp_path, 2) / filename
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    reader = store.tenant(TENANT).current()
    from cache.details import shard_of

    victim = next(f"id-{n}" for n in range(300) if shard_of(f"id-{n}", 3) == 0)
    with pytest.raises(CacheCorrupt, match="details"):
        reader.detail(victim)


def test_a_pickled_value_is_refused_not_loaded(tmp_path):
    marker = tmp_path / "pwned"

    class Exploit:
        def __reduce__(self):
            return (Path.touch, (marker,))

    store = two_generations(tmp_path)
    db = sqlite3.connect(generation_dir(tmp_path, 2) / "cache.db")
    db.execute("UPDATE Cache SET mode = 4, value = ? WHERE key = 'u:index'",
               (pickle.dumps(Exploit()),))
    db.commit()
    db.close()
    with pytest.raises(CacheCorrupt, match="pickled"):
        store.tenant(TENANT).current().get("index")
    assert not marker.exists()


def test_garbage_meta_json_and_other_snapshot_schema(tmp_path):
    two_generations(tmp_path)
    (generation_dir(tmp_path, 2) / "meta.json").write_text("{not json")
    store = make_store(tmp_path)
    assert [g.number for g in store.tenant(TENANT).generations()] == [1]
    only_notice(store, "Snapshot 2", "meta.json")
    meta = generation_dir(tmp_path, 1) / "meta.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "schema": 99}))
    store = make_store(tmp_path)
    assert store.tenant(TENANT).current() is None
    only_notice(store, "Snapshot 1", "schema 99")


def test_other_cache_schema_is_moved_aside_whole(tmp_path):
    two_generations(tmp_path)
    layout = tmp_path / "wlx-cache.json"
    layout.write_text(json.dumps({"format": "wlx-cache", "schema": 99}))
    store = make_store(tmp_path)
    notice = only_notice(store, "schema 99", "sync your tenants again")
    assert (notice.moved_to / "tenants" / TENANT / "snapshots" / "000002").is_dir()
    assert store.tenants() == [] and store.tenant(TENANT).current() is None
    assert json.loads(layout.read_text())["schema"] == 1
    assert make_store(tmp_path).notices == []  # settled: no notice on the next start


def test_an_older_unversioned_cache_is_moved_aside(tmp_path):
    (tmp_path / "cache.db").write_bytes(b"an old single-file cache")
    store = make_store(tmp_path)
    notice = only_notice(store, "no layout file")
    assert (notice.moved_to / "cache.db").read_bytes() == b"an old single-file cache"
    assert [e.path for e in store.aside()] == [notice.moved_to]


def test_tenant_of_another_schema_is_moved_aside(tmp_path):
    two_generations(tmp_path)
    (tmp_path / "tenants" / TENANT / "layout.json").write_text('{"format": "x", "schema": 0}')
    store = make_store(tmp_path)
    assert store.tenant(TENANT).current() is None
    notice = only_notice(store, f"tenant {TENANT}", "schema 0")
    assert (notice.moved_to / "snapshots" / "000002" / "meta.json").is_file()


@pytest.mark.parametrize("part", ["labels", "journal", "state"])
def test_damaged_labels_journal_state_restart_empty_and_keep_the_old(tmp_path, part):
    store = make_store(tmp_path)
    tenant = store.tenant(TENANT)
    tenant.labels.set("sp1", {"tier": 0})
    tenant.journal.append({"action": "disable-service-principal"})
    tenant.state.set("queue", {"done": 3})
    store.close()
    db = tmp_path / "tenants" / TENANT / part / "cache.db"
    db.write_bytes(GARBAGE)
    for extra in ("cache.db-wal", "cache.db-shm"):
        (db.parent / extra).unlink(missing_ok=True)
    store = make_store(tmp_path)
    tenant = store.tenant(TENANT)
    readers = {"labels": lambda: tenant.labels.all(), "journal": lambda: tenant.journal.entries(),
               "state": lambda: tenant.state.names()}
    assert readers[part]() in ({}, [])
    notice = only_notice(store, f"tenant {TENANT}", "moved to")
    assert (notice.moved_to / "cache.db").read_bytes() == GARBAGE
    survivors = {k: f() for k, f in readers.items() if k != part}
    assert all(survivors.values()), survivors  # the other parts are untouched
    tenant.labels.set("sp2", {"tier": 1})
    tenant.journal.append({"action": "remove-owner"})
    tenant.state.set("queue", {"done": 4})


PERMISSION_CASES = """
import json, sys
from cache import CacheCorrupt, Store
store = Store(sys.argv[1])
case = sys.argv[2]
result = {}
if case == "tenant":
    result["current"] = store.tenant(sys.argv[3]).current()
elif case == "snapshot":
    reader = store.tenant(sys.argv[3]).current()
    result["current"] = reader.generation
elif case == "value":
    try:
        store.tenant(sys.argv[3]).current().get("big")
    except CacheCorrupt as exc:
        result["error"] = str(exc)
    result["current"] = store.tenant(sys.argv[3]).current().generation
elif case == "labels":
    labels = store.tenant(sys.argv[3]).labels
    result["current"] = labels.all()
    labels.set("new", {"tier": 2})
result["notices"] = [n.message for n in store.notices]
print(json.dumps(result))
"""


@pytest.mark.parametrize("case", ["tenant", "snapshot", "value", "labels"])
def test_unreadable_files_are_moved_aside(tmp_path, case):
    store = two_generations(tmp_path)
    store.tenant(TENANT).labels.set("sp1", {"tier": 0})
    store.close()
    tenant_dir = tmp_path / "tenants" / TENANT
    target = {"tenant": tenant_dir, "snapshot": generation_dir(tmp_path, 2) / "cache.db",
              "value": value_file(tmp_path, 2, "u:big"),
              "labels": tenant_dir / "labels" / "cache.db"}[case]
    target.chmod(0)
    done = run_python(PERMISSION_CASES, str(tmp_path), case, TENANT, unprivileged=True,
                      check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    expected = {"tenant": None, "snapshot": 1, "value": 1, "labels": {}}[case]
    assert result["current"] == expected
    assert len(result["notices"]) == 1, result
    assert "moved to" in result["notices"][0]
    if case == "value":
        assert "Permission denied" in result["error"]
    moved = list((tmp_path / "aside").iterdir())
    assert len(moved) == 1
    kept = [moved[0], *moved[0].rglob("*")]
    assert any(p.name.startswith(target.name) for p in kept)  # the unreadable part is kept
