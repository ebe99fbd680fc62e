"""The virtual table on its own: navigation, marks, sort, filter, state, mouse, drawing."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual.app import App, ComposeResult

from models.query import parse_query
from models.text import clean
from test_tui_support import HOSTILE_NAMES, NOW, hostile_rows, make_row, sample_rows
from tui.text import fit
from tui.screens.columns import identity_columns, identity_fields, identity_id, identity_search
from tui.widgets.table_model import Column, TableModel, TableState, layout
from tui.widgets.virtual_table import VirtualTable


class TableApp(App[None]):
    def __init__(self, rows: list[Any]) -> None:
        super().__init__()
        self.rows = rows
        self.messages: list[Any] = []

    def compose(self) -> ComposeResult:
        table = VirtualTable(identity_columns(NOW), identity_id, identity_search)
        table.set_rows(self.rows)
        yield table

    def on_virtual_table_row_selected(self, message: VirtualTable.RowSelected) -> None:
        self.messages.append(message)

    def on_virtual_table_row_highlighted(self, message: VirtualTable.RowHighlighted) -> None:
        self.messages.append(message)


def line(table: VirtualTable, y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y))


def query_predicate(text: str):
    query = parse_query(text)
    return lambda row, search: query.matches(identity_fields(row), search)


async def test_vim_and_arrow_keys_move_the_cursor():
    rows = sample_rows(200)
    app = TableApp(rows)
    async with app.run_test(size=(100, 22)) as pilot:
        table = app.query_one(VirtualTable)
        page = table.page_height
        await pilot.press("j", "down", "j")
        assert table.cursor == 3
        await pilot.press("k", "up")
        assert table.cursor == 1
        await pilot.press("G")
        assert table.cursor_id == rows[-1].id
        assert round(table.scroll_y) == len(rows) - page  # the last row is on screen
        await pilot.press("g")
        assert table.cursor == 0 and round(table.scroll_y) == 0
        await pilot.press("ctrl+f")
        assert table.cursor == page
        await pilot.press("pagedown")
        assert table.cursor == 2 * page
        await pilot.press("ctrl+b")
        assert table.cursor == page
        await pilot.press("end")
        assert table.cursor == len(rows) - 1
        await pilot.press("home", "pageup")
        assert table.cursor == 0
        await pilot.press("enter")
        await pilot.pause()
        selected = [m for m in app.messages if isinstance(m, VirtualTable.RowSelected)]
        assert selected and selected[-1].row_id == rows[0].id


async def test_space_marks_and_steps_on():
    rows = sample_rows(10)
    app = TableApp(rows)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("space", "space", "j", "space")
        assert table.marked_ids == {rows[0].id, rows[1].id, rows[3].id}
        assert table.marked == [rows[0], rows[1], rows[3]]
        assert line(table, 1).startswith("✓")  # a symbol, not only a colour
        await pilot.press("k", "space")  # unmark row 3
        assert table.marked_ids == {rows[0].id, rows[1].id}


async def test_sort_keeps_the_cursor_on_the_same_row_and_marks_the_header():
    rows = sample_rows(30)
    app = TableApp(rows)
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.press("j", "j", "j", "j", "j")
        target = table.cursor_id
        table.sort_by("findings")
        assert table.cursor_id == target
        assert "FINDINGS▲" in line(table, 0)
        severities = [r.worst_severity for r in table.visible_rows if r.findings_count]
        ranks = ["high", "medium", "low", "info"]
        assert severities == sorted(severities, key=ranks.index)  # worst first
        assert table.visible_rows[-1].findings_count == 0  # rows without findings last
        await pilot.press("S")
        assert "FINDINGS▼" in line(table, 0) and table.cursor_id == target
        shown = [column.key for column, _ in table._columns()]
        await pilot.press("s")  # the next column shown, ascending
        following = shown[(shown.index("findings") + 1) % len(shown)]
        assert (table.model.sort_key, table.model.sort_reverse) == (following, False)


async def test_filter_keeps_the_cursor_when_the_row_stays():
    rows = sample_rows(60)
    app = TableApp(rows)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(VirtualTable)
        managed = [r for r in rows if r.kind.startswith("managed")]
        table.move_cursor(rows.index(managed[3]))
        table.set_filter(query_predicate("kind:managed"), "kind:managed")
        assert table.row_count == len(managed)
        assert table.cursor_id == managed[3].id
        table.set_filter(query_predicate("!kind:managed"))
        assert table.row_count == len(rows) - len(managed)
        assert table.cursor == 0 or table.cursor_id not in {r.id for r in managed}
        table.set_filter(query_predicate("nothing-matches-this"))
        assert table.row_count == 0 and table.cursor_row is None
        assert "Nothing to show" in line(table, 1)
        await pilot.pause()


async def test_state_restores_filter_sort_cursor_scroll_and_marks():
    rows = sample_rows(300)
    app = TableApp(rows)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(VirtualTable)
        table.sort_by("name", True)
        table.set_filter(query_predicate("worker"), "worker")
        table.move_cursor(150)
        await pilot.press("space")
        saved = table.state()
        assert saved.sort_key == "name" and saved.sort_reverse
        assert saved.filter_text == "worker" and saved.scroll_y > 0
        table.set_filter(None)
        table.sort_by(None)
        table.clear_marks()
        table.move_cursor(0)
        table.restore(saved, query_predicate(saved.filter_text))
        await pilot.pause()
        assert table.state() == saved


async def test_set_rows_keeps_cursor_and_marks_by_row_id():
    rows = sample_rows(50)
    app = TableApp(rows)
    async with app.run_test(size=(100, 20)) as pilot:
        table = app.query_one(VirtualTable)
        table.move_cursor(20)
        await pilot.press("space")
        marked = table.marked_ids
        cursor = table.cursor_id
        reordered = list(reversed(rows[5:]))  # five rows gone, new order
        table.set_rows(reordered)
        assert table.cursor_id == cursor and table.marked_ids == marked
        table.set_rows(rows[30:])  # the cursor row is gone
        assert table.cursor_row is not None and not table.marked_ids


async def test_mouse_clicks_move_the_cursor_select_and_sort():
    rows = sample_rows(40)
    app = TableApp(rows)
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one(VirtualTable)
        await pilot.click(VirtualTable, offset=(10, 4))  # the fourth row
        assert table.cursor == 3
        await pilot.click(VirtualTable, offset=(10, 4))  # again: open it
        await pilot.pause()
        assert any(isinstance(m, VirtualTable.RowSelected) and m.row_id == rows[3].id
                   for m in app.messages)
        header = line(table, 0)
        await pilot.click(VirtualTable, offset=(header.index("KIND") + 1, 0))
        assert table.model.sort_key == "kind" and not table.model.sort_reverse
        await pilot.click(VirtualTable, offset=(header.index("KIND") + 1, 0))
        assert table.model.sort_reverse
        await pilot.mouse_down(VirtualTable, offset=(10, 5))
        before = round(table.scroll_y)
        table.scroll_down(animate=False)  # the wheel scrolls the view, not the cursor
        await pilot.pause()
        assert round(table.scroll_y) > before


async def test_hostile_names_are_drawn_literally_and_cropped():
    app = TableApp(hostile_rows())
    async with app.run_test(size=(100, 30)) as pilot:
        table = app.query_one(VirtualTable)
        lines = [line(table, y) for y in range(1, len(HOSTILE_NAMES) + 1)]
        text = "\n".join(lines)
        name_width = dict((c.key, w) for c, w in table._columns())["name"]
        for name, drawn in zip(HOSTILE_NAMES, lines):
            assert drawn[2:].startswith(fit(clean(name), name_width) + " ")
        assert "[b]Bold[/b] payroll" in text
        assert "[link=https://evil." in text
        assert "␛[31mred␛[0m sync" in text
        assert not any(c in text for c in ("\x1b", "\x07", "\u202e", "\u200b"))
        for drawn in lines:
            assert cell_len(drawn) == table.content_width  # one line per row, nothing wraps
        long_line = next(d for d in lines if d.strip().startswith("Looo"))
        assert "…" in long_line
        for segment in table.render_line(1):
            assert segment.style is None or not segment.style.link  # nothing becomes a link
        await pilot.pause()


def test_layout_fits_any_width_and_drops_optional_columns_first():
    columns = identity_columns(NOW)
    for width in (40, 77, 100, 197):
        shown = layout(columns, width)
        used = sum(w for _, w in shown) + len(shown) - 1
        assert used <= width, (width, used)
        assert shown[0][0].key == "name"
    narrow = [c.key for c, _ in layout(columns, 77)]
    wide = [c.key for c, _ in layout(columns, 197)]
    assert "id" not in narrow and "findings" in narrow and "tier" in narrow
    assert set(narrow) < set(wide) and "app_id" in wide


def test_model_filters_fifty_thousand_rows_in_sorted_order():
    rows = [make_row(i) for i in range(50_000)]
    model = TableModel(identity_columns(NOW), identity_id, identity_search)
    model.set_rows(rows)
    model.set_sort("name", True)
    model.set_filter(query_predicate('kind:managed "worker 4"'))
    shown = model.visible_rows()
    assert shown and all(r.kind.startswith("managed") and "worker 4" in r.display_name.lower()
                         for r in shown)
    names = [r.display_name for r in shown]
    assert names == sorted(names, key=str.lower, reverse=True)


def test_mixed_value_types_in_one_column_still_sort():
    column = Column("v", "V", lambda r: r["v"], sort_key=lambda r: r["v"])
    model = TableModel([column], lambda r: r["id"], lambda r: "")
    model.set_rows([{"id": "a", "v": 3}, {"id": "b", "v": "x"}, {"id": "c", "v": None}])
    model.set_sort("v")
    assert model.ids[model.view[-1]] == "c"


def test_table_state_default_is_empty():
    assert TableState() == TableState("", None, False, None, 0, frozenset())


def test_kind_filters_match_what_the_column_shows_too():
    rows = sample_rows(24)
    model = TableModel(identity_columns(NOW), identity_id, identity_search)
    model.set_rows(rows)
    model.set_filter(query_predicate('kind:"managed user"'))
    assert {r.kind for r in model.visible_rows()} == {"managed-identity-user"}
    model.set_filter(query_predicate('kind:"app (no"'))
    assert {r.kind for r in model.visible_rows()} == {"app-without-sp"}
