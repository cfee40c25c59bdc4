"""The instance table: one row per instance of every enabled profile, updated in place.

Render only: the screen hands it service ``Row`` values and the current time; the table turns
them into cells, keeps marks, the filter and the cursor, and never calls the service.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.reactive import var
from textual.widgets import DataTable
from textual.widgets.data_table import (
    CellDoesNotExist,
    RowDoesNotExist,
)

from tui.service import Row
from tui.service.view import DEFAULT_SORT, RowFilter, parse_filter, sort_keys
from tui.ui import cells
from tui.ui.bindings import TABLE_KEYS
from tui.ui.widgets.cell_store import append_rows, reorder_rows
from tui.ui.widgets.row_feed import FedTable

Clock = Callable[[], float]

TIMED_COLUMNS = ("status", "autostop", "age")
"""The cells whose text changes with the clock alone: stale markers, countdowns, ages."""
RECENT_MS = 2 * 86_400_000
"""Rows younger than this show an age that changes by the minute or the hour."""
FULL_RECOUNT_S = 300.0
"""How often a tick recounts every row, not only the timed ones (older ages change by the day)."""
TICK_ON_SCREEN_OVER = 500
"""Past this many rows to recount, a tick recounts those on screen; a scroll, the ones it shows."""


class InstanceTable(FedTable, inherit_bindings=False):
    """All instances, one row each, keyed ``profile/instance_id``."""

    # The table's own enter binding is dropped so ``details`` can be remapped by id.
    BINDINGS: ClassVar[list[BindingType]] = [
        *(b for b in DataTable.BINDINGS if isinstance(b, Binding) and b.key != "enter"),
        *TABLE_KEYS,
    ]

    view_version: var[int] = var(0, init=False)
    """Goes up whenever what the table shows changes (rows, marks, filter, scope): the screen's
    status bar watches it."""

    def __init__(self, *, clock: Clock = time.time, id: str | None = None) -> None:
        super().__init__(
            id=id, cursor_type="row", zebra_stripes=False, cursor_foreground_priority="renderable"
        )
        self._clock = clock
        self._rows: dict[str, Row] = {}
        """Every row the service reported, in service order (shown or filtered out)."""
        self._shown: dict[str, dict[str, tuple[str, str]]] = {}
        """What each visible cell shows now: (text, style name), to skip unchanged updates."""
        self._marks: set[str] = set()
        self._stale: set[str] = set()
        self._filter = RowFilter()
        self._sort: tuple[str, bool] = DEFAULT_SORT
        self._scope: str | None = None
        self._multi = False
        self._owners = False
        self._extra: dict[str, bool] = {}  # the optional columns the layout was made for
        self._layout: tuple[cells.ColumnSpec, ...] = ()
        self._timed: dict[str, tuple[tuple[str, ...], int]] = {}
        """Shown keys whose cells change with the clock: those cells, and when they next may."""
        self._behind = False
        self._full_at = float("-inf")
        """When a tick last recounted every shown row."""

    # --- what the screen asks -------------------------------------------------------------------
    @property
    def filter_text(self) -> str:
        """The current filter ("" when none)."""
        return self._filter.source

    @property
    def filter_problems(self) -> tuple[str, ...]:
        """What the current filter's parser did not understand."""
        return self._filter.problems

    @property
    def sorted_by(self) -> tuple[str, bool]:
        """(what the rows are sorted by, reversed)."""
        return self._sort

    @property
    def scope(self) -> str | None:
        """The one profile shown, or None for all."""
        return self._scope

    @property
    def marked(self) -> list[str]:
        """Marked keys that are visible, in table order."""
        if not self._marks:
            return []
        self.feed_flush()
        return [k for k in self._visible_order() if k in self._marks]

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor, or None on an empty table."""
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except CellDoesNotExist:
            return None

    def selected(self) -> list[str]:
        """What an action applies to: the visible marked rows, else the cursor row."""
        marked = self.marked
        if marked:
            return marked
        key = self.cursor_key
        return [key] if key else []

    def row_for(self, key: str) -> Row | None:
        """The last row shown for ``key``."""
        return self._rows.get(key)

    # --- what the screen drives -----------------------------------------------------------------
    def set_rows(self, rows: Iterable[Row], stale_profiles: Iterable[str] = ()) -> None:
        """Take a new snapshot: update changed cells in place, append new rows, drop vanished ones.

        A row equal to the one shown (apart from ``fetched_at``) is skipped, unless its profile is
        stale or just became stale or recovered: then its stale marker may change.
        """
        old_rows, old_stale = self._rows, self._stale
        self._rows = {r.key: r for r in rows}
        self._stale = set(stale_profiles)
        self._marks &= self._rows.keys()
        recount = old_stale | self._stale
        for key in [k for k in self._shown if k not in self._rows]:
            self._remove(key)
        self.feed_keep(lambda k: k in self._rows and self._visible(self._rows[k]))
        moved, waiting = False, self.feed_waiting()  # appended when fed, from ``_rows`` as it is then
        new: list[Row] = []
        for row in self._rows.values():
            if row.profile not in recount and row.same_as(old_rows.get(row.key)):
                continue  # shown or hidden as before, every cell as before
            if not self._visible(row):
                if row.key in self._shown:
                    self._remove(row.key)
            elif row.key in self._shown:
                self._update(row)
                moved = True
            elif row.key not in waiting:
                new.append(row)
            elif not row.same_as(old := old_rows[row.key]):  # to be fed where it was: right if sorted so
                moved = moved or self._sort[0] != "name" or row.display_name != old.display_name
        if len(new) > self.feed_over and len(new) > len(self._shown):
            self._rebuild()  # first pages, then the whole lists: all fed again, in order (at most 2x work)
            moved = False
        elif new:  # in sorted order: into an empty table the order is then already right
            self.feed_flush()
            moved = moved or bool(self._shown)
            self._append([self._rows[k] for k in self._sorted(new)])
        if not self._relayout() and moved:  # a tag, an owner or a step may change the columns
            self._resort()
        self.view_version += 1

    def update_row(self, row: Row) -> None:
        """Show a single changed row (an action went out or came back)."""
        before, self._rows[row.key] = self._rows.get(row.key), row
        need = cells.extra_after(self._extra, before, row)  # None: ask every row
        relaid = (need is None or need != self._extra) and self._relayout(extra=need)
        if not relaid and row.key in self._shown:
            self._update(row)
            if self._sort[0] != "name":
                self._resort()  # a new status may move it
        elif not relaid and self._sort[0] != "name" and row.key in self.feed_waiting():
            self._resort()  # the same, for a row still waiting to be appended
        self.view_version += 1

    def tick(self, *, full: bool = False) -> None:
        """Recount countdowns, ages and stale markers; touches only cells whose text changed.

        Only rows whose text changes with the clock are recounted, each when a minute of its own
        has passed, and every row once in ``FULL_RECOUNT_S`` (or when ``full``), for ages in days.
        """
        now = self._clock()
        due: Collection[str] = self._timed
        if full or now - self._full_at >= FULL_RECOUNT_S:
            self._full_at, due = now, self._shown
        if len(due) > TICK_ON_SCREEN_OVER:  # 20,000 countdowns a second blocked the loop 0.5 s
            self._behind = True
            keys = [key for key in self.keys_on_screen() if key in due]
        else:
            keys = list(due)  # a copy: an update may change what is timed
        if due is not self._timed:
            for key in keys:
                self._update(self._rows[key], only=TIMED_COLUMNS)
            return
        now_ms, timed = int(now * 1000), self._timed  # a row once a minute of its own has passed
        for key in [key for key in keys if now_ms >= timed[key][1]]:
            self._update(self._rows[key], only=timed[key][0])  # what moves (cells.clock_cells)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._behind:  # rows a tick left for later come into sight: count them now
            for key in self.keys_on_screen():
                if key in self._shown:
                    self._update(self._rows[key], only=TIMED_COLUMNS)

    def toggle_mark(self, key: str) -> bool:
        """Mark or unmark ``key``; True when it is now marked."""
        if key in self._marks:
            self._marks.discard(key)
        else:
            self._marks.add(key)
        if key in self._shown:
            self._update(self._rows[key], only=("mark",))
        self.view_version += 1
        return key in self._marks

    def mark_all(self) -> int:
        """Mark every visible row; returns how many are marked now."""
        self.feed_flush()
        for key in self._visible_order():
            if key not in self._marks:
                self._marks.add(key)
                self._update(self._rows[key], only=("mark",))
        self.view_version += 1
        return len(self.marked)

    def clear_marks(self) -> int:
        """Unmark every row; returns how many were marked."""
        count = len(self._marks)
        keys, self._marks = self._marks, set()
        for key in keys:
            if key in self._shown:
                self._update(self._rows[key], only=("mark",))
        self.view_version += 1
        return count

    def set_filter(self, text: str) -> None:
        """Show only rows matching filter ``text`` (``tui.service.view``); the cursor stays on its
        row when it still shows."""
        if text.strip() != self._filter.source:
            self._filter = parse_filter(text)
            self._rebuild()
            self.view_version += 1

    def move_to(self, key: str | None) -> bool:
        """Put the cursor on ``key`` when it is shown; True when it moved there."""
        if key is not None and key not in self._shown and key in self.feed_waiting():
            self.feed_flush()  # waiting to be appended (a row filtered out is not)
        if key is None or key not in self._shown:
            return False
        self.move_cursor(row=self.get_row_index(key), animate=False)
        return True

    def set_scope(self, profile: str | None) -> None:
        """Show one profile's rows, or all (None)."""
        if profile != self._scope:
            self._scope = profile
            self._rebuild()
            self.view_version += 1

    def set_multi_profile(self, multi: bool, *, owners: bool = False) -> None:
        """Show the profile column (several profiles) and the owner column (scope "all") or not."""
        if (multi, owners) != (self._multi, self._owners):
            self._multi, self._owners = multi, owners
            self._relayout(force=True)

    # --- events ---------------------------------------------------------------------------------
    def on_resize(self) -> None:
        self._relayout()
        self.watch_scroll_y(self.scroll_y, self.scroll_y)  # a taller table shows rows a tick left

    def on_mount(self) -> None:
        self._relayout(force=True)

    # --- internals ------------------------------------------------------------------------------
    def set_sort(self, by: str, reverse: bool) -> None:
        """Order the rows by ``by`` (``tui.service.view.SORTS``); the cursor stays on its row."""
        if (by, reverse) != self._sort:
            self._sort = (by, reverse)
            self._relayout(force=True)  # the header marks the sorted column
            self.view_version += 1

    def _visible(self, row: Row) -> bool:
        if self._scope is not None and row.profile != self._scope:
            return False
        return self._filter.matches(row)

    def _sorted_visible(self) -> list[str]:
        return self._sorted([r for r in self._rows.values() if self._visible(r)])

    def _sorted(self, rows: list[Row]) -> list[str]:
        by, reverse = self._sort
        return sort_keys(rows, by, reverse=reverse, now_ms=int(self._clock() * 1000))

    def _resort(self) -> None:
        """Rows added or changed may be out of order: reorder them (the cursor stays on its row)."""
        self.feed_flush()
        order = self._sorted_visible()
        if self._visible_order() == order:
            return
        if self._shown.keys() != set(order):
            self._rebuild()
            return
        cursor = self.cursor_key
        reorder_rows(self, order)
        self.move_to(cursor)

    def _visible_order(self) -> list[str]:
        return [r.key.value for r in self.ordered_rows if r.key.value is not None]

    def _relayout(self, force: bool = False, extra: dict[str, bool] | None = None) -> bool:
        """Lay the columns out for the width and what the rows need; True when they changed."""
        width = self.size.width or self.app.size.width
        self._extra = extra = cells.optional_columns(self._rows.values()) if extra is None else extra
        sort = cells.SORT_COLUMN[self._sort[0]]
        layout = cells.columns_for(width, profiles=self._multi, sorted_by=sort, owner=self._owners, **extra)
        if layout == self._layout and not force:
            return False
        self._layout = layout
        cursor = self.cursor_key
        self.clear(columns=True)
        self._feed_stop()
        self._shown.clear()
        self._timed.clear()
        for spec in layout:
            self.add_column(
                Text(cells.column_label(spec, *self._sort), style="bold"), width=spec.width, key=spec.key
            )
        self._fill(cursor)
        return True

    def _rebuild(self) -> None:
        cursor = self.cursor_key
        self.clear()
        self._feed_stop()
        self._shown.clear()
        self._timed.clear()
        self._fill(cursor)

    def _fill(self, cursor: str | None) -> None:
        self._append(self._feed_start([self._rows[key] for key in self._sorted_visible()]))
        self.move_to(cursor)

    def _append(self, rows: list[Row]) -> None:
        """Add ``rows`` at the bottom, in one go (``append_rows``)."""
        added: list[tuple[str, list[Text]]] = []
        for row in rows:
            values = self._cells(row)
            self._shown[row.key] = values
            self._note_timed(row)
            added.append((row.key, [self._styled(*values[c.key]) for c in self._layout]))
        append_rows(self, added)

    def _append_keys(self, keys: Sequence[str]) -> None:
        rows = (self._rows.get(k) for k in keys if k not in self._shown)
        self._append([r for r in rows if r is not None and self._visible(r)])

    def _remove(self, key: str) -> None:
        self._shown.pop(key, None)
        self._timed.pop(key, None)
        with contextlib.suppress(RowDoesNotExist):
            self.remove_row(key)

    def _update(self, row: Row, only: Sequence[str] | None = None) -> None:
        shown = self._shown[row.key]
        values = self._cells(row, only)
        for column, value in values.items():
            if shown.get(column) != value:
                shown[column] = value
                self._put_cell(row.key, column, self._styled(*value))
        self._note_timed(row)

    def _note_timed(self, row: Row) -> None:
        """Keep ``_timed`` right for a shown row: which of its cells change with the clock?"""
        now_ms, stale = int(self._clock() * 1000), row.profile in self._stale
        timed = cells.clock_cells(row, stale=stale, now_ms=now_ms, recent_ms=RECENT_MS)
        if timed[0]:
            self._timed[row.key] = timed
        else:
            self._timed.pop(row.key, None)

    def _cells(self, row: Row, only: Sequence[str] | None = None) -> dict[str, tuple[str, str]]:
        marked, stale = row.key in self._marks, row.profile in self._stale
        return cells.row_cells(row, self._layout, marked=marked, stale=stale, now=self._clock(), only=only)

    def rows_by_key(self) -> Mapping[str, Row]:
        """Every row the table knows, shown or not."""
        return self._rows
