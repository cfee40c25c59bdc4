"""Painting one cell of the instance table: its style by name, and a repaint of that cell alone."""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.style import Style
from rich.text import Text
from textual.coordinate import Coordinate
from textual.geometry import Region
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnDoesNotExist, ColumnKey, RowDoesNotExist, RowKey

from tui.ui.widgets.cell_store import FixedWidthTable, store_cell

NO_STYLE = Style()
"""One empty style for every plain cell (``Style()`` costs 30 µs; a 20,000-row table has 140,000)."""


class CellPainter(FixedWidthTable):
    """The base of ``InstanceTable``: cells put in place and styled by the table's component classes."""

    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        "instance-table--running",
        "instance-table--stopped",
        "instance-table--moving",
        "instance-table--failed",
        "instance-table--gone",
        "instance-table--unknown",
        "instance-table--warning",
        "instance-table--mark",
        "instance-table--stale",
    }

    def on_mount(self) -> None:
        self.watch(self.app, "theme", self._theme_changed)

    def keys_on_screen(self) -> list[str]:
        """The keys of the rows in sight now (one line each), top to bottom."""
        header = self.header_height if self.show_header else 0
        top = int(self.scroll_offset.y)
        end = min(self.row_count, top + max(0, self.size.height - header) + 1)
        return [self.coordinate_to_cell_key(Coordinate(i, 0))[0].value or "" for i in range(top, end)]

    def _theme_changed(self) -> None:
        """On the terminal's own 16 colours the cursor row takes the cursor's colours in every cell:
        a state's colour on the cursor's background (``○ STOPPED`` in the default colour on light
        grey) could vanish; the marks ``● ○ ◐ ✗`` still say the state. Elsewhere cells keep theirs."""
        ansi = self.app.current_theme.name.startswith("ansi-")
        priority: Literal["renderable", "css"] = "css" if ansi else "renderable"
        if priority != self.cursor_foreground_priority:
            self.cursor_foreground_priority = priority
            self._clear_caches()
            self.refresh()

    def _put_cell(self, key: str, column: str, value: Text) -> None:
        """``update_cell`` without its full refresh: repaint the one cell, and only when on screen.

        ``DataTable.update_cell`` repaints every visible row for one changed cell, and
        ``refresh_coordinate`` is O(row index). Every row here is one line high, so the cell's
        place follows from the row's index. The one private hook is ``store_cell``.
        """
        row_key, col_key = RowKey(key), ColumnKey(column)
        try:
            index, col_index = self.get_row_index(row_key), self.get_column_index(col_key)
        except (RowDoesNotExist, ColumnDoesNotExist):
            return
        store_cell(self, row_key, col_key, value)
        header = self.header_height if self.show_header else 0
        top = self.scroll_offset.y
        if not top <= index < top + self.size.height - header:
            return  # scrolled out of sight: painted from _data when it scrolls in
        x = sum(c.get_render_width(self) for c in self.ordered_columns[:col_index])
        width = self.columns[col_key].get_render_width(self)
        self.refresh(Region(x - self.scroll_offset.x, index - top + header, width, 1))

    def _styled(self, text: str, style_name: str) -> Text:
        style = self._style(style_name) if style_name else NO_STYLE
        return Text(text, style=style, no_wrap=True, overflow="ellipsis", end="")

    def _style(self, name: str) -> Style:
        try:
            return self.get_component_rich_style(f"instance-table--{name}", partial=True)
        except KeyError:
            return NO_STYLE
