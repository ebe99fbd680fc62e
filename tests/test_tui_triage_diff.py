"""What changed, in the app: the demo synced, its recorded Graph JSON changed in known ways
(a credential, a federated credential and an owner added, an identity removed), synced
again into the same cache; `:diff` shows each change in its section, enter opens the
identity, `m` writes the Markdown (0600, no overwrite without asking)."""

from __future__ import annotations

import stat

import pytest
from test_tui_support import screen_text, settle, table_of, type_text
from test_tui_triage_support import (
    CREDENTIAL_APP,
    DOOMED_APP,
    FEDERATED_APP,
    NEW_FIC,
    NEW_KEY,
    NEW_SUBJECT,
    OWNER_APP,
    app_on,
    fresh_demo,
    sync_changed,
)

from tui.dialogs.bundle import PathDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.screens.detail import DetailScreen
from tui.screens.diff import DiffScreen


@pytest.fixture(scope="module")
def two_snapshots(tmp_path_factory):
    root = tmp_path_factory.mktemp("diff")
    store, tenant = fresh_demo(root / "cache")
    sync_changed(store, tenant, root / "changed")
    return store, tenant


def items(rows, section):
    return [r for r in rows if r.section == section and not r.header]


async def open_diff(pilot):
    await settle(pilot)
    await pilot.press("colon")
    await type_text(pilot, "diff")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DiffScreen)
    return table_of(pilot.app).visible_rows


async def test_the_diff_shows_each_known_change_in_its_section(two_snapshots):
    app = app_on(*two_snapshots)
    async with app.run_test(size=(160, 45)) as pilot:
        rows = await open_diff(pilot)
        assert [r.name for r in items(rows, "removed")] == [DOOMED_APP]
        assert [r.name for r in items(rows, "added")] == []
        [credential] = items(rows, "credentialsAdded")
        assert credential.name == CREDENTIAL_APP and NEW_KEY in credential.detail
        [federated] = items(rows, "federatedAdded")
        assert federated.name == FEDERATED_APP and NEW_SUBJECT in federated.detail
        [owner] = items(rows, "ownersAdded")
        assert owner.name == OWNER_APP and "newcomer@contoso.com" in owner.detail
        assert {r.name for r in items(rows, "findingsNew")} >= {FEDERATED_APP}
        assert items(rows, "tier") == [] and items(rows, "permissionsAdded") == []
        text = screen_text(app)
        assert "new credentials (1)" in text and "removed identities (1)" in text
        # enter on the new credential opens the identity on its Credentials tab
        position = table_of(app).model.position(credential.id)
        table_of(app).move_cursor(position)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.location.tab == "credentials"
        assert NEW_FIC not in screen_text(app)


async def test_the_diff_exports_as_markdown_without_replacing_files(two_snapshots, tmp_path):
    app = app_on(*two_snapshots)
    target = tmp_path / "changes.md"
    async with app.run_test(size=(160, 45)) as pilot:
        await open_diff(pilot)
        for attempt in range(2):
            await pilot.press("m")
            assert isinstance(app.screen, PathDialog)
            app.screen.query_one("#path-input").value = str(target)
            await pilot.press("enter")
            await settle(pilot)
            if attempt == 1:  # the file exists now: asked, and "no" keeps it
                assert isinstance(app.screen, ConfirmDialog)
                target.write_text("mine")
                await pilot.press("escape")
                await settle(pilot)
        assert target.read_text() == "mine"
    target.unlink()
    app = app_on(*two_snapshots)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_diff(pilot)
        await pilot.press("m")
        app.screen.query_one("#path-input").value = str(target)
        await pilot.press("enter")
        await settle(pilot)
    text = target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "# What changed in tenant" in text and NEW_KEY in text and DOOMED_APP in text


async def test_one_snapshot_says_what_to_do(tmp_path):
    app = app_on(*fresh_demo(tmp_path / "one"))
    async with app.run_test(size=(160, 45)) as pilot:
        rows = await open_diff(pilot)
        assert rows == [] and "1 cached snapshot(s): sync again" in screen_text(app)


async def test_chosen_generations_and_the_same_one_twice(two_snapshots):
    from tui.screens.links import Location

    app = app_on(*two_snapshots, start=Location("diff", "diff", "2 2"))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert table_of(app).visible_rows == [] and "nothing changed" in screen_text(app)
    app = app_on(*two_snapshots, start=Location("diff", "diff", "1 2"))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert [r.name for r in items(table_of(app).visible_rows, "removed")] == [DOOMED_APP]
        assert "(#1) → " in screen_text(app)
