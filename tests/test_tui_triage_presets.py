"""Incident presets on the demo tenant through Textual's pilot: `p` from the overview, then
1..7 opens each preset with the identities it found and why; `:presets` lists them."""

from __future__ import annotations

from test_tui_support import (
    demo_app,
    demo_source,
    screen_text,
    settle,
    table_of,
    type_text,
)

from models.presets import PRESETS, stored_hits
from tui.screens.detail import DetailScreen
from tui.screens.presets import PresetListScreen, PresetScreen


async def test_each_preset_is_one_key_away_with_the_why_per_row():
    stored = demo_source().presets()
    app = demo_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        found_any = 0
        for preset in PRESETS:
            await pilot.press("p")
            await settle(pilot)
            assert isinstance(app.screen, PresetListScreen)
            await pilot.press(preset.key)
            await settle(pilot)
            assert isinstance(app.screen, PresetScreen) and app.screen.preset is preset
            rows = table_of(app).visible_rows
            expected = stored_hits(stored, preset.id)
            assert [r.id for r in rows] == [h.identity_id for h in expected]
            assert all(r.hit.why for r in rows)
            text = screen_text(app)
            assert preset.title[:30] in text
            if rows:
                found_any += 1
                assert rows[0].hit.why[:20] in text.replace("\n", " ") or rows[0].name in text
            else:
                assert "nothing in this snapshot" in text
            await pilot.press("escape", "escape")
            await settle(pilot)
        assert found_any >= 5  # the demo plants an incident for most presets


async def test_colon_presets_lists_counts_and_enter_opens_an_identity():
    app = demo_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        await pilot.press("colon")
        await type_text(pilot, "presets")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PresetListScreen)
        rows = table_of(app).visible_rows
        assert [r.key for r in rows] == [p.key for p in PRESETS]
        assert all(r.count is not None for r in rows)
        first = next(n for n, r in enumerate(rows) if r.count)
        await pilot.press(*["down"] * first, "enter")
        await settle(pilot)
        assert isinstance(app.screen, PresetScreen)
        hit = table_of(app).cursor_row
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.identity_id == hit.id
