"""The explorer's actions on the selected identity or the view, through the pilot: copy
(OSC 52), export (CSV/JSON, never replacing a file without asking), raw JSON, refresh,
and the flash line that reports them.
"""

from __future__ import annotations

import csv
import json

from test_tui_support import (FakeSource, make_app, make_row, sample_rows, screen_text, settle,
                              table_of, type_text)
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.copy_menu import CopyMenu
from tui.dialogs.export import ExportDialog
from tui.screens.identity_list import IdentityListScreen
from tui.screens.raw import RawScreen
from tui.widgets.flash import Flash




async def test_copy_menu_puts_ids_and_links_on_the_clipboard():
    rows = sample_rows(5)
    app = make_app(rows)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        first = table_of(app).cursor_row  # the list opens sorted: problems first
        await pilot.press("c")
        assert isinstance(app.screen, CopyMenu)
        await pilot.press("i")
        assert app.clipboard == first.id
        assert "copied the object id" in app.screen.query_one(Flash).message
        await pilot.press("c", "a")
        assert app.clipboard == first.app_id
        await pilot.press("c", "p")
        assert app.clipboard.startswith("https://portal.azure.com/#view/")
        assert first.app_id in app.clipboard
        await pilot.press("c", "down", "down", "enter")  # arrows and enter work too
        assert app.clipboard == first.display_name
        await pilot.press("c", "escape")
        assert isinstance(app.screen, IdentityListScreen)


async def test_copying_a_hostile_name_copies_it_cleaned():
    app = make_app([make_row(0, "evil\x1b]52;c;cm0gLXJmIH4=\x07name\u202e")])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("c", "n")
        assert "\x1b" not in app.clipboard and "\u202e" not in app.clipboard
        assert app.clipboard.startswith("evil␛]52;c;")


async def test_export_writes_the_view_and_asks_before_replacing(tmp_path):
    rows = sample_rows(30)
    app = make_app(rows)
    target = tmp_path / "managed.csv"
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "kind:managed")
        await pilot.press("enter", "ctrl+s")
        assert isinstance(app.screen, ExportDialog)
        field = app.screen.query_one("#export-path")
        field.value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        with target.open(newline="") as file:
            lines = list(csv.reader(file))
        managed = [r for r in table_of(app).visible_rows]  # in the order shown
        assert {r.id for r in managed} == {r.id for r in rows if r.kind.startswith("managed")}
        assert lines[0][:3] == ["name", "kind", "tier"]
        assert [line[0] for line in lines[1:]] == [r.display_name for r in managed]
        assert lines[1][1] == managed[0].kind  # raw values, not the display labels
        assert (target.stat().st_mode & 0o777) == 0o600
        assert "exported" in app.screen.query_one(Flash).message
        first = target.read_text()
        # the same path again: asks, Cancel is focused and keeps the file
        await pilot.press("escape", "ctrl+s")  # esc clears the filter: 30 rows now
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmDialog)
        assert app.focused.id == "cancel"
        await pilot.press("enter")
        await settle(pilot)
        assert target.read_text() == first
        await pilot.press("ctrl+s")
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await pilot.click("#confirm")
        await settle(pilot)
        assert len(target.read_text().splitlines()) == 31


async def test_export_as_json(tmp_path):
    rows = sample_rows(4)
    app = make_app(rows)
    target = tmp_path / "all.json"
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+s")
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        shown = table_of(app).visible_rows
    records = json.loads(target.read_text())
    assert sorted(r["name"] for r in records) == sorted(r.display_name for r in rows)
    assert [r["name"] for r in records] == [r.display_name for r in shown]
    assert records[1]["owners"] == shown[1].owners_count


async def test_refresh_rereads_the_source_and_keeps_the_cursor():
    source = FakeSource(sample_rows(20))
    app = make_app(source=source)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j")
        cursor = table_of(app).cursor_id
        source.rows = [make_row(99, "Zz new identity")] + source.rows[::-1]
        await pilot.press("r")
        await settle(pilot)
        assert source.index_reads == 2
        assert table_of(app).total_count == 21
        assert table_of(app).cursor_id == cursor


async def test_raw_json_viewer_shows_the_graph_body_cleaned():
    app = make_app([make_row(0, "evil\u202eexe [b]x[/b]")])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, RawScreen)
        text = app.screen.query_one("#raw-json").text
        body = json.loads(text.replace("\\u202e", ""))  # clean() made the override visible
        assert body["servicePrincipal"]["displayName"] == "evilexe [b]x[/b]"
        assert "\u202e" not in text
        await pilot.press("escape")
        assert isinstance(app.screen, IdentityListScreen)


async def test_flash_messages_carry_a_symbol_and_clear_themselves():
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        flash = app.screen.query_one(Flash)
        app.flash("cannot read [b]x[/b]", "error")
        assert "✖ cannot read [b]x[/b]" in screen_text(app)  # a symbol, literal text
        assert flash.has_class("-error")
        flash.flash("gone soon", "information", timeout=0.01)
        for _ in range(200):  # wait for the timer, however slow the machine
            await pilot.pause(0.01)
            if not flash.message:
                break
        assert flash.message == "" and "gone soon" not in screen_text(app)


class BrokenSource(FakeSource):
    """A damaged cache: the index, one identity's detail and its raw JSON cannot be read."""

    def __init__(self, rows, broken_index: bool) -> None:
        super().__init__(rows)
        self.broken_index = broken_index

    def index(self):
        if self.broken_index:
            raise OSError("index blob truncated")
        return super().index()

    def detail(self, identity_id):
        raise ValueError("detail blob is not JSON")

    def raw(self, identity_id):
        raise ValueError("raw blob is not JSON")


async def test_a_source_that_fails_is_a_message_not_a_crash():
    app = make_app(source=BrokenSource(sample_rows(5), broken_index=True))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert app.is_running
        text = screen_text(app)
        assert "cannot read the identities: OSError: index blob truncated" in text
        assert not table_of(app).loading and "r tries again" in text
    app = make_app(source=BrokenSource(sample_rows(5), broken_index=False))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "cannot read the raw JSON: ValueError" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and not table_of(app).loading
        assert "cannot read this identity: ValueError: detail blob is not JSON" in screen_text(app)
