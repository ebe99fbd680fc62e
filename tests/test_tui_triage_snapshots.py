"""Snapshots of the triage and maintenance screens on the fixed demo tenant (fixed clock,
fixed terminal size): search results for the suspicious IP, an identity's timeline, the
presets and one preset, the diff of two snapshots, and a maintenance-queue item. Update
with `pytest --snapshot-update` after checking the new SVGs by eye."""

from __future__ import annotations

import pytest
from test_tui_support import demo_app, demo_id, settle, type_text
from test_tui_triage_support import app_on, fresh_demo, sync_changed
from textual.widgets import Input

from tui.screens.links import Location

SIZE = (140, 40)


async def steady(pilot) -> None:
    await settle(pilot)
    for screen in pilot.app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False
    await pilot.pause()
    await settle(pilot)


@pytest.fixture(scope="module")
def two_snapshots(tmp_path_factory):
    root = tmp_path_factory.mktemp("snapshots")
    store, tenant = fresh_demo(root / "cache")
    sync_changed(store, tenant, root / "changed")
    return store, tenant


def test_search_for_an_ip(snap_compare):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("ctrl+k")
        await type_text(pilot, "203.0.113.77")
        await steady(pilot)
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_timeline(snap_compare):
    app = demo_app(Location("timeline", demo_id("Test App (legacy)")))
    assert snap_compare(app, terminal_size=SIZE, run_before=steady)


def test_presets(snap_compare):
    assert snap_compare(demo_app(Location("presets", "presets")), terminal_size=SIZE,
                        run_before=steady)


def test_preset_privileged_owned_by_users(snap_compare):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("p", "3")
        await steady(pilot)
    assert snap_compare(demo_app(), terminal_size=SIZE, run_before=run_before)


def test_diff(snap_compare, two_snapshots):
    app = app_on(*two_snapshots, start=Location("diff", "diff"))
    assert snap_compare(app, terminal_size=SIZE, run_before=steady)


def test_queue_item(snap_compare, tmp_path):
    app = app_on(*fresh_demo(tmp_path / "cache"), start=Location("queue", "queue"))

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.screen.query_one("#queue-severities").value = "medium"
        await pilot.press("ctrl+s")
        await steady(pilot)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
