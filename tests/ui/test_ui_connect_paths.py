"""Pilot: a key folder or identity file whose ``~user`` names nobody (``~nosuchuser/keys``) is a
refusal on the flash line and in the log when ``c`` is pressed, never a crash (Path.expanduser
raises RuntimeError for it); nothing is started or run."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ui.test_ui_connect import Terminal, terminal
from tests.ui.uihelpers import NO_TIMER_POLLS, MakeApp, emulator_profile, log_text, put_cursor, settle
from tui.config.connect import ConnectOverride
from tui.emulator import Emulator

__all__ = ["terminal"]  # the fixture, used by name below

NOBODY = "~nosuchuser-5e1f"


@pytest.mark.parametrize("where", ["key_dir", "identity_file"])
async def test_c_with_a_tilde_of_nobody_is_refused_not_a_crash(
    make_app: MakeApp, emulator: Emulator, terminal: Terminal, where: str
) -> None:
    path = f"{NOBODY}/keys" if where == "key_dir" else f"{NOBODY}/cv.pem"
    changes: dict[str, Any] = {"key_dir": path}
    if where == "identity_file":
        changes = {"connect": (ConnectOverride(instance="llm-eval-74", identity_file=path),)}
    app = make_app([emulator_profile(emulator, api="notebooks", **changes)], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        key = next(k for k, r in app.service.rows.items() if r.instance.name == "llm-eval-74")
        put_cursor(app, key)
        await pilot.press("c")
        await settle(pilot)
        reason = f"the path {path!r} cannot be used: no user {NOBODY[1:]!r} to expand ~ for"
        assert app.main_screen.flash_line.text == f"Connect: nothing sent — {reason}"
        assert f"connect refused: {reason}" in log_text(app)
        assert terminal.argv() == []
