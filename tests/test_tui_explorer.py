"""The explorer on the demo tenant through Textual's pilot: the overview's tiles, the views
by alias, the identity detail and its tabs, drill-downs and pivots (IP, keyId, owner,
role, resource, actor), back and forward restoring tab, filter, sort and cursor, and
hostile names staying literal. The demo is synced once per session through the real
path (test_tui_support.demo_store).
"""

from __future__ import annotations

from test_tui_support import (APP_NOW, demo_app, demo_id, demo_source, screen_text, settle,
                              table_of, type_text)
from tui.dialogs.open_menu import OpenMenu
from tui.screens.credentials import CredentialListScreen
from tui.screens.detail import DetailScreen
from tui.screens.findings import FindingListScreen, RuleGroup
from tui.screens.identity_list import IdentityListScreen
from tui.screens.links import Location, pivot_target
from tui.screens.overview import OverviewScreen
from tui.screens.pivot import PivotScreen
from tui.screens.principal import PrincipalScreen
from tui.widgets.tiles import Tile

LEGACY = "Test App (legacy)"  # the Midnight Blizzard-style app of the demo
SUSPICIOUS_IP = "203.0.113.77"


def findings_of(rows):
    return [row for row in rows if not isinstance(row, RuleGroup)]


async def focus_tile(pilot, key: str) -> Tile:
    """Walk the overview with the arrow keys until the tile `key` has the focus."""
    app = pilot.app
    await pilot.press("left", "left", "left", *["up"] * 40)  # the first column's top
    for _ in range(4):  # columns
        for _ in range(40):
            if isinstance(app.focused, Tile) and app.focused.data.key == key:
                return app.focused
            before = app.focused
            await pilot.press("down")
            if app.focused is before:
                break
        await pilot.press("right")
        for _ in range(40):
            await pilot.press("up")
    raise AssertionError(f"no tile {key}")


async def test_the_overview_is_the_start_screen_and_its_tiles_open_filtered_views():
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        text = screen_text(app)
        assert "Contoso Demo" in text and "demo tenant" in text and "12m ago" in text
        assert "49 of 260 (19%)" in text  # inactive share, from the analysis
        tile = await focus_tile(pilot, "tier:ControlPlane")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IdentityListScreen)
        table = table_of(app)
        assert table.filter_text == "tier:=ControlPlane"
        assert table.row_count == int(tile.data.value) == 10
        assert all(row.tier == "ControlPlane" for row in table.visible_rows)
        assert "Identities(tier:=ControlPlane)[10/300]" in screen_text(app)
        await pilot.press("escape", "escape")  # clears the filter, then back
        assert isinstance(app.screen, OverviewScreen)
        assert app.focused.data.key == "tier:ControlPlane"  # the same tile, as it was
        for key, screen, expected in (("severity:high", FindingListScreen, 43),
                                      ("rule:credential-expired", FindingListScreen, 18),
                                      ("expired", CredentialListScreen, 18),
                                      ("inactive", IdentityListScreen, 49)):
            await focus_tile(pilot, key)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, screen), key
            rows = table_of(app).visible_rows
            assert len(findings_of(rows)) == expected, key
            app.go_back()
            await settle(pilot)


async def test_views_by_alias_with_completion_and_filters():
    app = demo_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("colon", "c", "r", "tab", "enter")  # :credentials
        await settle(pilot)
        assert isinstance(app.screen, CredentialListScreen)
        table = table_of(app)
        assert table.row_count == 152  # the overview's count: Azure-managed ones left out
        assert "90 Azure-managed certificates not shown" in screen_text(app)
        await pilot.press("slash")
        await type_text(pilot, "kind:=federated")
        assert table.row_count == 23
        await pilot.press("enter")
        await pilot.press("colon")
        await type_text(pilot, "findings severity:high !rule:privileged")
        await pilot.press("enter")
        await settle(pilot)
        rows = findings_of(table_of(app).visible_rows)
        assert rows and all(r.finding.severity == "high" for r in rows)
        assert not any(r.finding.rule.startswith("privileged") for r in rows)
        assert "Findings(severity:high !rule:privileged)" in screen_text(app)
        for alias, kinds in (("apps", {"app", "app-without-sp"}),
                             ("mi", {"managed-identity-system", "managed-identity-user"})):
            app.run_command(alias)
            await settle(pilot)
            assert {r.kind for r in table_of(app).visible_rows} == kinds


async def test_the_list_puts_problems_first_and_sorts_by_any_column():
    app = demo_app(Location("list", "identities"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        rows = table_of(app).visible_rows
        ranks = {"high": 0, "medium": 1, "low": 2, "info": 3}
        keys = [(ranks.get(r.worst_severity, 9) if r.findings_count else 9,
                 r.display_name.lower()) for r in rows]
        assert keys == sorted(keys)  # worst severity, then the name
        for column in ("name", "kind", "tier", "credentials", "last_sign_in", "owners"):
            table_of(app).sort_by(column)
            assert table_of(app).row_count == 300, column


async def test_findings_view_groups_by_rule_and_opens_the_finding():
    app = demo_app(Location("findings", "findings"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        rows = table_of(app).visible_rows
        assert isinstance(rows[0], RuleGroup) and rows[0].rule == "privileged-permission"
        groups = [r for r in rows if isinstance(r, RuleGroup)]
        assert len(groups) == 19 and sum(g.shown for g in groups) == 220
        for group in groups:  # each header is followed by its own findings
            at = rows.index(group)
            assert all(r.finding.rule == group.rule for r in rows[at + 1: at + 1 + group.shown])
        await pilot.press("j", "j")
        finding = table_of(app).cursor_row.finding
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.identity_id == finding.identity_id
        assert app.screen.location.tab == "findings"
        assert app.screen.table.cursor_id == finding.id  # the finding, highlighted
        await pilot.press("escape")
        await pilot.press("g", "enter")  # enter on a rule header narrows the view to it
        assert table_of(app).filter_text == "rule:=privileged-permission"
        assert len(findings_of(table_of(app).visible_rows)) == 31
        table_of(app).sort_by("identity")  # another sort: no group headers
        assert not any(isinstance(r, RuleGroup) for r in table_of(app).visible_rows)


async def test_detail_tabs_by_number_and_arrows_and_back_restores_tab_and_cursor():
    app = demo_app(Location("list", "identities", '"Test App (legacy)"'))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen) and detail.location.tab == "findings"
        text = screen_text(app)
        assert "◆ ControlPlane" in text and "RoleManagement.ReadWrite.Directory" in text
        assert "single-tenant" in text and "tied to" in text
        await pilot.press("8")  # Activity
        assert detail.location.tab == "activity"
        await pilot.press("right", "left", "left")
        assert detail.location.tab == "owners"
        await pilot.press("0")
        assert detail.location.tab == "risk"
        assert "Identity Protection has no risk recorded" in screen_text(app)
        await pilot.press("8", "j", "j")
        cursor = detail.table.cursor_id
        await pilot.press("enter", "1")  # the sign-in's IP
        await settle(pilot)
        assert isinstance(app.screen, PivotScreen)
        await pilot.press("escape")
        assert app.screen is detail and detail.location.tab == "activity"
        assert detail.table.cursor_id == cursor
        await pilot.press("left_square_bracket")  # back to the list, then forward again
        await pilot.press("right_square_bracket")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, DetailScreen) and again is not detail
        assert again.location.tab == "activity" and again.table.cursor_id == cursor


async def test_pivot_by_ip_shows_every_identity_and_sign_in_seen_from_it():
    app = demo_app(Location("detail", demo_id(LEGACY), tab="activity"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, OpenMenu)
        labels = [link.label for link in app.screen.links]
        assert labels[0] == f"everything seen from IP {SUSPICIOUS_IP}"
        assert labels[1].startswith("everything seen with keyId")
        assert labels[2] == "the resource Office 365 Exchange Online"
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, PivotScreen) and app.screen.value == SUSPICIOUS_IP
        rows = table_of(app).visible_rows
        expected = demo_source().pivots().ips[SUSPICIOUS_IP]
        assert {r.identity_id for r in rows if r.what == "identity"} == set(expected)
        assert sum(1 for r in rows if r.what == "sign-in") == sum(expected.values()) == 6
        assert f"IP {SUSPICIOUS_IP}[7]" in screen_text(app)
        await pilot.press("G", "enter")  # a sign-in opens its identity's Activity tab on it
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.location.tab == "activity"
        assert app.screen.table.cursor_row.ip == SUSPICIOUS_IP


async def test_pivot_by_key_id_from_the_credentials_tab():
    app = demo_app(Location("detail", demo_id(LEGACY), tab="credentials"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("G")  # the newest secret: the one used from the suspicious IP
        key = app.screen.table.cursor_row.key_id
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PivotScreen) and app.screen.value == key
        rows = table_of(app).visible_rows
        whats = [r.what for r in rows]
        assert whats[0] == "identity" and "ip" in whats and "audit" in whats
        assert any(r.what == "ip" and r.name == SUSPICIOUS_IP for r in rows)
        assert all(key in r.detail for r in rows if r.what == "sign-in")


async def test_pivot_by_owner_opens_the_user_with_what_they_own_and_changed():
    app = demo_app(Location("detail", demo_id(LEGACY), tab="owners"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        owner = app.screen.table.cursor_row
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PrincipalScreen)
        text = screen_text(app)
        assert owner.upn in text and "UserAccess" in text
        rows = table_of(app).visible_rows
        owned = {r.identity_id for r in rows if r.what == "owns"}
        assert demo_id(LEGACY) in owned
        assert owned == set(demo_source().principals()[owner.id].owns)
        assert any(r.what == "changed" for r in rows)  # the audit actor pivot


async def test_an_owner_that_is_a_service_principal_opens_that_identity():
    app = demo_app(Location("detail", demo_id("Provisioned App Gamma"), tab="owners"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.identity_id == demo_id("Provisioning Engine")


async def test_pivot_by_role_lists_every_holder():
    app = demo_app(Location("detail", demo_id("Mail Migration Tool"), tab="roles"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        role = app.screen.table.cursor_row
        await pilot.press("enter")  # the role, and the group it comes through
        assert isinstance(app.screen, OpenMenu)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, PivotScreen) and app.screen.value == role.role_definition_id
        rows = table_of(app).visible_rows
        assert {r.what for r in rows} == {"identity", "group"}
        assert demo_id("Mail Migration Tool") in {r.identity_id for r in rows}
        assert "Role Exchange Administrator" in screen_text(app)


async def test_a_resource_opens_its_service_principal_or_everyone_with_access():
    app = demo_app(Location("detail", demo_id(LEGACY), tab="permissions"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        row = app.screen.table.cursor_row
        await pilot.press("enter", "1")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.identity_id == row.resource_id
        assert "Microsoft Graph" in screen_text(app)
        await pilot.press("escape", "enter", "2")
        await settle(pilot)
        assert isinstance(app.screen, PivotScreen)
        holders = {r.identity_id for r in table_of(app).visible_rows if r.what == "identity"}
        assert demo_id(LEGACY) in holders and len(holders) > 100


async def test_an_audit_actor_opens_what_they_changed():
    name = "\x1b[31mRED ALERT\x1b[0m Billing"
    app = demo_app(Location("detail", demo_id(name), tab="audit"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        event = app.screen.table.cursor_row
        await pilot.press("enter")
        assert isinstance(app.screen, OpenMenu)
        await pilot.press("2")  # everything the actor changed
        await settle(pilot)
        assert isinstance(app.screen, PivotScreen)
        rows = table_of(app).visible_rows
        assert demo_id(name) in {r.identity_id for r in rows}
        assert any(r.what == "audit" and event.activity.strip() in r.detail for r in rows)
        text = screen_text(app)
        assert "[red]mallory[/red]␛[5m@contoso.com" in text  # the title, literally


async def test_empty_tabs_say_why():
    app = demo_app(Location("detail", demo_id("id-inventory-prod-01"), tab="owners"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert "managed identities have no owners" in screen_text(app)
        await pilot.press("3")
        assert "Azure Resource Manager, not in Graph" in screen_text(app)


async def test_hostile_names_stay_literal_in_the_detail_header_and_tabs():
    name = "[link=https://evil.example]click[/link] to verify"
    app = demo_app(Location("detail", demo_id(name), tab="findings"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert name in text  # the header shows the markup as text
        assert "\x1b" not in text
    app = demo_app(Location("detail", demo_id("\x1b[31mRED ALERT\x1b[0m Billing"), tab="audit"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "␛[31mRED ALERT␛[0m Billing" in text  # escapes made visible in the header
        assert "[red]mallory[/red]␛[5m@contoso.com" in text  # the audit actor, literally


async def test_copy_offers_what_the_row_names():
    app = demo_app(Location("detail", demo_id(LEGACY), tab="credentials"))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        key = app.screen.table.cursor_row.key_id
        await pilot.press("c")
        labels = [c.label for c in app.screen.choices]
        assert labels[:2] == ["Object ID", "App ID"] and "Key ID" in labels
        await pilot.press("k")
        assert app.clipboard == key
        await pilot.press("y")  # raw JSON of the identity, from any tab
        await settle(pilot)
        assert "017ded64-bd07-4707-b93c-44367bb9d953" in app.screen.text


async def test_the_app_clock_is_the_fixed_one():
    assert demo_app().now() == APP_NOW
    source = demo_source()
    assert source.meta().origin == "demo" and pivot_target("ip", "x") == "ip:x"
