"""The confirm dialog of a write as the admin sees it (issue 6): fixed demo data and clock."""

from __future__ import annotations

from models.plan import DeleteApplication, DisableServicePrincipal
from test_tui_support import demo_app, demo_id, settle
from tui.dialogs.action_confirm import ActionConfirm
from tui.screens.links import Location
from tui.writes.session import IN_SESSION, session_of


def confirm_for(actions, title: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        session = session_of(pilot.app)
        preview = session.offline_writer().preview(actions, session.context())
        pilot.app.push_screen(ActionConfirm(title, preview, IN_SESSION, verb=title,
                                            can_plan=True))  # as the app opens it
        await settle(pilot)
    return run_before


def test_confirm_disabling_two_identities(snap_compare):
    app = demo_app(Location("list", "identities"), read_only=False)
    actions = [DisableServicePrincipal(servicePrincipalId=demo_id(name))
               for name in ("contoso-monorepo-ci", "id-inventory-prod-01")]
    assert snap_compare(app, terminal_size=(120, 40),
                        run_before=confirm_for(actions, "Disable"))


def test_confirm_deleting_an_application_asks_for_its_name(snap_compare):
    app = demo_app(Location("list", "identities"), read_only=False)
    row = app.source.index()
    app_row = next(r for r in row if r.display_name == "contoso-monorepo-ci")
    detail = app.source.detail(app_row.id)
    actions = [DeleteApplication(applicationId=detail.application_id)]
    assert snap_compare(app, terminal_size=(120, 40),
                        run_before=confirm_for(actions, "Delete application"))
