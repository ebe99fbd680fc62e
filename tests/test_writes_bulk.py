"""Bulk actions under pressure: throttling in the middle of 50 writes, a run stopped by a
long Retry-After, a lost answer, and a crash (the apply killed in a subprocess), each
finished with every item done exactly once, proven by the replay's state and request log."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from test_writes_support import BULK, ROOT, TENANT, World, serving

from cache import Store
from graph.replay import Faults
from graph.writes import Answer, NoAnswer, RetryPolicy
from models.plan import DisableServicePrincipal, make_plan
from tui.cli import main

DISABLE_ALL = [DisableServicePrincipal(servicePrincipalId=s) for s in BULK]


def successful_writes(world: World) -> Counter[str]:
    return Counter(w["path"] for w in world.writes if w["status"] == 204)


def assert_each_done_once(world: World) -> None:
    sps = world.state.collection("v1.0/servicePrincipals")  # not a GET: faults would hit it
    assert all(sps.get(s)["accountEnabled"] is False for s in BULK)
    done = successful_writes(world)
    assert set(done) == {f"/v1.0/servicePrincipals/{s}" for s in BULK}
    assert set(done.values()) == {1}, done


@pytest.fixture
def world(tmp_path):
    w = World(tmp_path)
    yield w
    w.close()


async def test_throttling_in_the_middle_of_50_writes_ends_with_each_done_once(world):
    world.faults.fail_rates = {429: 0.3}
    world.faults.retry_after = 2
    world.faults.seed = 5
    result = await world.writer(retry=RetryPolicy(max_attempts=20)).execute(
        DISABLE_ALL, typed="50")
    assert result.complete and result.counts == {"done": 50}, result.summary()
    throttled = [w for w in world.writes if w["status"] == 429]
    assert len(throttled) >= 5  # the fault really hit the bulk action
    assert world.waits and set(world.waits) == {2.0}  # Retry-After was honoured
    assert_each_done_once(world)
    entries = world.cache.journal.entries()
    assert sum(e.get("throttled", 0) for e in entries) == len(
        [w for w in throttled if w["method"] == "PATCH"])


async def test_the_write_limit_is_waited_out_with_retry_after(tmp_path):
    # 20 writes per 150 s on the replay's clock, which the writer's sleep moves
    world = World(tmp_path, Faults(write_requests=20))
    result = await world.writer().execute(DISABLE_ALL, typed="50")
    assert result.complete, result.summary()
    assert len([w for w in world.writes if w["status"] == 429]) == 2
    assert all(130 <= wait <= 150 for wait in world.waits), world.waits
    assert_each_done_once(world)


async def test_a_retry_after_too_long_stops_the_run_and_resume_finishes_it(tmp_path):
    world = World(tmp_path, Faults(write_requests=20))
    impatient = world.writer(retry=RetryPolicy(max_wait=60))
    result = await impatient.execute(DISABLE_ALL, typed="50")
    assert not result.complete and result.counts == {"done": 20, "planned": 30}
    assert "throttling writes" in result.stopped and "429" in result.stopped
    stopped = [e for e in world.cache.journal.entries() if e.get("stopped")]
    assert len(stopped) == 1 and stopped[0]["position"] == 21
    world.now += 150  # later: the window has passed
    result = await world.writer().resume()
    assert result.complete and result.counts == {"done": 50}, result.summary()
    assert_each_done_once(world)


class LosesAnswers:
    """A sender that loses the answer to write number `lost`, after Graph acted on it."""

    def __init__(self, inner, lost: int = 3) -> None:
        self.inner = inner
        self.base_url = inner.base_url
        self.writes = 0
        self.lost = lost

    async def send(self, method, path, body=None) -> Answer:
        answer = await self.inner.send(method, path, body)
        if method != "GET":
            self.writes += 1
            if self.writes == self.lost:
                raise NoAnswer("connection reset")
        return answer


async def test_a_lost_answer_is_checked_before_sending_again(world):
    writer = world.writer()
    writer.sender = writer.reads.sender = LosesAnswers(writer.sender)
    result = await writer.execute(DISABLE_ALL[:5], typed="5")
    assert result.counts == {"done": 2, "running": 1, "planned": 2}
    assert "whether this change happened is unknown" in result.stopped
    result = await world.writer().resume()
    assert result.complete
    third = world.cache.journal.entries()[2]
    assert third["status"] == "done" and third["note"].startswith("confirmed after an interrupt")
    assert set(successful_writes(world).values()) == {1}


async def test_an_action_already_done_is_skipped_and_not_sent(world):
    world.state.update(BULK[0], {"accountEnabled": False})
    result = await world.writer().execute(DISABLE_ALL[:2], typed="2")
    assert result.counts == {"skipped": 1, "done": 1}
    first = world.cache.journal.entries()[0]
    assert first["note"] == "already disabled" and "requests" not in first
    assert [w["path"] for w in world.writes] == [f"/v1.0/servicePrincipals/{BULK[1]}"]


def test_a_crash_mid_bulk_then_resume_does_nothing_twice(tmp_path, monkeypatch):
    world = World(tmp_path)
    world.close()
    world.faults.latency_ms = 25  # slow enough to kill the apply half way
    plan = tmp_path / "plan.json"
    plan.write_text(make_plan(TENANT, DISABLE_ALL).dumps())
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    with serving(world) as server:
        proc = subprocess.Popen([sys.executable, "-m", "tui", "apply", str(plan), "--yes",
                                 "--graph-url", server.base_url, "--auth", "none"],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while len(world.writes) < 15 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        sent_before = len(world.writes)
        assert 15 <= sent_before < 50, proc.stderr.read()
        monkeypatch.setenv("XDG_CACHE_HOME", env["XDG_CACHE_HOME"])
        monkeypatch.setenv("XDG_CONFIG_HOME", env["XDG_CONFIG_HOME"])
        code = main(["apply", "--resume", "--yes", "--tenant", TENANT,
                     "--graph-url", server.base_url, "--auth", "none"])
        assert code == 0
    assert_each_done_once(world)
    assert len(world.writes) == 50  # nothing was sent twice, nothing failed
    store = Store()
    try:
        entries = store.tenant(TENANT).journal.entries()
    finally:
        store.close()
    assert len(entries) == 50 and {e["status"] for e in entries} == {"done"}
    assert len({e["run"] for e in entries}) == 1


async def test_a_create_whose_answer_was_lost_keeps_what_it_created_for_its_undo(world):
    from test_writes_support import APP, FIC, items

    from models.plan import RemoveFederatedCredential

    writer = world.writer()
    await writer.execute([RemoveFederatedCredential(applicationId=APP,
                                                    federatedCredentialId=FIC)])
    undoer = world.writer()
    undoer.sender = undoer.reads.sender = LosesAnswers(undoer.sender, lost=1)
    result = await undoer.undo(writer.last_undoable(), confirmed=True)
    assert result.counts == {"running": 1}  # the POST went out, its answer did not come
    result = await world.writer().resume()
    assert result.complete
    [fic] = items(world, f"/v1.0/applications/{APP}/federatedIdentityCredentials")
    undo_entry = world.cache.journal.entries()[-1]
    assert undo_entry["status"] == "done" and undo_entry["result"] == {"created": fic["id"]}
    assert undo_entry["undo"]["action"]["federatedCredentialId"] == fic["id"]
    assert [w["method"] for w in world.writes] == ["DELETE", "POST"]  # not created twice
