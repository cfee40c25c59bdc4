"""The one place that touches private DataTable state: storing cells and rows without full repaints."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual._two_way_dict import TwoWayDict
from textual.cache import LRUCache
from textual.coordinate import Coordinate
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable
from textual.widgets._data_table import Row
from textual.widgets.data_table import ColumnKey, DuplicateKey, RowKey


def store_cell(table: DataTable[Text], row_key: RowKey, column_key: ColumnKey, value: Text) -> None:
    """Put ``value`` into a cell without ``update_cell``'s repaint of the whole table.

    Why private names: DataTable has no public "set a cell, repaint only it"; its line caches are
    keyed on ``_update_count`` (textual is pinned; tests/ui/test_table_repaint.py checks it holds).
    """
    table._data[row_key][column_key] = value
    table._update_count += 1


def append_rows(table: DataTable[Text], rows: Sequence[tuple[str, Sequence[Text]]]) -> None:
    """``add_row`` for many one-line rows at once: the same state, one cursor update for all.

    Why private names: ``add_row`` re-assigns the cursor reactive (and runs its watcher) per row,
    which was a quarter of the first paint of 20,000 rows (bench/run.py). Same fields as
    ``DataTable.add_row`` of the pinned textual; tests/ui/test_table_repaint.py checks they agree.
    """
    if not rows:
        return
    was_empty = table.row_count == 0
    keys = [column.key for column in table.ordered_columns]
    for key, cells in rows:
        row_key = RowKey(key)
        if row_key in table._row_locations:
            raise DuplicateKey(f"The row key {row_key!r} already exists.")
        table._row_locations[row_key] = table.row_count
        table._data[row_key] = dict(zip(keys, cells, strict=False))
        table.rows[row_key] = Row(row_key, 1, None, False)
        table._new_rows.add(row_key)
    table._require_update_dimensions = True
    table.cursor_coordinate = table.cursor_coordinate
    if was_empty and table.columns and table.show_cursor and table.cursor_type != "none":
        table._highlight_cursor()
    table._update_count += 1
    table.check_idle()


def reorder_rows(table: DataTable[Text], keys: Sequence[str]) -> None:
    """Show the rows in the order of ``keys`` (every row's key, once): what ``DataTable.sort`` sets.

    Why private names: ``sort`` orders by cell values, and rows sorted by time left or by our own
    tie-breaks have no such key; rebuilding the table instead re-made every row (O(rows) per
    refresh of a profile that sorts into the middle: 1,000 profiles arriving one by one).
    """
    table._row_locations = TwoWayDict({RowKey(key): index for index, key in enumerate(keys)})
    table._update_count += 1
    table.refresh()


def fixed_dimensions(table: DataTable[Text]) -> bool:
    """Set the virtual size without measuring cells when no column sizes itself; False otherwise.

    ``DataTable._update_dimensions`` measures every cell of every new row for auto-width columns
    even when every column has a fixed width, where the measure changes nothing (160,000 measures
    for 20,000 rows). Rows must be one line high (as ``append_rows`` makes them).
    """
    if any(column.auto_width for column in table.columns.values()) or table._labelled_row_exists:
        return False
    width = sum(column.get_render_width(table) for column in table.columns.values())
    header = table.header_height if table.show_header else 0
    size = Size(width + table._row_label_column_width, table._total_row_height + header)
    if not _same_scrollbars(table, size):
        table.virtual_size = size  # a layout of the whole screen
    elif size != table.virtual_size:
        table.set_reactive(Widget.virtual_size, size)
        table._scroll_update(size)  # the scrollbar's thumb, the scroll offset kept in range
        table.refresh()
    return True


def _same_scrollbars(table: DataTable[Text], size: Size) -> bool:
    """True when a table of fixed height scrolls before and after its virtual size becomes ``size``.

    Then rows added or removed change nothing but the table and its scrollbar's thumb, and the
    full-screen layout that setting ``virtual_size`` asks for (13 ms at 120x40) is not needed.
    """
    height, old = table.styles.height, table.virtual_size
    seen = table.container_size.height
    fixed = height is not None and not height.is_auto and bool(seen)
    return fixed and size.width == old.width and size.height > seen and old.height > seen


class FixedWidthTable(DataTable[Text]):
    """A DataTable whose columns all have fixed widths: new rows are not measured (``fixed_dimensions``),
    a cell is rendered again only when it changed (``_render_cell``) and a line only when its row did
    (``_render_line``)."""

    CELL_CACHE = 10_000
    LINE_CACHE = 1_000

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cell_lines: LRUCache[tuple[Any, ...], tuple[object, list[list[Segment]]]] = LRUCache(
            self.CELL_CACHE
        )
        self._row_lines: LRUCache[tuple[Any, ...], tuple[tuple[object, ...], Strip]] = LRUCache(
            self.LINE_CACHE
        )
        self._columns_at: tuple[int, tuple[Any, ...]] = (-1, ())

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        # Why private: DataTable keys its lines on _update_count (one changed cell rebuilds every line
        # in sight); here on the row's own cells (held, so their ids stay theirs), place and cursor.
        try:
            row_key, line_no = self._get_offsets(y)
        except LookupError:
            return super()._render_line(y, x1, x2, base_style)
        cells = self._data.get(row_key)
        if row_key is self._header_row_key or cells is None:
            return super()._render_line(y, x1, x2, base_style)
        index = self._row_locations.get(row_key)
        cursor, hover = (
            self._on_row(self.cursor_coordinate, index),
            self._on_row(self.hover_coordinate, index),
        )
        values = tuple(cells.values())
        key: tuple[Any, ...] = (index, line_no, tuple(map(id, values)), x1, x2, self.size.width)
        key += (cursor, hover, base_style)
        key += (self._columns_key(), self._show_hover_cursor, self._pseudo_class_state, self.show_cursor)
        hit = self._row_lines.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], values, strict=True)):
            return hit[1]
        strip = super()._render_line(y, x1, x2, base_style)
        self._row_lines.set(key, (values, strip))
        return strip

    def _on_row(self, at: Coordinate, index: int | None) -> object:
        """What of a cursor (or the mouse) at ``at`` shows on the row at ``index``."""
        kind = self.cursor_type
        if kind == "row":
            return at.row == index
        if kind == "cell":
            return at.column if at.row == index else None
        return at.column if kind == "column" else None

    def _columns_key(self) -> tuple[Any, ...]:
        """What every line's look depends on besides its row: the columns, their widths, the cursor type."""
        at, key = self._columns_at
        if at != self._update_count:
            widths = tuple((c.key, c.get_render_width(self)) for c in self.ordered_columns)
            key = (widths, self.fixed_columns, self._row_label_column_width, self.cursor_type)
            key += (self._labelled_row_exists, self.show_row_labels, self.zebra_stripes)
            self._columns_at = (self._update_count, key)
        return key

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> list[list[Segment]]:
        # Why private: DataTable keys its cell cache on _update_count, so one changed cell or one new
        # row renders every visible cell again (~0.3 ms each: 100+ ms a frame at 120x40 while 1,000
        # profiles come in). Here a cell is keyed on its place and its own value (the Text object,
        # held by the entry so its id stays its own): unchanged cells keep their lines.
        if row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cell = self._get_row_renderables(row_index).cells[column_index]
        key: tuple[Any, ...] = (row_index, column_index, id(cell), base_style, width, cursor, hover)
        key += (self._show_hover_cursor, self._pseudo_class_state, self.show_cursor)
        hit = self._cell_lines.get(key)
        if hit is not None and hit[0] is cell:
            return hit[1]
        lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        self._cell_lines.set(key, (cell, lines))
        return lines

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cell_lines.clear()
        self._row_lines.clear()

    def _clear_caches(self) -> None:
        super()._clear_caches()
        self._cell_lines.clear()
        self._row_lines.clear()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        if not fixed_dimensions(self):
            super()._update_dimensions(new_rows)
