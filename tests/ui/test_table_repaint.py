"""The one private DataTable hook (``store_cell``): a stored cell shows once its line repaints."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey

from tui.ui.widgets.cell_store import store_cell


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
