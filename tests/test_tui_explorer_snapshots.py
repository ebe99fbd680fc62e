"""Snapshots of every explorer screen and every identity tab on the fixed demo tenant
(300 identities, seed 7, synced through the real path once per session), with a fixed
clock and fixed terminal sizes. Update with `pytest --snapshot-update` after checking the
new SVGs by eye (tests/__snapshots__/test_tui_explorer_snapshots/).
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from test_tui_support import demo_app, demo_id, settle
from tui.refresh import SyncEvent
from tui.screens.links import Location, pivot_target
from tui.screens.sync_panel import SyncPanel

# an identity with content for each tab (by name: the demo's ids are stable, names read)
TAB_IDENTITIES = {
    "findings": "Identity Automation",
    "credentials": "Test App (legacy)",
    "federated": "Identity Automation",
    "permissions": "Test App (legacy)",
    "roles": "Mail Migration Tool",
    "groups": "Mail Migration Tool",
    "owners": "contoso-shipping-sync-prod",
    "activity": "Test App (legacy)",
    "audit": "Credential Rotation Job",
    "risk": "Marketing Automation Hub",
}


async def steady(pilot) -> None:
    await settle(pilot)
    # under load the list can still be taking focus (the footer then lacks its keys)
    for _ in range(100):
        if pilot.app.screen.focused is not None:
            break
        await pilot.pause(0.02)
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()
    await settle(pilot)


def test_overview(snap_compare):
    assert snap_compare(demo_app(), terminal_size=(140, 40), run_before=steady)


def test_overview_80x24(snap_compare):
    assert snap_compare(demo_app(), terminal_size=(80, 24), run_before=steady)


def test_overview_200x60(snap_compare):
    assert snap_compare(demo_app(), terminal_size=(200, 60), run_before=steady)


def test_overview_high_contrast(snap_compare):
    from tui.config import Config

    app = demo_app(config=Config(path=None, sections={"ui": {"theme": "wlx-high-contrast"}}))
    assert snap_compare(app, terminal_size=(140, 40), run_before=steady)


def test_identity_list(snap_compare):
    app = demo_app(Location("list", "identities"))
    assert snap_compare(app, terminal_size=(140, 40), run_before=steady)


def test_identity_list_filtered_80x24(snap_compare):
    app = demo_app(Location("list", "identities", "tier:=ControlPlane"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=steady)


@pytest.mark.parametrize("tab", list(TAB_IDENTITIES))
def test_detail_tab(snap_compare, tab):
    app = demo_app(Location("detail", demo_id(TAB_IDENTITIES[tab]), tab=tab))
    assert snap_compare(app, terminal_size=(140, 40), run_before=steady)


def test_detail_80x24(snap_compare):
    app = demo_app(Location("detail", demo_id("Test App (legacy)"), tab="findings"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=steady)


def test_findings_view(snap_compare):
    app = demo_app(Location("findings", "findings"))
    assert snap_compare(app, terminal_size=(140, 40), run_before=steady)


def test_findings_view_filtered(snap_compare):
    app = demo_app(Location("findings", "findings", "severity:high !rule:privileged"))
    assert snap_compare(app, terminal_size=(140, 40), run_before=steady)


def test_credentials_view(snap_compare):
    app = demo_app(Location("credentials", "credentials"))
    assert snap_compare(app, terminal_size=(140, 40), run_before=steady)


def test_principal_view_of_a_user_owner(snap_compare):
    async def run_before(pilot) -> None:
        await steady(pilot)
        await pilot.press("enter")  # the owner under the cursor: a user
        await steady(pilot)
    app = demo_app(Location("detail", demo_id("Test App (legacy)"), tab="owners"))
    assert snap_compare(app, terminal_size=(140, 40), run_before=run_before)


def test_pivot_by_ip(snap_compare):
    app = demo_app(Location("pivot", pivot_target("ip", "203.0.113.77")))
    assert snap_compare(app, terminal_size=(140, 40), run_before=steady)


def test_pivot_by_role(snap_compare):
    app = demo_app(Location("pivot", pivot_target("role", "62e90394-69f5-4237-9190-012177145e10")))
    assert snap_compare(app, terminal_size=(140, 40), run_before=steady)


def test_open_menu_of_a_sign_in(snap_compare):
    async def run_before(pilot) -> None:
        await steady(pilot)
        await pilot.press("enter")
        await steady(pilot)
    app = demo_app(Location("detail", demo_id("Test App (legacy)"), tab="activity"))
    assert snap_compare(app, terminal_size=(140, 40), run_before=run_before)


def test_hostile_names_in_the_detail_header_and_the_audit_actor(snap_compare):
    name = "\x1b[31mRED ALERT\x1b[0m Billing"
    app = demo_app(Location("detail", demo_id(name), tab="audit"))
    assert snap_compare(app, terminal_size=(140, 40), run_before=steady)


def test_hostile_names_in_the_list(snap_compare):
    """Sorted by name, the demo's hostile names (escapes, markup, bidi) come first."""
    async def run_before(pilot) -> None:
        await steady(pilot)
        pilot.app.screen.table.sort_by("name")
        await steady(pilot)
    app = demo_app(Location("list", "apps"))
    assert snap_compare(app, terminal_size=(120, 30), run_before=run_before)


def _panel(events):
    async def run_before(pilot) -> None:
        await steady(pilot)
        syncer = pilot.app.syncer
        syncer.state.clock = lambda: 100.0  # a fixed clock for the elapsed time shown
        syncer.state.start("contoso.onmicrosoft.com on Microsoft Graph (global)")
        for event in events:
            syncer.on_event(event)
        syncer.show_panel()
        await steady(pilot)
        assert isinstance(pilot.app.screen, SyncPanel)
        pilot.app.screen.show_state()
        await steady(pilot)
    return run_before


def test_sync_progress_panel(snap_compare):
    run_before = _panel([
        SyncEvent("progress", kind="userCount", done=1, total=1, status="done"),
        SyncEvent("progress", kind="applications", done=1200, total=1200, status="done"),
        SyncEvent("progress", kind="servicePrincipals", done=23000, total=51000,
                  status="reading"),
        SyncEvent("progress", kind="signIns", done=0, status="unavailable",
                  detail="403 Forbidden: grant AuditLog.Read.All"),
        SyncEvent("progress", kind="appRoleAssignments", done=40, total=120,
                  status="throttled", detail="waiting 5 s (429)"),
    ])
    assert snap_compare(demo_app(Location("list", "identities")), terminal_size=(120, 36),
                        run_before=run_before)


def test_sync_panel_shows_the_sign_in_code(snap_compare):
    run_before = _panel([SyncEvent(
        "progress", kind="sign-in", status="waiting",
        detail="to sign in, open https://microsoft.com/devicelogin and enter the code "
        "K7QX-2M4P")])
    assert snap_compare(demo_app(Location("list", "identities")), terminal_size=(120, 36),
                        run_before=run_before)
