"""The flash line: one line above the footer for what just happened (k9s's flash area).

It covers nothing: it is a line of the layout, empty when there is nothing to say. A message has
a level (``info``, ``warn``, ``error``: its colour and its mark) and goes away after a few
seconds, counted on the screen's clock, so tests advance a ManualClock instead of waiting.
The log panel keeps the full record; the flash is the one line a user reads now.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal, Self

from rich.cells import cell_len
from rich.text import Text
from textual.geometry import Region
from textual.widgets import Static

Level = Literal["info", "warn", "error"]
LEVELS: tuple[Level, ...] = ("info", "warn", "error")
SECONDS: dict[Level, float] = {"info": 4.0, "warn": 6.0, "error": 8.0}
"""How long a message stays, by level."""
MARKS: dict[Level, str] = {"info": "·", "warn": "!", "error": "✗"}
"""The mark in front of a message, so the level reads without colour."""


def one_line(text: str) -> str:
    """``text`` on one line: line breaks become `` · ``, runs of spaces one space."""
    parts = [" ".join(p.split()) for p in text.splitlines()]
    return " · ".join(p for p in parts if p)


class FlashLine(Static):
    """Shows the last message until it expires; ``flash(text, level)`` is the one way in.

    One line high always, so a new message repaints the line alone (no layout of the screen),
    and only as far as the old or the new message reaches: the rest stays blank (a slow link).
    """

    DEFAULT_CSS = "FlashLine { height: 1; }"
    _reach = 0
    """While a message is put in or taken away: the cells it changes, from the left."""

    def __init__(self, *, clock: Callable[[], float] = time.time, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._clock = clock
        self._text = ""
        self._level: Level = "info"
        self._until = 0.0

    @property
    def text(self) -> str:
        """What the line says now ("" when empty), without its mark."""
        return self._text

    @property
    def level(self) -> Level | None:
        """The level of the message shown, or None when the line is empty."""
        return self._level if self._text else None

    def flash(self, text: str, level: Level = "info", *, seconds: float | None = None) -> None:
        """Show ``text`` (one line) at ``level`` for ``seconds`` (default: by level)."""
        if level not in LEVELS:
            level = "info"
        old = self._cells()
        self._text = one_line(text)
        self._level = level
        self._reach = max(old, self._cells())
        duration = SECONDS[level] if seconds is None else seconds
        self._until = self._clock() + duration
        for name in LEVELS:
            self.set_class(name == level, f"-{name}")
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        line.append(f"{MARKS[level]} ", style="bold")
        line.append(self._text)
        self.update(line, layout=False)  # the height is fixed at one line
        self._reach = 0
        if self.is_mounted:
            self.set_timer(duration + 0.05, self.expire, name="flash-expire")

    def expire(self) -> None:
        """Clear the line once its message is due (called by the timer and by the screen's tick)."""
        if self._text and self._clock() >= self._until:
            self.clear()

    def clear(self) -> None:
        """Empty the line now."""
        if not self._text:
            return
        self._reach = self._cells()
        self._text = ""
        for name in LEVELS:
            self.remove_class(f"-{name}")
        self.update("", layout=False)
        self._reach = 0

    def _cells(self) -> int:
        return cell_len(self._text) + 2 if self._text else 0

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        if self._reach and not (regions or layout or recompose):  # a message in or out: its cells
            regions = (Region(0, 0, self._reach, 1),)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)
