"""A big load into an empty table over several frames: a screenful first, then a chunk a frame.

Building a row's cells costs ~40 µs; 5,000 rows held the first paint back ~0.2 s, 20,000 ~0.8 s,
and the loop (keys too) for as long. Here the first ``FIRST_ROWS`` are appended at once and the
rest ``FEED_ROWS`` after each refresh, so no frame waits on more than a chunk.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import ClassVar

from tui.service import Row
from tui.ui.widgets.cell_paint import CellPainter

FEED_OVER = 1_000
"""Loads up to this many rows go in at once, as before (small accounts see no difference)."""
FIRST_ROWS = 200
"""Appended at once: a screenful on any terminal, and some to scroll into."""
FEED_ROWS = 400
"""Appended after each refresh (~15 ms of cells)."""


class FedTable(CellPainter):
    """A CellPainter whose loads of more than ``feed_over`` rows into an empty table come in over
    several frames; anything that reads or reorders every row calls ``feed_flush`` first.

    Only a fill of the empty table starts a feed (``_feed_start``); rows appended meanwhile,
    fed or flushed, go in directly, even when every row shown before has gone."""

    feed_over: ClassVar[int] = FEED_OVER
    feed_first: ClassVar[int] = FIRST_ROWS
    feed_chunk: ClassVar[int] = FEED_ROWS

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._feed_keys: list[str] = []
        self._feed_next = 0
        self._feed_run = 0
        """Goes up when a feed starts or stops: a callback of an earlier one does nothing."""

    @property
    def feed_left(self) -> int:
        """Rows still waiting to be appended."""
        return len(self._feed_keys) - self._feed_next

    @property
    def visible_count(self) -> int:
        """How many rows the table shows, appended or still waiting."""
        return self.row_count + self.feed_left

    def feed_waiting(self) -> Collection[str]:
        """The keys of the rows still waiting."""
        return set(self._feed_keys[self._feed_next :]) if self.feed_left else ()

    def feed_flush(self) -> None:
        """Append every row still waiting, now."""
        if self.feed_left:
            keys = self._feed_keys[self._feed_next :]
            self._feed_stop()
            self._append_keys(keys)

    def feed_keep(self, keep: Callable[[str], bool]) -> None:
        """Forget the waiting rows ``keep`` refuses (gone, or no longer shown): they are not counted."""
        if self.feed_left:
            self._feed_keys, self._feed_next = [k for k in self._feed_keys[self._feed_next :] if keep(k)], 0

    def _feed_start(self, rows: list[Row]) -> list[Row]:
        """Of ``rows`` (in table order, into an empty table) those to append now; the others follow."""
        self._feed_stop()
        if len(rows) <= self.feed_over:
            return rows
        self._feed_keys, self._feed_next = [r.key for r in rows], min(self.feed_first, len(rows))
        self.call_after_refresh(self._feed, self._feed_run)
        return rows[: self.feed_first]

    def _feed_stop(self) -> None:
        """Forget the rows waiting (the table is cleared, or they were all appended)."""
        self._feed_keys, self._feed_next = [], 0
        self._feed_run += 1

    def _feed(self, run: int) -> None:
        if run != self._feed_run or not self.feed_left:
            return
        start = self._feed_next
        self._feed_next = min(start + self.feed_chunk, len(self._feed_keys))
        self._append_keys(self._feed_keys[start : self._feed_next])
        if self.feed_left:
            self.call_after_refresh(self._feed, run)
        else:
            self._feed_stop()

    def _append_keys(self, keys: Sequence[str]) -> None:
        """Append, directly, the rows of ``keys`` still there and shown (the subclass knows its rows)."""
        raise NotImplementedError
