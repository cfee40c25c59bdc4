"""The private DataTable hooks (``store_cell``, ``append_rows``): what they store shows as the public calls show it."""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, DuplicateKey, RowKey

from tui.ui.widgets.cell_store import FixedWidthTable, append_rows, reorder_rows, store_cell


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable[Text]()


async def test_a_stored_cell_is_what_its_line_renders_next() -> None:
    app = OneTable()
    async with app.run_test(size=(40, 6)) as pilot:
        table: DataTable[Text] = app.query_one(DataTable)
        table.add_column("A", key="a", width=10)
        table.add_row(Text("before"), key="r")
        await pilot.pause()
        assert "before" in table.render_line(1).text
        store_cell(table, RowKey("r"), ColumnKey("a"), Text("after"))
        table.refresh()
        await pilot.pause()
        assert table.get_cell("r", "a").plain == "after"
        line = table.render_line(1).text
        assert "after" in line and "before" not in line  # the line caches were let go


class TwoTables(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable[Text](id="by-add-row")
        yield FixedWidthTable(id="by-append")


async def test_rows_appended_at_once_unmeasured_show_as_add_row_shows_them() -> None:
    app = TwoTables()
    rows = [(f"r{i}", [Text(f"name-{i}"), Text("RUNNING" if i % 2 else "STOPPED")]) for i in range(30)]
    async with app.run_test(size=(40, 24)) as pilot:
        slow, fast = (app.query_one(f"#{name}", DataTable) for name in ("by-add-row", "by-append"))
        for table in (slow, fast):
            table.styles.height = 10
            table.add_column("Name", key="name", width=10)
            table.add_column("Status", key="status", width=8)
        for key, cells in rows:
            slow.add_row(*cells, key=key)
        append_rows(fast, rows)
        await pilot.pause()
        assert fast.row_count == slow.row_count == 30
        assert fast.virtual_size == slow.virtual_size
        assert [fast.render_line(y).text for y in range(10)] == [slow.render_line(y).text for y in range(10)]
        assert fast.cursor_row == 0 and fast.get_row_at(29) == rows[29][1]
        fast.move_cursor(row=25)
        slow.move_cursor(row=25)
        await pilot.pause()
        assert [fast.render_line(y).text for y in range(10)] == [slow.render_line(y).text for y in range(10)]
        assert "name-25" in "".join(fast.render_line(y).text for y in range(10))
        with pytest.raises(DuplicateKey):
            append_rows(fast, rows[:1])


async def test_rows_reordered_show_as_sort_shows_them() -> None:
    app = TwoTables()
    async with app.run_test(size=(40, 12)) as pilot:
        sorted_table: DataTable[Text] = app.query_one("#by-add-row", DataTable)
        reordered: DataTable[Text] = app.query_one("#by-append", DataTable)
        for table in (sorted_table, reordered):
            table.add_column("A", key="a", width=10)
            for name in ("b-row", "c-row", "a-row"):
                table.add_row(Text(name), key=name)
        await pilot.pause()
        sorted_table.sort("a", key=lambda cell: cell.plain)
        reorder_rows(reordered, ["a-row", "b-row", "c-row"])
        await pilot.pause()
        assert [r.key.value for r in reordered.ordered_rows] == ["a-row", "b-row", "c-row"]
        assert [r.key.value for r in reordered.ordered_rows] == [
            r.key.value for r in sorted_table.ordered_rows
        ]
        assert [reordered.render_line(y).text for y in range(1, 4)] == [
            sorted_table.render_line(y).text for y in range(1, 4)
        ]
        assert reordered.get_row_index("c-row") == 2


class FixedTable(App[None]):
    def compose(self) -> ComposeResult:
        yield FixedWidthTable()


async def test_a_fixed_width_table_renders_a_changed_cell_again_and_keeps_the_others() -> None:
    app = FixedTable()
    async with app.run_test(size=(40, 6)) as pilot:
        table = app.query_one(FixedWidthTable)
        table.add_column("A", key="a", width=10)
        table.add_column("B", key="b", width=10)
        table.add_row(Text("kept"), Text("before"), key="r")
        await pilot.pause()
        first = table.render_line(1).text
        assert "kept" in first and "before" in first
        store_cell(table, RowKey("r"), ColumnKey("b"), Text("after"))
        table.refresh()
        await pilot.pause()
        line = table.render_line(1).text
        assert "kept" in line and "after" in line and "before" not in line
        assert line == first.replace("before", "after ")


async def test_a_fixed_width_table_keeps_the_lines_of_unchanged_rows_and_redraws_the_rest() -> None:
    app = FixedTable()
    async with app.run_test(size=(40, 8)) as pilot:
        table = app.query_one(FixedWidthTable)
        table.add_column("A", key="a", width=10)
        for name in ("r0", "r1", "r2"):
            table.add_row(Text(name), key=name)
        await pilot.pause()
        before = [table.render_line(y) for y in range(1, 4)]
        store_cell(table, RowKey("r1"), ColumnKey("a"), Text("changed"))
        table.refresh()
        await pilot.pause()
        after = [table.render_line(y) for y in range(1, 4)]
        assert after[0] is before[0] and after[2] is before[2]  # kept, not built again
        assert "changed" in after[1].text and "r1" not in after[1].text
        table.move_cursor(row=2)
        await pilot.pause()
        moved = [table.render_line(y) for y in range(1, 4)]
        assert moved[1] is after[1]  # neither the cursor's old row nor its new one
        assert moved[0] is not after[0] and moved[2] is not after[2]
        assert moved[0].text == after[0].text and moved[0] != after[0]  # the highlight left row 0
        reorder_rows(table, ["r2", "r1", "r0"])
        await pilot.pause()
        assert [table.render_line(y).text.split()[0] for y in range(1, 4)] == ["r2", "changed", "r0"]


async def test_rows_added_to_a_table_that_scrolls_already_lay_out_nothing_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = FixedTable()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(FixedWidthTable)
        table.styles.height = 6
        table.add_column("A", key="a", width=10)
        append_rows(table, [(f"r{i}", [Text(f"r{i}")]) for i in range(2)])
        await pilot.pause()
        assert not table.show_vertical_scrollbar
        layouts: list[int] = []
        screen = type(app.screen)
        original = screen._refresh_layout

        def counted(self: Screen[object], *args: object, **kwargs: object) -> None:
            layouts.append(1)
            original(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(screen, "_refresh_layout", counted)
        append_rows(table, [(f"s{i}", [Text(f"s{i}")]) for i in range(8)])
        await pilot.pause()
        assert table.show_vertical_scrollbar and layouts  # a scrollbar came: laid out
        await pilot.pause(0.2)  # the new scrollbar's styles are applied a moment later (a layout)
        layouts.clear()
        append_rows(table, [(f"t{i}", [Text(f"t{i}")]) for i in range(5)])
        await pilot.pause()
        assert not layouts  # only the table and its scrollbar's thumb changed
        assert table.virtual_size.height == 16 and table.vertical_scrollbar.window_virtual_size == 16
        table.move_cursor(row=14)
        await pilot.pause()
        assert "t4" in "".join(table.render_line(y).text for y in range(6))
