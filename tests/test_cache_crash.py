"""A sync killed with SIGKILL in the middle of a snapshot, in a real subprocess.

The writer runs the real store; a wrapper around diskcache's `Cache.set` (the third-party
engine, not our code) parks it after a few detail shards so that the kill lands, every
time, after part of the details is on disk.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from test_cache_support import ROOT, TENANT, commit_snapshot, make_store, run_python, \
    sample_details

WRITER = """
import json, os, sys, time
import diskcache
from cache import Store
from test_cache_support import TENANT

real_set = diskcache.Cache.set
shards = 0

def set_and_park(self, key, value, *args, **kwargs):
    global shards
    result = real_set(self, key, value, *args, **kwargs)
    if isinstance(key, str) and key.startswith("d:"):
        shards += 1
        if shards == 5:
            print("partway", flush=True)
            time.sleep(600)
    return result

diskcache.Cache.set = set_and_park
writer = Store(sys.argv[1]).tenant(TENANT).begin_snapshot({"displayName": "second"})
writer.put("index", ["second"])
# random content: shards stay big after compression, so they are value files on disk
writer.put_details({f"id-{n:05d}": json.dumps({"r": os.urandom(512).hex()})
                    for n in range(3000)})
writer.commit()
print("committed", flush=True)
"""


def test_writer_killed_mid_details_leaves_previous_snapshot(tmp_path):
    store = make_store(tmp_path)
    commit_snapshot(store, "first")
    store.close()
    env = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}"}
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "partway", proc.stderr.read()
        partial = tmp_path / "tenants" / TENANT / "snapshots" / "000002.partial"
        assert partial.is_dir()
        assert any(partial.rglob("*.val")), "some detail shards were written"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL

    reopened = make_store(tmp_path)
    tenant = reopened.tenant(TENANT)
    reader = tenant.current()
    assert reader.generation == 1 and reader.meta["displayName"] == "first"
    assert reader.get("index")[0]["name"] == "first"
    assert reader.detail("id-00004") == sample_details(5, "first")["id-00004"]
    assert not partial.exists(), "the next open removes the unfinished generation"
    assert reopened.notices == []
    reader.close()
    assert commit_snapshot(reopened, "third") == 3  # the killed number is not reused


def test_journal_entry_survives_a_crash_before_its_update(tmp_path):
    code = """
import os, signal, sys
from cache import Store
journal = Store(sys.argv[1]).tenant("t1").journal
entry = journal.append({"action": "disable-service-principal", "target": "sp1"})
print(entry, flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # the Graph write would have gone out here
"""
    done = run_python(code, str(tmp_path), check=False)
    assert done.returncode == -signal.SIGKILL
    entry_id = done.stdout.strip()
    journal = make_store(tmp_path).tenant("t1").journal
    entry = journal.get(entry_id)
    assert entry["action"] == "disable-service-principal" and entry["status"] == "planned"
    assert [e["id"] for e in journal.unfinished()] == [entry_id]
    journal.update(entry_id, status="done")
    assert journal.unfinished() == []


def test_a_snapshot_written_by_another_process_is_read_here(tmp_path):
    store = make_store(tmp_path)
    commit_snapshot(store, "first")
    reader = store.tenant(TENANT).current()
    code = """
import sys
from test_cache_support import commit_snapshot, make_store
print(commit_snapshot(make_store(sys.argv[1]), "from-elsewhere"))
"""
    env_path = f"{ROOT}:{ROOT / 'tests'}"
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, check=True,
                         capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": env_path})
    assert json.loads(out.stdout) == 2
    assert reader.get("index")[0]["name"] == "first"  # until it reopens
    reader.close()
    assert store.tenant(TENANT).current().meta["displayName"] == "from-elsewhere"
