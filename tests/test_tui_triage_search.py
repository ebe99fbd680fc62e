"""Global search on the demo tenant through Textual's pilot: ctrl+k from anywhere and
`:search TEXT`, by each key type (name, object id, appId, keyId, federated subject, IP,
actor UPN), results grouped by field, and enter opening the identity or the pivot."""

from __future__ import annotations

from test_tui_support import (
    demo_app,
    demo_id,
    demo_source,
    screen_text,
    settle,
    type_text,
)

from tui.screens.detail import DetailScreen
from tui.screens.links import Location
from tui.screens.pivot import PivotScreen
from tui.screens.search import SearchScreen
from tui.screens.timeline import TimelineScreen
from tui.widgets.virtual_table import VirtualTable

LEGACY = "Test App (legacy)"
SUSPICIOUS_IP = "203.0.113.77"
ACTOR = "adele.vance@contoso.com"
SUBJECT = "repo:contoso/web:ref:refs/heads/main"


def rows_of(app):
    return app.screen.query_one(VirtualTable).visible_rows


async def search_for(pilot, text: str) -> list:
    app = pilot.app
    if not isinstance(app.screen, SearchScreen):
        await pilot.press("ctrl+k")
        await settle(pilot)
    assert isinstance(app.screen, SearchScreen)
    box = app.screen.query_one("#search-box")
    if app.focused is not box:
        await pilot.press("slash")  # `/` goes back to the box from the results
    assert app.focused is box
    box.value = ""
    await type_text(pilot, text)
    await settle(pilot)
    return rows_of(app)


async def test_ctrl_k_searches_every_key_type_and_groups_results_by_field():
    legacy = demo_source().detail(demo_id(LEGACY))
    key = legacy.credentials[-1].key_id
    cases = [(LEGACY, "name", demo_id(LEGACY)), (demo_id(LEGACY), "objectId", demo_id(LEGACY)),
             (legacy.app_id, "appId", demo_id(LEGACY)), (key, "keyId", demo_id(LEGACY)),
             (SUBJECT, "subject", demo_id("contoso-web-deploy")),
             (SUSPICIOUS_IP, "ip", demo_id(LEGACY)), (ACTOR, "actor", None)]
    app = demo_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        for text, field, identity in cases:
            rows = await search_for(pilot, text)
            exact = [r for r in rows if r.value.lower() == text.lower()]
            assert exact and exact[0].field == field, (text, [(r.field, r.value) for r in rows])
            if identity is not None:
                assert identity in {r.identity_id for r in exact}
            fields = [r.field for r in rows]  # grouped: each field's rows together
            assert fields == sorted(fields, key=fields.index)
        # an actor has no identity of its own: its pivot and the audit events it did
        assert {r.what for r in exact} >= {"pivot", "audit"}
        assert "actor 1" in screen_text(app) or "actor" in screen_text(app)


async def test_an_ip_opens_its_pivot_and_a_name_opens_the_identity():
    app = demo_app(Location("list", "identities"))
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        rows = await search_for(pilot, SUSPICIOUS_IP)
        assert rows[0].what == "pivot"
        assert any(r.what == "sign-ins" and SUSPICIOUS_IP in r.detail for r in rows)
        await pilot.press("enter", "enter")  # box -> results, then open the first row
        await settle(pilot)
        assert isinstance(app.screen, PivotScreen) and app.screen.value == SUSPICIOUS_IP
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)  # back to the results as they were
        assert app.screen.query_one("#search-box").value == SUSPICIOUS_IP
        rows = await search_for(pilot, "legacy")
        at = next(n for n, r in enumerate(rows) if r.name == LEGACY)
        assert rows[at].what == "identity" and rows[at].field == "name"
        await pilot.press("down", *["down"] * at, "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.identity_id == demo_id(LEGACY)


async def test_colon_search_with_text_and_nothing_found():
    app = demo_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        await pilot.press("colon")
        await type_text(pilot, f"search ip:{SUSPICIOUS_IP[:9]}")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        rows = rows_of(app)
        assert rows and all(r.field == "ip" for r in rows)
        rows = await search_for(pilot, "no-such-thing-anywhere")
        assert rows == [] and "nothing in this snapshot matches" in screen_text(app)


async def test_from_a_suspicious_ip_to_the_identity_and_what_it_touched():
    """The incident drill as a new user does it: ctrl+k, the IP, enter, enter, t."""
    app = demo_app()
    async with app.run_test(size=(150, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+k")
        await type_text(pilot, SUSPICIOUS_IP)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PivotScreen)
        identities = [r for r in rows_of(app) if r.what == "identity"]
        assert [r.identity_id for r in identities] == [demo_id(LEGACY)]
        await pilot.press("t")  # the cursor is on the identity (identities list first)
        await settle(pilot)
        assert isinstance(app.screen, TimelineScreen)
        touched = {r.title for r in rows_of(app) if r.type == "sign-in" and r.ip == SUSPICIOUS_IP}
        assert touched and all(" to " in title for title in touched)
        assert "Office 365 Exchange Online" in " ".join(touched)
