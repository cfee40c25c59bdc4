"""Credentials as the TUI lives with them: a slow ``sk_command`` never freezes the screen; temporary
credentials show their lifetime in the header, warn ten minutes before the end and say when it passed."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

from tests.ui.uihelpers import NO_TIMER_POLLS, MakeApp, emulator_profile, settle, table_of
from tui.core.secret import Secret
from tui.emulator import DEMO_SK, Emulator, ManualClock
from tui.service.models import ProfileStatus
from tui.ui.screens.help import HelpModal

SIZE = (80, 24)


def _gated_command(started: Path, go: Path) -> tuple[str, ...]:
    """Prints the SK only once ``go`` exists (like `pass` waiting for a gpg-agent PIN); says when it began."""
    code = (
        "import os, sys, time\n"
        f"open({str(started)!r}, 'w').close()\n"
        f"while not os.path.exists({str(go)!r}): time.sleep(0.02)\n"
        f"print({DEMO_SK[::-1]!r}[::-1])\n"
    )
    return (sys.executable, "-c", code)


async def test_a_key_is_handled_while_a_slow_sk_command_runs(
    make_app: MakeApp, emulator: Emulator, tmp_path: Path
) -> None:
    started, go = tmp_path / "started", tmp_path / "go"
    profile = emulator_profile(emulator, sk=Secret(""), sk_command=_gated_command(started, go))
    app = make_app([profile], ui=NO_TIMER_POLLS)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(3000):  # the first refresh runs the command; wait (30 s at most) until it runs
            if started.exists():
                break
            await asyncio.sleep(0.01)
        assert started.exists(), "the first refresh ran the sk_command"
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpModal), "the key was handled while the command ran"
        assert len(app.service.statuses) == 0, "the command is still running: no refresh has finished"
        await pilot.press("escape")
        go.touch()
        await settle(pilot)
        statuses: tuple[ProfileStatus, ...] = app.service.statuses
        assert [status.ok for status in statuses] == [True]
        assert table_of(app).row_count == 12


async def test_temporary_credentials_show_their_expiry_warn_ten_minutes_before_and_say_when_gone(
    make_app: MakeApp, emulator: Emulator, clock: ManualClock
) -> None:
    ends = datetime.fromtimestamp(clock() + 25 * 60, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    app = make_app([emulator_profile(emulator, expires_at=ends)], ui=NO_TIMER_POLLS)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert "demo · OTC eu-de v1 · 12 instances · credentials expires in 25m" in screen.header.text
        assert "renew" not in screen.flash_line.text
        clock.advance(16 * 60)
        screen._tick()
        await pilot.pause()
        assert "· ⚠ credentials expires in 9m" in screen.header.text
        assert screen.flash_line.text == (
            "profile demo: its temporary credentials expires in 9m; renew them (e: settings)"
        )
        assert screen.flash_line.level == "warn"
        clock.advance(12 * 60)
        screen._tick()
        await pilot.pause()
        assert "· ✗ credentials expired 3m ago" in screen.header.text and screen.header.failing
        assert screen.flash_line.text == (
            "profile demo: its temporary credentials expired 3m ago; "
            "IAM refuses them until they are renewed (e: settings)"
        )
        assert screen.flash_line.level == "error"
