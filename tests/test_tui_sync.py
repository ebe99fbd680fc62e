"""`r` in the app: a real child `wlx sync` (tui/refresh.py) of a small demo into a temp
cache, the progress panel, the switch to the new snapshot keeping filter and cursor, a
failing sync, a sign-in prompt, and the pause while a confirm dialog is open.
"""

from __future__ import annotations

import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from cache import Store
from graph.demo import generate_demo
from graph.recording import write_recording
from test_tui_support import (DEMO_NOW, screen_text, settle, table_of, type_text, wait_for)
from tui.app import build_app
from tui.cache_source import CacheSource
from tui.dialogs.confirm import ConfirmDialog
from tui.refresh import SyncEvent
from tui.screens.identity_list import IdentityListScreen
from tui.screens.links import Location
from tui.screens.sync_panel import SyncPanel
from tui.source import Source
from tui.sync import sync


@pytest.fixture
def cache_env(tmp_path, monkeypatch):
    """XDG dirs in tmp_path: the child sync inherits them and writes the same cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


def synced(source: Source) -> CacheSource:
    store = Store()
    with ThreadPoolExecutor(1) as pool:  # sync runs its own event loop
        result = pool.submit(sync, source, store, now=DEMO_NOW).result()
    return CacheSource(store, result.tenant_id)


async def test_refresh_syncs_in_a_child_and_reloads_keeping_filter_and_cursor(cache_env):
    source = synced(Source("demo", demo_size=100))
    app = build_app(source, now=DEMO_NOW, start=Location("list", "identities"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "kind:app")
        await pilot.press("enter", "j", "j", "j")
        before = table_of(app).state()
        assert before.filter_text and before.sort_key and before.cursor_id
        list_screen = app.screen
        await pilot.press("r")
        assert isinstance(app.screen, SyncPanel)  # the progress, per data kind
        assert app.syncer.state.running
        await pilot.press("escape")  # hide it: the app stays usable on the old snapshot
        assert app.screen is list_screen
        assert "⟳ syncing" in screen_text(app)
        await pilot.press("k", "j")
        await wait_for(pilot, lambda: app.generation == 1, timeout=120)
        assert source.snapshot.generation == 2  # the cache switched to the new snapshot
        after = table_of(app).state()
        assert app.screen is list_screen
        # the same filter, sort and row under the cursor (the rows may have moved: the
        # child evaluates with the demo's trusted GitHub org, as `wlx sync --demo` does)
        assert (after.filter_text, after.sort_key, after.cursor_id) == (
            before.filter_text, before.sort_key, before.cursor_id)
        assert app.syncer.state.outcome.startswith(f"new snapshot: {table_of(app).total_count} identities")
        assert "syncing" not in screen_text(app)
        kinds = app.syncer.state.kinds
        assert kinds["servicePrincipals"].status == "done" and kinds["cache"].finished
        await pilot.press("r")  # the next refresh works the same way
        await wait_for(pilot, lambda: app.generation == 2, timeout=120)
        assert "✔ done: snapshot #3" in screen_text(app)


async def test_a_failing_sync_says_why_and_keeps_the_snapshot(cache_env):
    recording = cache_env / "recording"
    write_recording(generate_demo(40, 7, now=DEMO_NOW), recording)
    source = synced(Source("replay", directory=str(recording)))
    shutil.rmtree(recording)  # the recording is gone: the next sync cannot read it
    app = build_app(source, now=DEMO_NOW, start=Location("list", "identities"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        rows = table_of_list(app)
        await pilot.press("r")
        await wait_for(pilot, lambda: not app.syncer.state.running, timeout=120)
        assert app.syncer.state.error
        text = screen_text(app)
        assert "✖ the sync failed" in text and "the snapshot you see is unchanged" in text
        assert app.generation == 0 and source.snapshot.generation == 1
        await pilot.press("escape")
        assert "sync failed" in screen_text(app)  # the header keeps saying so
        assert table_of_list(app) == rows


async def test_x_stops_a_running_sync(cache_env):
    # big enough that its sync runs for a while (100 identities sync in half a second)
    source = synced(Source("demo", demo_size=1000))
    app = build_app(source, now=DEMO_NOW, start=Location("list", "identities"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        for _ in range(100):  # not wait_for: it settles, i.e. waits for the sync to end
            if isinstance(app.screen, SyncPanel):
                break
            await pilot.pause(0.02)
        assert app.syncer.state.running
        await pilot.press("x")
        await wait_for(pilot, lambda: not app.syncer.state.running, timeout=60)
        assert "stopped" in app.syncer.state.error
        assert app.generation == 0 and source.snapshot.generation == 1
        assert Store().tenant(source.tenant_id).current().generation == 1


def table_of_list(app) -> list[str]:
    screen = next(s for s in app.screen_stack if isinstance(s, IdentityListScreen))
    return [row.id for row in screen.table.visible_rows]


async def test_the_new_snapshot_waits_while_a_confirm_dialog_is_open(cache_env):
    source = synced(Source("demo", demo_size=100))
    app = build_app(source, now=DEMO_NOW, start=Location("list", "identities"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("r", "escape")
        answers = []
        app.push_screen(ConfirmDialog("Disable 3 identities?", "A question is open.",
                                      "Disable"), answers.append)
        await wait_for(pilot, lambda: not app.syncer.state.running, timeout=120)
        await pilot.pause(1.0)  # the switch would have happened by now if it did not wait
        assert app.generation == 0 and isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # Cancel
        await wait_for(pilot, lambda: app.generation == 1, timeout=30)
        assert answers == [False] and source.snapshot.generation == 2


async def test_a_sign_in_code_is_shown_prominently(cache_env):
    source = synced(Source("demo", demo_size=40))
    app = build_app(source, now=DEMO_NOW, start=Location("list", "identities"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.syncer.state.start("contoso.onmicrosoft.com on Microsoft Graph (global)")
        # a live sync's first event when it signs in with a device code
        app.syncer.on_event(SyncEvent(
            "progress", kind="sign-in", status="waiting",
            detail="to sign in, open https://microsoft.com/devicelogin and enter the code "
            "K7QX-2M4P [b]x[/b]"))
        await settle(pilot)
        assert isinstance(app.screen, SyncPanel)  # brought up even when hidden
        app.screen.show_state()
        await settle(pilot)
        text = screen_text(app)
        assert "Sign-in needed" in text and "K7QX-2M4P [b]x[/b]" in text
        app.update_headers()
        await pilot.press("escape")
        assert "sign-in needed" in screen_text(app)
