"""The API log panel: one line per call, failures in red with a ``✗`` and what the code means."""

from __future__ import annotations

import re
import textwrap
import time
from collections.abc import Callable
from typing import ClassVar

from rich.style import Style
from rich.text import Text
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
