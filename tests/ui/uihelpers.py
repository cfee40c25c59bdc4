"""Helpers for the UI tests: what a user reads in the table and the log, what reached the emulator."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from textual.drivers.headless_driver import HeadlessDriver
from textual.message import Message
from textual.pilot import Pilot

from tui.config.model import Profile, UiSettings
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator
from tui.ui.app import ModelArtsApp
from tui.ui.widgets.instance_table import InstanceTable
from tui.ui.widgets.log_panel import LogPanel

THEME = "textual-dark"
# Timer polls tick on the real clock: on a loaded machine a 2 s fast poll can add a refresh the test
# did not ask for. Tests that count refreshes or calls use these settings and refresh by hand.
NO_TIMER_POLLS = UiSettings(theme=THEME, poll_interval_s=3600, fast_poll_interval_s=3600)
MakeApp = Callable[..., ModelArtsApp]


def emulator_profile(emulator: Emulator, name: str = "demo", **changes: Any) -> Profile:
    """A profile signing with the demo AK/SK against the emulator."""
    fields: dict[str, Any] = {
        "name": name,
        "endpoint": emulator.url,
        "iam_endpoint": emulator.url,
        "project_id": DEMO_PROJECT_ID,
        "ak": DEMO_AK,
        "sk": Secret(DEMO_SK),
        "notify_minutes": 0,
    }
    fields.update(changes)
    return Profile(**fields)


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker finish and every message they posted be handled."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def table_of(app: ModelArtsApp) -> InstanceTable:
    return app.main_screen.query_one(InstanceTable)


def cell(app: ModelArtsApp, key: str, column: str) -> str:
    """The plain text a user reads in one cell."""
    return table_of(app).get_cell(key, column).plain


def keys_with_status(app: ModelArtsApp, status: str) -> list[str]:
    """Row keys whose instance has ``status`` (in table order)."""
    rows = app.service.rows
    return [
        r.key.value
        for r in table_of(app).ordered_rows
        if r.key.value is not None and rows[r.key.value].instance.status == status
    ]


def put_cursor(app: ModelArtsApp, key: str) -> None:
    table = table_of(app)
    table.move_cursor(row=table.get_row_index(key), animate=False)


def log_text(app: ModelArtsApp) -> str:
    """Everything in the log panel, as text."""
    panel = app.main_screen.query_one(LogPanel)
    return "\n".join(strip.text for strip in panel.lines)


def actions_sent(emulator: Emulator, action: str | None = None) -> list[Any]:
    """Requests that start, stop or prolong something: v1 ``POST …/action {"action": …}``,
    notebooks ``POST …/start|stop`` and ``PATCH …/lease``."""
    out = []
    for req in list(emulator.requests):
        path = req.path
        if req.method == "POST" and path.endswith("/action"):
            verb = (req.body or b"").decode(errors="replace")
        elif req.method == "POST" and path.endswith(("/start", "/stop")):
            verb = path.rsplit("/", 1)[-1]
        elif req.method == "PATCH" and path.endswith("/lease"):
            verb = "prolong"
        else:
            continue
        if action is None or action in verb:
            out.append(req)
    return out


class Messages:
    """A message_hook that keeps what passed, to assert on by type."""

    def __init__(self) -> None:
        self.seen: list[Message] = []

    def __call__(self, message: Message) -> None:
        self.seen.append(message)

    def of(self, kind: type[Message]) -> list[Any]:
        """Each message of ``kind`` once (a bubbling message arrives at several pumps)."""
        out: dict[int, Any] = {}
        for m in self.seen:
            if isinstance(m, kind):
                out.setdefault(id(m), m)
        return list(out.values())


class CountingDriver(HeadlessDriver):
    """A headless driver the app paints to as to a terminal: every byte it would send is counted."""

    written = 0
    """Bytes written since the last ``reset`` (class-wide: the app builds the driver itself)."""
    sent: list[str] = []
    """What was written since the last ``reset``, one item per write."""

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        CountingDriver.written += len(data.encode("utf-8"))
        CountingDriver.sent.append(data)

    @classmethod
    def reset(cls) -> None:
        cls.written = 0
        cls.sent = []

    @classmethod
    def sent_text(cls) -> str:
        """What was written since the last ``reset``, escape sequences left out."""
        return re.sub(r"\x1b\[[0-9;:?<>=]*[A-Za-z]", "", "".join(cls.sent))
