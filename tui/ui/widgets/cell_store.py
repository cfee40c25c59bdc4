"""The one place that touches private DataTable state: storing a cell without a full repaint."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey, RowKey


def store_cell(table: DataTable[Text], row_key: RowKey, column_key: ColumnKey, value: Text) -> None:
    """Put ``value`` into a cell without ``update_cell``'s repaint of the whole table.

    Why private names: DataTable has no public "set a cell, repaint only it"; its line caches are
    keyed on ``_update_count`` (textual is pinned; tests/ui/test_table_repaint.py checks it holds).
    """
    table._data[row_key][column_key] = value
    table._update_count += 1
