"""The extension points the next features build on (row actions, views, screens, tabs),
and the promise of `?`: every key it lists is bound to an action that exists.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.screen import Screen

from test_tui_support import demo_app, demo_id, screen_text, settle, table_of
from tui.actions import ROW_ACTIONS, RowAction, register_action
from tui.screens.help import HelpScreen
from tui.screens.links import Location
from tui.screens.pivot import PivotScreen
from tui.screens.registry import SCREENS, register_screen
from tui.screens.tabs import TABS, TabSpec, register_tab
from tui.screens.views import VIEWS, View, register_view
from tui.widgets.table_model import Column
from tui.widgets.tiles import Tile

LEGACY = "Test App (legacy)"


@pytest.fixture
def registries():
    """Registries as they were, restored after the test."""
    saved = (list(ROW_ACTIONS), list(VIEWS), dict(SCREENS), list(TABS))
    yield
    ROW_ACTIONS[:], VIEWS[:], TABS[:] = saved[0], saved[1], saved[3]
    SCREENS.clear()
    SCREENS.update(saved[2])


async def test_a_row_action_applies_to_its_kind_of_row_and_to_marked_rows(registries):
    seen = []
    register_action(RowAction("note_credential", "ctrl+o", "Note", frozenset({"credential"}),
                              run=lambda app, targets: seen.append(targets), writes=False))
    app = demo_app(Location("detail", demo_id(LEGACY), tab="credentials"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert "Note" in screen_text(app)  # in the footer, for credential rows
        await pilot.press("space", "space", "ctrl+o")  # two marked credentials
        targets = seen[-1]
        assert [t.kind for t in targets] == ["credential", "credential"]
        assert {t.object_id for t in targets} == {c.key_id for c in app.screen.table.model.rows}
        assert all(t.identity_id == demo_id(LEGACY) for t in targets)
        await pilot.press("4")  # Permissions: not a credential, the key is not offered
        assert "Note" not in screen_text(app)
        await pilot.press("ctrl+o")
        assert len(seen) == 1


async def test_a_writing_action_is_disabled_with_the_reason_in_read_only_mode(registries):
    seen = []
    register_action(RowAction("remove_credential", "ctrl+o", "Remove", frozenset({"credential"}),
                              run=lambda app, targets: seen.append(targets)))
    app = demo_app(Location("credentials", "credentials"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+o")
        assert not seen and "start wlx with --write" in screen_text(app)
        await pilot.press("question_mark")
        rows = {row.binding_id: row for row in app.screen.rows}
        assert "read-only" in rows["remove_credential"].state


async def test_a_feature_adds_a_view_a_screen_and_a_tab(registries):
    register_view(View("seen-from", "Seen from", "a pivot by IP", screen="ip-pivot"))
    register_screen("ip-pivot", lambda location: PivotScreen(
        replace(location, target=f"ip:{location.filter_text}", filter_text="")))
    register_tab(TabSpec(id="tags", title="Tags", columns=lambda now: [
        Column("tag", "TAG", lambda tag: tag, min_width=10)],
        rows=lambda identity: identity.tags, row_id=lambda tag: tag, search=lambda tag: tag,
        target="tag", empty=lambda identity: "no tags"), before="audit")
    app = demo_app(Location("detail", demo_id(LEGACY), tab="tags"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert "WindowsAzureActiveDirectoryIntegratedApp" in screen_text(app)
        assert [t.id for t in TABS].index("tags") == [t.id for t in TABS].index("audit") - 1
        app.run_command("seen-from 203.0.113.77")
        await settle(pilot)
        assert isinstance(app.screen, PivotScreen) and app.screen.value == "203.0.113.77"
        assert table_of(app).row_count == 7


def _check_help(app, screen: Screen) -> list[str]:
    """Every binding `?` lists on this screen names an action its node can run."""
    problems = []
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if binding.system or not binding.description:
            continue
        action = binding.action
        node = active.node
        if action.startswith("app."):
            node, action = app, action[4:]
        elif action.startswith("screen."):
            node, action = screen, action[7:]
        name = action.partition("(")[0]
        if not callable(getattr(node, f"action_{name}", None)):
            problems.append(f"{key}: {binding.action} on {type(node).__name__}")
    return problems


async def test_every_key_in_help_is_bound_to_an_action_that_exists():
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        screens = [app.screen]
        for location in (Location("list", "identities"), Location("findings", "findings"),
                         Location("credentials", "credentials"),
                         Location("detail", demo_id(LEGACY), tab="activity"),
                         Location("pivot", "ip:203.0.113.77")):
            app.open(location)
            await settle(pilot)
            screens.append(app.screen)
            assert not _check_help(app, app.screen), location
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            listed = {row.description for row in app.screen.rows}
            assert {"Filter", "View", "Help", "Back", "Raw", "Copy", "Export"} <= listed
            await pilot.press("escape")
        assert isinstance(screens[0].focused, Tile)
        assert not _check_help(app, screens[0])
