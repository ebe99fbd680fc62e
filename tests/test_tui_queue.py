"""Guided maintenance through Textual's pilot on the demo tenant, in a cache of the test's
own: choose the queue's filter, walk it (skip, accept the risk, apply through a registered
row action or "not available yet"), quit the app in the middle, sync a snapshot where one
item is fixed, resume in a new app on the same cache, and finish with the summary, kept
in the labels and exported as Markdown."""

from __future__ import annotations

import stat

import pytest
from test_tui_support import screen_text, settle, type_text
from test_tui_triage_support import DOOMED_APP, app_on, fresh_demo, sync_changed

from tui.actions import ROW_ACTIONS, RowAction, register_action
from tui.dialogs.bundle import PathDialog
from tui.dialogs.queue_decide import AcceptDialog
from tui.dialogs.queue_filter import QueueFilterDialog
from tui.screens.queue import QueueScreen
from tui.writes.actions import report_outcome

PAYROLL = "Payroll Legacy SSO (2011)"


async def open_queue(pilot, text: str = "") -> QueueScreen:
    await settle(pilot)
    await pilot.press("colon")
    await type_text(pilot, "queue" + (f" {text}" if text else ""))
    await pilot.press("enter")
    await settle(pilot)
    return pilot.app.screen


def shown(app) -> str:
    # the box's sides are not words: a wrapped line reads on
    return " ".join(screen_text(app).replace("│", " ").split())


@pytest.fixture
def no_cleanup_actions():
    """As before issue 6's actions: the queue must say so rather than write itself."""
    saved = list(ROW_ACTIONS)
    ROW_ACTIONS[:] = [a for a in ROW_ACTIONS if a.id != "remove"]
    yield
    ROW_ACTIONS[:] = saved


async def test_a_session_interrupted_and_resumed_after_a_sync(tmp_path, no_cleanup_actions):
    store, tenant = fresh_demo(tmp_path / "cache")
    app = app_on(store, tenant)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_queue(pilot, "legacy")
        dialog = app.screen
        assert isinstance(dialog, QueueFilterDialog)
        assert dialog.query_one("#queue-query").value == "legacy"  # from `:queue TEXT`
        dialog.query_one("#queue-rules").value = "credential-expired"
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QueueScreen)
        assert screen.current.item.name == DOOMED_APP
        text = shown(app)
        assert "2 left of 2" in text and "credential-expired" in text
        assert "remove the expired secret 'prod'" in text  # the recommended action
        await pilot.press("a")  # no cleanup action is registered (fixture)
        assert "not available yet" in shown(app)
        assert screen.current.item.name == DOOMED_APP
        await pilot.press("s")
        await settle(pilot)
        assert screen.current.item.name == PAYROLL
        await pilot.press("x")
        assert isinstance(app.screen, AcceptDialog)
        app.screen.query_one("#decide-reason").value = "vendor contract until renewal"
        await pilot.press("enter", "enter")  # reason, then the default expiry (+90 days)
        await settle(pilot)
        assert screen.current is None and "Nothing left to decide" in shown(app)
    # the app quit mid-session; the next sync fixes the skipped item (the app is gone)
    sync_changed(store, tenant, tmp_path / "changed")
    labels = store.tenant(tenant).labels
    payroll_id = next(r.id for r in app.source.index() if r.display_name == PAYROLL)
    assert any(label.startswith("accepted-risk:2027-02-18")
               for label in labels.get(payroll_id)["labels"])

    app = app_on(store, tenant)
    async with app.run_test(size=(150, 45)) as pilot:
        screen = await open_queue(pilot)
        assert isinstance(screen, QueueScreen)  # no filter asked: the saved queue resumes
        text = shown(app)
        assert "session 1 (resumed)" in text and "1 fixed since the last sync" in text
        assert "0 left of 1" in text and "accepted 1" in text
        await pilot.press("u")
        await settle(pilot)
        assert "nothing to undo in this sitting" in shown(app)
        await pilot.press("q")
        await settle(pilot)
        assert screen.finished
        summary = screen.summary
        assert "- skipped: 1" in summary and "- accepted: 1" in summary
        assert "gone in a later snapshot (fixed): 1" in summary
        assert "vendor contract until renewal" in summary and DOOMED_APP in summary
        target = tmp_path / "session.md"
        await pilot.press("m")
        assert isinstance(app.screen, PathDialog)
        app.screen.query_one("#path-input").value = str(target)
        await pilot.press("enter")
        await settle(pilot)
    assert target.read_text() == summary
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.fixture
def recorded_action():
    calls = []
    saved = list(ROW_ACTIONS)
    # issue 6's "remove" (its confirm dialog is tested with it), recording what it is given
    outcomes = ["cancelled", "done"]  # the admin cancels the first confirm, accepts the next

    def run(app, targets):
        calls.append(targets)
        report_outcome(app, outcomes.pop(0))
    register_action(RowAction("remove", "ctrl+x", "Remove", frozenset({"credential"}), run,
                              writes=True))
    yield calls
    ROW_ACTIONS[:] = saved


async def test_apply_goes_through_the_registered_row_action(tmp_path, recorded_action):
    store, tenant = fresh_demo(tmp_path / "cache")
    app = app_on(store, tenant, read_only=True)
    async with app.run_test(size=(150, 45)) as pilot:
        await open_queue(pilot, "legacy")
        app.screen.query_one("#queue-rules").value = "credential-expired"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("a")
        assert "read-only mode" in shown(app) and recorded_action == []
    app = app_on(store, tenant, read_only=False)
    async with app.run_test(size=(150, 45)) as pilot:
        screen = await open_queue(pilot)
        finding = screen.current.finding
        await pilot.press("a")  # cancelled in the confirm dialog: the item stays
        await settle(pilot)
        assert screen.current.finding.id == finding.id
        assert "the item stays open" in shown(app)
        await pilot.press("a")
        await settle(pilot)
        [target], [again] = recorded_action
        assert target == again
        assert target.kind == "credential" and target.identity_id == finding.identity_id
        assert target.object_id == finding.evidence["keyId"]
        assert screen.current.item.name == PAYROLL
        assert "done 1" in shown(app)
        await pilot.press("u")
        await settle(pilot)
        assert screen.current.finding.id == finding.id  # the decision is undone
