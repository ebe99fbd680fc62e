"""The per-identity timeline on the demo tenant through Textual's pilot: `t` from an
identity, every kind of event in time order, filters by type (keys and `/type:`), and
each line opening its object."""

from __future__ import annotations

from test_tui_support import demo_app, demo_id, screen_text, settle, table_of, type_text

from tui.dialogs.open_menu import OpenMenu
from tui.screens.detail import DetailScreen
from tui.screens.links import Location
from tui.screens.pivot import PivotScreen
from tui.screens.timeline import TimelineScreen

LEGACY = "Test App (legacy)"
SUSPICIOUS_IP = "203.0.113.77"


async def open_timeline(pilot):
    await settle(pilot)
    await pilot.press("t")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TimelineScreen)
    return table_of(pilot.app).visible_rows


async def test_t_opens_the_timeline_newest_first_with_every_kind_of_event():
    app = demo_app(Location("detail", demo_id(LEGACY), tab="credentials"))
    async with app.run_test(size=(150, 40)) as pilot:
        rows = await open_timeline(pilot)
        assert app.screen.identity_id == demo_id(LEGACY)
        dated = [r.time for r in rows if r.time is not None]
        assert dated == sorted(dated, reverse=True)
        assert {"sign-in", "credential", "identity", "permission"} <= {r.type for r in rows}
        text = screen_text(app)
        assert f"Timeline {LEGACY}" in text and SUSPICIOUS_IP in text


async def test_type_keys_and_the_type_filter_keep_one_kind_of_line():
    app = demo_app(Location("timeline", demo_id(LEGACY)))
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        table = table_of(app)
        everything = table.row_count
        await pilot.press("3")  # credentials (models.timeline.TYPES order)
        assert {r.type for r in table.visible_rows} == {"credential"}
        await pilot.press("1")  # and sign-ins
        assert {r.type for r in table.visible_rows} == {"credential", "sign-in"}
        await pilot.press("0")
        assert table.row_count == everything
        await pilot.press("slash")
        await type_text(pilot, "type:sign-in " + SUSPICIOUS_IP)
        await pilot.press("enter")
        rows = table.visible_rows
        assert rows and all(r.type == "sign-in" and r.ip == SUSPICIOUS_IP for r in rows)


async def test_a_line_opens_its_object_or_the_ip_pivot():
    app = demo_app(Location("timeline", demo_id(LEGACY), "type:sign-in"))
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        row = table_of(app).cursor_row
        assert row.type == "sign-in" and row.ip
        await pilot.press("enter")
        assert isinstance(app.screen, OpenMenu)
        assert app.screen.links[1].label == f"everything seen from IP {row.ip}"
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.location.tab == "activity"
        assert app.screen.table.cursor_row.id == row.ref.id
        await pilot.press("escape", "enter", "2")
        await settle(pilot)
        assert isinstance(app.screen, PivotScreen) and app.screen.value == row.ip
