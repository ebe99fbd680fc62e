"""The explorer shell through Textual's pilot: prompts, the view stack, aliases, help,
the keymap, read-only mode, themes. The app runs on the in-memory source of test_tui_support.
"""

from __future__ import annotations

from textual.command import CommandPalette

from test_tui_support import (KINDS, NOW, make_app, sample_rows, screen_text, settle, table_of,
                              type_text)
from tui.config import Config, load_config
from tui.screens.credentials import CredentialListScreen
from tui.screens.detail import DetailScreen
from tui.screens.findings import FindingListScreen
from tui.screens.help import HelpScreen
from tui.screens.identity_list import IdentityListScreen
from tui.screens.overview import OverviewScreen
from tui.widgets.flash import Flash
from tui.widgets.prompt import PromptBar




async def test_the_list_shows_the_index_with_the_header():
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, IdentityListScreen)
        assert table_of(app).row_count == 40
        text = screen_text(app)
        assert "Contoso" in text and "admin@contoso.example" in text and "global" in text
        assert "🔒 read-only" in text and "snapshot 2h 15m ago" in text
        assert "Identities[40]" in text


async def test_the_filter_applies_live_and_reports_mistakes():
    rows = sample_rows(60)
    app = make_app(rows)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = table_of(app)
        await pilot.press("slash")
        await type_text(pilot, "kind:managed")
        managed = [r for r in rows if r.kind.startswith("managed")]
        assert table.row_count == len(managed)  # live, before enter
        await type_text(pilot, " !tier:control")
        expected = [r for r in managed if r.tier != "ControlPlane"]
        assert {r.id for r in table.visible_rows} == {r.id for r in expected}
        assert f"{len(expected)} of 60" in screen_text(app)
        await pilot.press("enter")
        assert app.focused is table and table.filter_text == "kind:managed !tier:control"
        assert f"Identities(kind:managed !tier:control)[{len(expected)}/60]" in screen_text(app)
        await pilot.press("slash")  # reopens with the filter to edit
        assert app.screen.query_one(PromptBar).input.value == "kind:managed !tier:control"
        await pilot.press("ctrl+u")  # Input: delete to the start
        await type_text(pilot, "tie:x")
        assert 'unknown filter field "tie:"' in screen_text(app)
        assert table.row_count == 60  # the bad term is left out


async def test_escape_clears_the_filter_then_goes_back():
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        root = app.screen
        await pilot.press("colon")
        await type_text(pilot, "apps")
        await pilot.press("enter")
        await settle(pilot)
        apps = app.screen
        assert apps is not root and apps.view.alias == "apps"
        await pilot.press("slash")
        await type_text(pilot, "worker 01")
        await pilot.press("escape")  # in the prompt: clears the filter, leaves the prompt
        assert table_of(app).filter_text == "" and app.screen is apps
        await pilot.press("slash")
        await type_text(pilot, "worker 01")
        await pilot.press("enter", "escape")  # on the table: clears the filter
        assert table_of(app).filter_text == "" and app.screen is apps
        await pilot.press("escape")  # now goes back
        assert app.screen is root
        await pilot.press("escape")  # the first view stays
        assert app.screen is root and "first view" in root.query_one(Flash).message


async def test_back_restores_filter_sort_and_cursor():
    app = make_app(sample_rows(80))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        list_screen = app.screen
        await pilot.press("slash")
        await type_text(pilot, "worker")
        await pilot.press("enter", "s", "S", "j", "j", "j")
        before = table_of(app).state()
        assert before.sort_key == "name" and before.sort_reverse
        await pilot.press("enter")  # drill down
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.identity_id == before.cursor_id
        await pilot.press("escape")
        assert app.screen is list_screen and table_of(app).state() == before
        # forward and back again through the history keys
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.identity_id == before.cursor_id
        await pilot.press("left_square_bracket")
        assert app.screen is list_screen and table_of(app).state() == before


async def test_forward_recreates_a_list_with_its_state():
    app = make_app(sample_rows(80))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("colon")
        await type_text(pilot, "mi worker")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("S", "G", "k", "space")
        saved = table_of(app).state()
        assert saved.filter_text == "worker" and saved.marked
        await pilot.press("left_square_bracket")
        assert app.screen.view.alias == "identities"
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert app.screen.view.alias == "mi"
        assert table_of(app).state() == saved  # a new screen, the same state


async def test_command_prompt_completes_and_remembers():
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("colon", "c", "tab")
        prompt = app.screen.query_one(PromptBar)
        assert prompt.input.value == "credentials "
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CredentialListScreen)
        await pilot.press("colon", "m", "tab")
        assert app.screen.query_one(PromptBar).input.value == "mi "
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.view.alias == "mi"
        await pilot.press("colon", "up")
        assert app.screen.query_one(PromptBar).input.value == "mi"
        await pilot.press("up")
        assert app.screen.query_one(PromptBar).input.value == "credentials"
        await pilot.press("down", "down")
        assert app.screen.query_one(PromptBar).input.value == ""
        await type_text(pilot, "nosuchview")
        await pilot.press("enter")
        assert app.screen.view.alias == "mi" and "no view called" in screen_text(app)


async def test_every_alias_opens_its_view():
    rows = sample_rows(48)
    app = make_app(rows)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for alias, expected in [
            ("apps", [r for r in rows if r.kind.startswith("app")]),
            ("sp", [r for r in rows if r.kind != "app-without-sp"]),
            ("mi", [r for r in rows if r.kind.startswith("managed-identity")]),
            ("identities", rows),
            ('search "worker 01"', [r for r in rows if "worker 01" in r.display_name]),
        ]:
            app.run_command(alias)
            await settle(pilot)
            assert {r.id for r in table_of(app).visible_rows} == {r.id for r in expected}, alias
        for alias, screen in (("findings", FindingListScreen),
                              ("credentials", CredentialListScreen)):
            app.run_command(alias)
            await settle(pilot)
            assert isinstance(app.screen, screen)
        app.run_command("overview")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("j")  # all identities, then the first kind
        tile = app.focused.data
        await pilot.press("enter")
        await settle(pilot)
        assert tile.opens.filter_text == f"kind:={KINDS[0]}"
        assert table_of(app).filter_text == tile.opens.filter_text
        assert table_of(app).row_count == int(tile.value)


async def test_help_lists_the_live_bindings_and_follows_the_keymap(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[keys]\nfilter = "f"\ndown = "n,down"\n')
    app = make_app(config=load_config(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        rows = {row.description: row for row in app.screen.rows}
        assert rows["Filter"].keys == "f"  # remapped from the config
        assert rows["Down"].keys.startswith("n")
        assert rows["Open"].keys == "enter" or "⏎" in rows["Open"].keys
        assert rows["Mark"].where == "table" and rows["Quit"].where == "app"
        assert "read-only" in rows["Disable"].state
        assert rows["Filter"].binding_id == "filter"
        await pilot.press("escape")
        assert isinstance(app.screen, IdentityListScreen)
        await pilot.press("f")  # the remapped key opens the filter
        assert app.screen.query_one(PromptBar).is_open


async def test_write_actions_are_disabled_with_the_reason_in_read_only_mode():
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        bindings = app.screen.active_bindings
        assert not bindings["ctrl+d"].enabled
        await pilot.press("ctrl+d")
        assert "start wlx with --write" in app.screen.query_one(Flash).message
    writable = make_app(read_only=False)
    async with writable.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert writable.screen.active_bindings["ctrl+d"].enabled
        assert "✎ write" in screen_text(writable)


async def test_space_marks_rows_and_the_title_counts_them():
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("space", "space", "j", "space")
        assert len(table_of(app).marked) == 3
        assert "✓ 3 marked" in screen_text(app)


async def test_palette_jumps_to_a_view():
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "Go to Managed")
        palette = app.screen
        for _ in range(100):  # the palette searches in a worker of its own: wait for hits
            await pilot.pause(0.02)
            if palette.query_one("CommandList").option_count:
                break
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IdentityListScreen) and app.screen.view.alias == "mi"


async def test_animations_are_off_by_default_and_over_ssh(monkeypatch):
    assert make_app().animation_level == "none"
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.1 5000 10.0.0.2 22")
    config = Config(path=None, sections={"ui": {"animations": True}})
    assert make_app(config=config).animation_level == "none"
    monkeypatch.delenv("SSH_CONNECTION")
    monkeypatch.delenv("SSH_TTY", raising=False)
    assert make_app(config=config).animation_level == "full"


async def test_unknown_key_ids_and_themes_are_reported_not_fatal():
    config = Config(path=None, keys={"fliter": "f"}, sections={"ui": {"theme": "no-such-theme"}})
    app = make_app(config=config)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-dark"
        assert "fliter" in app.screen.query_one(Flash).message


async def test_high_contrast_theme_is_available():
    app = make_app(config=Config(path=None, sections={"ui": {"theme": "wlx-high-contrast"}}))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.theme == "wlx-high-contrast"
        assert NOW  # the header age comes from the fixed clock, not the wall clock
        assert "snapshot 2h 15m ago" in screen_text(app)


async def test_q_and_colon_q_quit():
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running
    other = make_app()
    async with other.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("colon", "q", "enter")
        await pilot.pause()
    assert not other.is_running


async def test_search_without_text_opens_the_filter_prompt():
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("colon")
        await type_text(pilot, "search")
        await pilot.press("enter")
        await settle(pilot)
        prompt = app.screen.query_one(PromptBar)
        assert prompt.is_open and prompt.mode == "filter" and app.focused is prompt.input
        await type_text(pilot, "worker 039")  # two words, both must match
        assert [r.display_name for r in table_of(app).visible_rows] == ["Payroll worker 039"]
