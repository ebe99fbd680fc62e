"""Issue 6 in the explorer, as a new user does it: mark identities, disable them (typed
count), see them disabled after the refresh, undo from the journal; read-only refuses and
sends nothing; a 403 says why and keeps the journal. Real path: the demo synced into a
temp cache, the session's writable replay over loopback HTTP, a real child sync on `r`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from cache import Store
from graph.replay import Faults
from test_tui_support import DEMO_NOW, screen_text, settle, table_of, type_text, wait_for
from tui.app import build_app
from tui.cache_source import CacheSource
from tui.dialogs.action_confirm import ActionConfirm, RunSummary
from tui.screens.identity_list import IdentityListScreen
from tui.screens.journal import JournalScreen
from tui.screens.links import Location
from tui.screens.sync_panel import SyncPanel
from tui.source import Source
from tui.sync import sync
from tui.widgets.flash import Flash
from tui.writes.session import session_of


@pytest.fixture
def cache_env(tmp_path, monkeypatch):
    """XDG dirs in tmp_path: the child sync of `r` inherits them and writes this cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


def demo_cache(size: int = 60) -> CacheSource:
    store = Store()
    with ThreadPoolExecutor(1) as pool:  # sync runs its own event loop
        result = pool.submit(sync, Source("demo", demo_size=size), store, now=DEMO_NOW).result()
    return CacheSource(store, result.tenant_id)


def writable_app(source: CacheSource, read_only: bool = False):
    return build_app(source, read_only=read_only, now=DEMO_NOW,
                     start=Location("list", "identities"))


async def mark_three_apps(pilot) -> list[str]:
    await settle(pilot)
    await pilot.press("slash")
    await type_text(pilot, "kind:app")
    await pilot.press("enter", "space", "j", "space", "j", "space")
    table = table_of(pilot.app)
    assert len(table.marked_ids) == 3
    return sorted(table.marked_ids)


def enabled_of(app, ids: list[str]) -> list[bool | None]:
    return [app.identity_row(i).enabled for i in ids]


async def confirm_typing(pilot, text: str) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ActionConfirm))
    assert pilot.app.screen.focused.id == "cancel"  # a stray enter never confirms
    await pilot.click("#typed")
    await type_text(pilot, text)
    await pilot.press("enter")


async def hide_sync_panel(pilot) -> None:
    if isinstance(pilot.app.screen, SyncPanel):
        await pilot.press("escape")
        await settle(pilot)


async def test_disable_three_then_undo_from_the_journal(cache_env):
    source = demo_cache()
    app = writable_app(source)
    async with app.run_test(size=(140, 44)) as pilot:
        ids = await mark_three_apps(pilot)
        assert enabled_of(app, ids) == [True, True, True]
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ActionConfirm))
        shown = screen_text(app)
        assert "3 changes to the tenant" in shown and "demo: changes stay" in shown
        assert "PATCH /v1.0/servicePrincipals/" in shown and '"accountEnabled": false' in shown
        assert "PowerShell: Update-MgServicePrincipal" in shown
        assert "Type 3 to confirm" in shown
        assert app.screen.focused.id == "cancel"
        await type_text(pilot, "2")  # typing goes to the field; the wrong count does nothing
        await pilot.press("enter")
        assert isinstance(app.screen, ActionConfirm)
        app.screen.query_one("#typed").value = ""
        await type_text(pilot, "3")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RunSummary))
        assert "3 done" in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.generation == 1, timeout=120)  # the refresh
        await hide_sync_panel(pilot)
        assert enabled_of(app, ids) == [False, False, False]
        # read from the session's writable replay, but the snapshot still names the demo
        # (the header says demo; the next session's refresh does not chase a dead URL)
        assert source.snapshot.meta["source"]["kind"] == "demo"
        assert source.snapshot.meta["origin"] == "demo"

        await pilot.press("colon")
        await type_text(pilot, "journal")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, JournalScreen), screen_text(app)
        await wait_for(pilot, lambda: table_of(app).row_count == 3)
        text = screen_text(app)
        rows = table_of(app).visible_rows
        assert {(r.action, r.status, r.undo) for r in rows} == {
            ("disable-service-principal", "done", "yes")}
        assert "disable-service" in text and " done " in text
        await pilot.press("U")
        await confirm_typing(pilot, "3")
        await wait_for(pilot, lambda: isinstance(app.screen, RunSummary))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.generation == 2, timeout=120)
        await hide_sync_panel(pilot)
        assert enabled_of(app, ids) == [True, True, True]
        entries = session_of(app).journal().entries()
        assert [e["status"] for e in entries].count("undone") == 3
        assert [e["kind"] for e in entries].count("undo") == 3
    session_of(app).close()


async def test_read_only_refuses_with_the_reason_and_sends_nothing(cache_env):
    source = demo_cache(40)
    app = writable_app(source, read_only=True)
    async with app.run_test(size=(140, 44)) as pilot:
        await mark_three_apps(pilot)
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert isinstance(app.screen, IdentityListScreen)
        assert "read-only mode: start wlx with --write" in app.screen.query_one(Flash).message
        session = session_of(app)
        assert session.server is None and session.writer is None  # nothing connected
        assert session.journal().entries() == []


async def test_a_403_on_a_write_says_which_permission_and_keeps_the_journal(cache_env):
    source = demo_cache(40)
    app = writable_app(source)
    async with app.run_test(size=(140, 44)) as pilot:
        ids = await mark_three_apps(pilot)
        session = session_of(app)
        session.replay_faults = Faults(deny_writes=True)  # a principal that may only read
        await pilot.press("ctrl+d")
        await confirm_typing(pilot, "3")
        await wait_for(pilot, lambda: isinstance(app.screen, RunSummary))
        text = screen_text(app)
        assert "Graph refused this change" in text and "Application.ReadWrite.All" in text
        assert "Resume" in text
        entries = session.journal().entries()
        assert len(entries) == 3 and {e["status"] for e in entries} == {"planned"}
        assert entries[0]["stopped"]["status"] == 403
        await pilot.press("escape")
        await settle(pilot)
        assert app.generation == 0  # nothing changed: no refresh
        assert enabled_of(app, ids) == [True, True, True]
    session.close()


async def test_the_confirm_dialog_saves_the_actions_as_a_plan_instead(cache_env, tmp_path):
    from models.plan import load_plan
    from tui.dialogs.bundle import PathDialog

    source = demo_cache()
    app = writable_app(source)
    target = tmp_path / "change-1234.json"
    async with app.run_test(size=(140, 44)) as pilot:
        ids = await mark_three_apps(pilot)
        await pilot.press("ctrl+d")
        await wait_for(pilot, lambda: isinstance(app.screen, ActionConfirm))
        await pilot.click("#plan")
        await wait_for(pilot, lambda: isinstance(app.screen, PathDialog))
        app.screen.query_one("#path-input").value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert "saved to" in screen_text(app)
        assert enabled_of(app, ids) == [True, True, True]  # nothing was applied
        assert session_of(app).journal().entries() == []
    plan = load_plan(target.read_text())
    assert sorted(a.service_principal_id for a in plan.actions) == ids
    assert {a.action for a in plan.actions} == {"disable-service-principal"}
    assert target.stat().st_mode & 0o777 == 0o600
