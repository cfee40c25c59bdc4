"""The API log panel: one line per call, failures in red with a ``✗`` and what the code means."""

from __future__ import annotations

import re
import textwrap
import time
from collections.abc import Callable
from typing import ClassVar, Self

from rich.console import RenderableType
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.widgets import RichLog

from tui.core.callfmt import explain_call
from tui.core.models import ApiCall

MAX_LINES = 1000
_PROJECT_SEGMENT = re.compile(r"/[0-9a-f]{32}(?=/|$)")
_UUID_TAIL = re.compile(r"([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def short_path(path: str) -> str:
    """The path with the project id as ``…`` and instance UUIDs cut to 8 characters: it fits 80 columns."""
    path = _PROJECT_SEGMENT.sub("/…", path.split("?", 1)[0])
    return _UUID_TAIL.sub(r"\1…", path)


class LogPanel(RichLog):
    """A bounded log of API calls and app notes (the last ``MAX_LINES`` lines).

    ``stable_log`` hides what differs on every run (request ids, latencies), for snapshots.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "log-panel--error",
        "log-panel--hint",
        "log-panel--dim",
    }

    def __init__(
        self, *, clock: Callable[[], float] = time.time, stable_log: bool = False, id: str | None = None
    ) -> None:
        super().__init__(max_lines=MAX_LINES, wrap=False, markup=False, highlight=False, id=id)
        self.can_focus = False
        self._clock = clock
        self._stable_log = stable_log
        self._appending = False
        """Inside ``write``: its layout refresh is let through only when the scrollbar comes or goes."""
        self._layout_skipped = False

    def write(
        self,
        content: RenderableType | object,
        width: int | None = None,
        expand: bool = False,
        shrink: bool = True,
        scroll_end: bool | None = None,
        animate: bool = False,
    ) -> Self:
        """``RichLog.write``, repainting only the new line while the panel's scrollbar stays as it is.

        ``RichLog`` sets ``virtual_size`` (a layout reactive) for every line: the whole panel, its
        border too, painted again and the screen laid out again (the table's scrollbar sent too:
        3.7 KB to an idle terminal for one auto-stop note, where the line itself is 230 bytes).
        A line that scrolls the panel still repaints it all (every line moved).
        """
        before = len(self.lines)
        self._appending, self._layout_skipped = True, False
        try:
            super().write(content, width, expand, shrink, scroll_end, animate)
        finally:
            self._appending = False
        if self._layout_skipped:
            top, width_now = int(self.scroll_offset.y), self.scrollable_content_region.width
            for index in range(before, len(self.lines)):  # a blank row until now: its text alone
                self.refresh(Region(0, index - top, min(width_now, self.lines[index].cell_length), 1))
            if self.show_vertical_scrollbar:
                self.vertical_scrollbar.window_virtual_size = self.virtual_size.height
        return self

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        if self._appending and layout and not regions and not recompose and not self._scrollbar_moves():
            self._layout_skipped = True  # write repaints the new lines itself
            return self
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _scrollbar_moves(self) -> bool:
        """Would the vertical scrollbar come or go with the lines held now (a layout is due)?"""
        if not self.is_mounted or not self.container_size:
            return True
        return self.show_vertical_scrollbar != (self.virtual_size.height > self.container_size.height)

    def _style(self, name: str) -> Style:
        try:
            return self.get_component_rich_style(f"log-panel--{name}", partial=True)
        except KeyError:
            return Style()

    def _wrap_width(self) -> int:
        width = self.scrollable_content_region.width or self.app.size.width - 2
        return max(30, width - 11)

    def add_call(self, call: ApiCall) -> None:
        """``HH:MM:SS ✗ 409 POST /v1/…/action 12ms ModelArts.6305 req=…`` and, on failure, why."""
        line = Text(no_wrap=True, end="")
        line.append(time.strftime("%H:%M:%S", time.localtime(call.at)), self._style("dim"))
        failed = not call.ok
        line.append(" ✗ " if failed else "   ", self._style("error") if failed else Style())
        status = str(call.status) if call.status is not None else "---"
        if call.unreadable:
            status += "?"  # an answer came, but not the API's JSON
        body = f"{status} {call.method:<4} {short_path(call.path)}"
        if not self._stable_log:
            body += f" {call.latency_ms:.0f}ms"
        if call.error_code:
            body += f" {call.error_code}"
        if call.attempt > 1:
            body += f" (try {call.attempt})"
        line.append(body, self._style("error") if failed else Style())
        if call.request_id and not self._stable_log:
            line.append(f" req={call.request_id}", self._style("dim"))
        self.write(line)
        explanation = explain_call(call)
        if explanation:
            if call.message and (call.status is None or call.unreadable):
                explanation = f"{call.message.rstrip('.')}. {explanation}"  # what came instead of an answer
            self._write_wrapped(explanation, "hint")

    def add_note(self, text: str, *, error: bool = False) -> None:
        """A line that is not an API call: an action refused, an unexpected error."""
        stamp = time.strftime("%H:%M:%S", time.localtime(self._clock()))
        line = Text(no_wrap=True, end="")
        line.append(stamp, self._style("dim"))
        line.append(" ✗ " if error else " · ", self._style("error") if error else self._style("dim"))
        line.append(text, self._style("error") if error else Style())
        self.write(line)

    def _write_wrapped(self, text: str, style: str) -> None:
        for i, part in enumerate(textwrap.wrap(text, self._wrap_width()) or [""]):
            self.write(
                Text(
                    ("         ↳ " if i == 0 else "           ") + part,
                    style=self._style(style),
                    no_wrap=True,
                    end="",
                )
            )
