"""The one data path end to end: source → reader over HTTP → analysis → cache → app source.

Every test goes through the real reader against the replay Graph (in process, or the real
HTTP server on loopback), the real analysis and the real cache on a temp dir.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cache import Store
from graph.demo import generate_demo
from graph.recording import write_recording
from graph.replay import Faults, Replay, ReplayServer, ReplayState
from tui.cache_source import CacheSource
from tui.cli import main
from tui.source import Source
from tui.sync import sync

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def demo_recording():
    return generate_demo(300, 7, now=NOW)


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


def test_demo_sync_fills_the_cache_and_the_app_source_reads_it(env):
    store = Store()
    result = sync(Source("demo"), store, now=NOW)
    assert result.identities >= 290 and result.findings > 50
    assert store.last_tenant() == result.tenant_id
    source = CacheSource(store, result.tenant_id)
    rows = source.index()
    assert len(rows) == result.identities
    assert source.meta().tenant_name == "Contoso Demo"
    assert source.meta().snapshot_time == NOW
    some = next(r for r in rows if r.findings_count)
    detail = source.detail(some.id)
    assert detail.id == some.id and len(detail.findings) == some.findings_count
    assert {f.identity_id for f in source.findings()} <= {r.id for r in rows}
    assert source.overview().identities == len(rows)
    assert source.raw(some.id)  # the Graph JSON behind it


def test_replay_directory_sync_equals_the_recording(env, demo_recording, tmp_path):
    write_recording(demo_recording, tmp_path / "rec")
    store = Store()
    result = sync(Source("replay", directory=str(tmp_path / "rec")), store)
    snapshot = store.tenant(result.tenant_id).current()
    assert snapshot.meta["asOf"] == NOW.isoformat()  # evaluated as of recordedAt
    stored = snapshot.recording()
    for path in ("v1.0/servicePrincipals", "v1.0/applications", "beta/auditLogs/signIns"):
        assert len(stored.items(path)) == len(demo_recording.items(path)), path


def _serve(recording, faults=None):
    return ReplayServer(Replay(ReplayState(recording), faults or Faults()), port=0).start()


def test_live_path_cold_then_incremental_over_http(env, demo_recording):
    state = ReplayState(demo_recording)
    server = ReplayServer(Replay(state, Faults()), port=0).start()
    try:
        store = Store()
        source = Source("graph", auth="none", graph_url=server.base_url,
                        tenant=demo_recording.tenant_id)
        first = sync(source, store, now=NOW)
        assert first.changes is None and first.generation == 1
        sp = demo_recording.items("v1.0/servicePrincipals")[5]
        state.update(sp["id"], {"displayName": "Renamed by the test"})
        second = sync(source, store, now=NOW)
        assert second.generation == 2
        assert "1 updated" in second.changes
        assert second.requests < first.requests
        rows = {r.id: r for r in CacheSource(store, first.tenant_id).index()}
        assert rows[sp["id"]].display_name == "Renamed by the test"
    finally:
        server.stop()


def test_denied_audit_logs_and_reports_load_the_rest_and_name_the_gap(env, demo_recording):
    server = _serve(demo_recording, Faults(deny=("/v1.0/auditLogs", "/beta/reports",
                                                 "/beta/auditLogs")))
    try:
        store = Store()
        result = sync(Source("graph", auth="none", graph_url=server.base_url), store, now=NOW)
    finally:
        server.stop()
    assert {"directoryAudits", "signIns", "servicePrincipalSignInActivities",
            "appCredentialSignInActivities"} <= set(result.unavailable)
    assert result.unavailable["directoryAudits"]["status"] == 403
    assert result.unavailable["directoryAudits"]["permission"] == "AuditLog.Read.All"
    meta = CacheSource(store, result.tenant_id).meta()
    assert "AuditLog.Read.All" in meta.unavailable["signIns"]
    assert result.identities == len(demo_recording.items("v1.0/servicePrincipals")) + sum(
        1 for a in demo_recording.items("v1.0/applications")
        if a["appId"] not in {s["appId"] for s in demo_recording.items("v1.0/servicePrincipals")})


def test_throttled_sync_gives_the_same_snapshot(env, demo_recording):
    server = _serve(demo_recording, Faults(fail_rates={429: 0.2, 503: 0.05}, retry_after=0,
                                           seed=3))
    try:
        store = Store()
        noisy = sync(Source("graph", auth="none", graph_url=server.base_url), store, now=NOW)
    finally:
        server.stop()
    clean = sync(Source("demo"), Store(env / "other"), now=NOW)
    assert noisy.retries > 0
    assert (noisy.identities, noisy.findings) == (clean.identities, clean.findings)


def test_sync_killed_halfway_keeps_the_previous_snapshot(env, demo_recording):
    store = Store()
    first = sync(Source("demo"), store, now=NOW)
    server = _serve(demo_recording, Faults(latency_ms=40))
    try:
        command = [sys.executable, "-m", "tui", "sync", "--progress-json", "--graph-url",
                   server.base_url, "--auth", "none"]
        child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=ROOT,
                                 env=dict(os.environ))
        for line in child.stdout:  # wait until it is busy reading relations
            if json.loads(line).get("kind") in ("applicationOwners", "memberOf"):
                break
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        server.stop()
    reopened = Store()
    snapshot = reopened.tenant(first.tenant_id).current()
    assert snapshot is not None and snapshot.generation == first.generation
    assert len(CacheSource(reopened, first.tenant_id).index()) == first.identities
    again = sync(Source("demo"), reopened, now=NOW)
    assert again.generation == first.generation + 1


def test_wlx_sync_command_prints_a_summary(env, capsys):
    assert main(["sync", "--demo", "--now", NOW.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "Synced Contoso Demo" in out and "workload identities" in out
    assert "requests" in out
    # no source: the last tenant again, from its saved source
    assert main(["sync"]) == 0
    assert "snapshot #2" in capsys.readouterr().out


def test_wlx_sync_bad_input_is_a_clear_error(env, capsys, tmp_path):
    assert main(["sync"]) == 2
    assert "say which tenant" in capsys.readouterr().err
    assert main(["sync", "--replay", str(tmp_path / "nope")]) == 2
    assert "recording.json is missing" in capsys.readouterr().err
    assert main(["sync", "--graph-url", "http://example.com", "--auth", "none"]) == 2
    assert "loopback" in capsys.readouterr().err
    assert main(["sync", "--demo", "--now", "yesterday"]) == 2


def test_wlx_record_reads_a_live_endpoint_and_redacts(env, demo_recording, tmp_path, capsys):
    from graph.recording import read_recording

    server = _serve(demo_recording)
    try:
        code = main(["record", str(tmp_path / "out"), "--graph-url", server.base_url,
                     "--auth", "none", "--redact"])
    finally:
        server.stop()
    assert code == 0, capsys.readouterr().err
    assert "(redacted)" in capsys.readouterr().out
    back = read_recording(tmp_path / "out")
    assert back.tenant_id == demo_recording.tenant_id
    assert len(back.items("v1.0/servicePrincipals")) == len(
        demo_recording.items("v1.0/servicePrincipals"))
    text = "".join(p.read_text() for p in (tmp_path / "out").rglob("*.json"))
    assert "Contoso Demo" not in text
    names = {sp["displayName"] for sp in demo_recording.items("v1.0/servicePrincipals")}
    assert not any(f'"{name}"' in text for name in names if len(name) > 6)


def test_wlx_record_without_a_source_says_what_to_do(env, tmp_path, capsys):
    assert main(["record", str(tmp_path / "out")]) == 2
    assert "say what to record" in capsys.readouterr().err
