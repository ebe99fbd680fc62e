"""Issue 6 classification in the explorer, as an admin does it: label two marked
identities in read-only mode (L), see the labels in the list, filter `label:`, and find
them again in a new app on the same cache; save marked identities as a plan (P); fix a
finding (F) through the confirm dialog. Real path: the demo synced into a temp cache,
the real label store and journal, the real Textual pilot.
"""

from __future__ import annotations

import json
import os

from models.plan import load_plan
from test_tui_support import DEMO_NOW, screen_text, settle, table_of, type_text, wait_for
from test_tui_writes import cache_env, demo_cache, writable_app  # noqa: F401 (fixture)
from tui.app import build_app
from tui.cache_source import CacheSource
from tui.dialogs.labels import LabelsDialog


async def mark_two(pilot) -> list[str]:
    await settle(pilot)
    await pilot.press("slash")
    await type_text(pilot, "kind:app")
    await pilot.press("enter", "space", "j", "space")
    ids = sorted(table_of(pilot.app).marked_ids)
    assert len(ids) == 2
    return ids


async def fill(pilot, field: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#labels-{field}")
    widget.value = ""
    widget.focus()
    await type_text(pilot, text)


async def test_label_two_identities_read_only_and_keep_them(cache_env):
    source = demo_cache()
    app = writable_app(source, read_only=True)
    async with app.run_test(size=(140, 44)) as pilot:
        ids = await mark_two(pilot)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, LabelsDialog))
        await fill(pilot, "tier", "ControlPlane")
        await fill(pilot, "criticality", "high")
        await fill(pilot, "labels", "to-decommission accepted-risk:2027-03-31")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, LabelsDialog))
        await settle(pilot)
        store = source.labels()
        for identity in ids:
            doc = store.get(identity)
            assert doc["tier"] == "ControlPlane" and doc["criticality"] == "high"
            assert doc["labels"] == ["to-decommission", "accepted-risk:2027-03-31"]
            assert "to-decommission" in app.identity_row(identity).labels
        # the filter finds exactly them
        await pilot.press("slash", "ctrl+u")
        await type_text(pilot, "label:to-decommission")
        await pilot.press("enter")
        await settle(pilot)
        table = table_of(app)
        assert sorted(r.id for r in table.visible_rows) == ids
        assert screen_text(app).count("│✓ ⚑ ") == 2  # marked, and flagged as labelled
        name = table.model.columns[0]
        assert name.text(table.visible_rows[0]).endswith(
            " · to-decommission accepted-risk:2027-03-31 criticality:high "
            "tier-override:controlplane")
    # a new app on the same cache still has them
    again = CacheSource(source.store, source.tenant_id)
    app2 = writable_app(again, read_only=True)
    async with app2.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        for identity in ids:
            assert "tier-override:controlplane" in app2.identity_row(identity).labels


async def test_a_bad_label_is_refused_in_the_dialog(cache_env):
    source = demo_cache()
    app = writable_app(source, read_only=True)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, LabelsDialog))
        await fill(pilot, "labels", "accepted-risk:soon")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LabelsDialog)
        assert "needs a date" in screen_text(app)
        await pilot.press("escape")


async def test_save_marked_identities_as_a_plan(cache_env, tmp_path):
    source = demo_cache()
    app = writable_app(source, read_only=True)
    target = tmp_path / "change-42.json"
    async with app.run_test(size=(140, 44)) as pilot:
        ids = await mark_two(pilot)
        await pilot.press("P")
        from tui.dialogs.bundle import PathDialog
        await wait_for(pilot, lambda: isinstance(app.screen, PathDialog))
        app.screen.query_one("#path-input").value = str(target)
        await pilot.press("enter")
        await wait_for(pilot, target.exists)
        plan = load_plan(target.read_text())
        assert plan.tenant_id == source.tenant_id
        assert sorted(a.service_principal_id for a in plan.actions) == ids
        assert {a.action for a in plan.actions} == {"disable-service-principal"}
        assert os.stat(target).st_mode & 0o777 == 0o600
        # a second save to the same path asks before replacing it
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PathDialog))
        app.screen.query_one("#path-input").value = str(target)
        await pilot.press("enter")
        from tui.dialogs.confirm import ConfirmDialog
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("escape")
        assert json.loads(target.read_text())["format"] == "wlx-plan/1"


async def test_fix_an_expired_credential_asks_to_remove_it():
    from test_tui_support import demo_app
    from tui.dialogs.action_confirm import ActionConfirm
    from tui.screens.links import Location
    from tui.writes.fix import FixMenu

    app = demo_app(Location("findings", "findings", "rule:credential-expired"),
                   read_only=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        assert table_of(app).row_count > 0
        await pilot.press("j", "F")  # the first row is the rule's group header
        await wait_for(pilot, lambda: isinstance(app.screen, FixMenu))
        assert "credential-expired" in screen_text(app)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ActionConfirm))
        await settle(pilot)
        shown = screen_text(app)
        assert "Remove the credential 6216549b" in shown and "/removePassword" in shown
        assert app.screen.focused.id == "cancel"  # the safety model of every write
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ActionConfirm)


async def test_fix_is_refused_in_read_only_mode():
    from test_tui_support import demo_app
    from tui.screens.links import Location
    from tui.writes.fix import FixMenu

    app = demo_app(Location("findings", "findings", "rule:credential-expired"))
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        await pilot.press("j", "F")
        await settle(pilot)
        assert not isinstance(app.screen, FixMenu)
        from tui.widgets.flash import Flash
        assert "read-only mode: start wlx with --write" in app.screen.query_one(Flash).message


async def test_labels_show_in_the_detail_header_and_L_works_there(cache_env):
    from tui.screens.detail import DetailScreen
    from tui.screens.links import Location

    source = demo_cache()
    row = next(r for r in source.index() if r.kind == "app")
    app = build_app(source, read_only=True, now=DEMO_NOW, start=Location("detail", row.id))
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert not app.screen.query_one("#identity-labels").display
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, LabelsDialog))
        await fill(pilot, "tier", "controlplane")
        await fill(pilot, "tier-reason", "runs the [b]payroll[/b] export")
        await fill(pilot, "labels", "to-decommission")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        await wait_for(pilot, lambda: "to-decommission" in screen_text(app))
        shown = screen_text(app)
        assert "tier override ControlPlane (runs the [b]payroll[/b] export)" in shown
        assert source.labels().get(row.id)["tier"] == "ControlPlane"


def test_snapshot_of_the_labels_dialog(snap_compare):
    from test_tui_support import demo_app
    from tui.screens.links import Location

    documents = [{"tier": "ControlPlane", "tierReason": "runs the payroll export",
                  "criticality": "high", "ownerOfRecord": "jane@contoso.com",
                  "labels": ["to-decommission", "accepted-risk:2027-03-31"]},
                 {"tier": "ControlPlane", "criticality": "high",
                  "labels": ["to-decommission"]}]

    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(LabelsDialog(["Payroll [b]export[/b]", "Asset Tracker API"],
                                           documents))
        await settle(pilot)
    app = demo_app(Location("list", "identities"))
    assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)


async def test_fix_from_the_detail_findings_tab():
    from test_tui_support import demo_app, demo_id
    from tui.dialogs.action_confirm import ActionConfirm
    from tui.screens.links import Location
    from tui.writes.fix import FixMenu

    app = demo_app(Location("detail", demo_id("Asset Tracker API"), tab="findings"),
                   read_only=False)
    async with app.run_test(size=(140, 44)) as pilot:
        await settle(pilot)
        rows = table_of(app).visible_rows
        at = next(n for n, r in enumerate(rows) if r.rule == "credential-expired")
        table_of(app).move_cursor(at)
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, FixMenu))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ActionConfirm))
        await settle(pilot)
        assert "/removePassword" in screen_text(app)
        await pilot.press("escape")
