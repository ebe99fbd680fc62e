"""Snapshots of the explorer shell (pytest-textual-snapshot): fixed rows, a fixed clock,
no cursor blink, fixed terminal sizes. Update with `pytest --snapshot-update` after
checking the new SVGs by eye (tests/__snapshots__/test_tui_snapshots/).
"""

from __future__ import annotations

from textual.widgets import Input

from test_tui_support import hostile_rows, make_app, make_row, sample_rows, settle
from tui.widgets.tiles import Tile


async def steady(pilot) -> None:
    await settle(pilot)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()


def test_list_with_hostile_names_100x30(snap_compare):
    """Markup, escapes, bidi and wide names show as literal text; nothing styles or links."""
    app = make_app(hostile_rows() + [make_row(i) for i in range(15, 30)])
    assert snap_compare(app, terminal_size=(100, 30), run_before=steady)


def test_list_with_hostile_names_80x24(snap_compare):
    app = make_app(hostile_rows())
    assert snap_compare(app, terminal_size=(80, 24), run_before=steady)


def test_list_wide_200x60(snap_compare):
    app = make_app(sample_rows(70))
    assert snap_compare(app, terminal_size=(200, 60), run_before=steady)


def test_list_filtered_sorted_and_marked(snap_compare):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash", *"worker", "enter", "s", "S", "g", "space", "space", "j")
        await steady(pilot)
    assert snap_compare(make_app(sample_rows(40)), terminal_size=(100, 30),
                        run_before=run_before)


def test_filter_prompt_with_an_error(snap_compare):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash", *"tie", "colon", *"x")
        await steady(pilot)
    assert snap_compare(make_app(sample_rows(20)), terminal_size=(100, 30),
                        run_before=run_before)


def test_command_prompt_with_completion(snap_compare):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("colon", "i")  # hint lists the candidates as you type
        await pilot.press("backspace", "tab")  # tab on nothing: every alias
        await steady(pilot)
    assert snap_compare(make_app(sample_rows(20)), terminal_size=(100, 30),
                        run_before=run_before)


def test_help_screen(snap_compare):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await steady(pilot)
    assert snap_compare(make_app(sample_rows(20)), terminal_size=(100, 30),
                        run_before=run_before)


def test_copy_menu(snap_compare):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("c")
        await steady(pilot)
    assert snap_compare(make_app(sample_rows(20)), terminal_size=(100, 30),
                        run_before=run_before)


def test_detail_of_a_hostile_name_from_a_bare_source(snap_compare):
    """A source with no details beyond the name: the header and empty tabs say so."""
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("enter")
        await steady(pilot)
    assert snap_compare(make_app(hostile_rows()), terminal_size=(100, 30),
                        run_before=run_before)


def test_overview_from_the_index_alone(snap_compare):
    """A source without an analysed overview: the tiles count what the index holds."""
    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.run_command("overview")
        await steady(pilot)
        assert len(pilot.app.screen.query(Tile)) > 10
    assert snap_compare(make_app(sample_rows(40)), terminal_size=(100, 30),
                        run_before=run_before)


def test_high_contrast_theme(snap_compare):
    from tui.config import Config

    app = make_app(sample_rows(20), config=Config(path=None,
                                                  sections={"ui": {"theme": "wlx-high-contrast"}}))
    assert snap_compare(app, terminal_size=(100, 30), run_before=steady)
