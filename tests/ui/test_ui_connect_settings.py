"""Pilot: ``K`` edits the SSH settings of the cursor row (key folder; identity file, ssh options,
alias), checks them as a load would, saves them in place in the config file, and ``c`` then
connects with them (the recording ssh stub of ``test_ui_connect``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.ui.test_ui_connect import KEY_PAIR, Terminal, terminal
from tests.ui.uihelpers import NO_TIMER_POLLS, MakeApp, emulator_profile, log_text, put_cursor, settle
from tui.config.connect import ConnectOverride
from tui.config.store import load_config
from tui.emulator import Emulator
from tui.ui.app import ModelArtsApp
from tui.ui.screens.settings_connect import ConnectSettingsModal

__all__ = ["terminal"]  # the fixture, used by name below


def _key(app: ModelArtsApp, name: str) -> str:
    return next(k for k, r in app.service.rows.items() if r.instance.name == name)


def _fill(modal: Any, **values: str) -> None:
    for field, value in values.items():
        widget = modal.query_one(f"#cs-{field}")
        if field == "options":
            widget.load_text(value)
        else:
            widget.value = value


async def test_K_saves_the_ssh_settings_in_place_and_c_uses_them(
    make_app: MakeApp, emulator: Emulator, terminal: Terminal, config_file: Path
) -> None:
    cv = terminal.keys / "cv.pem"
    cv.write_text("stub key\n")
    cv.chmod(0o600)
    app = make_app([emulator_profile(emulator, api="notebooks")], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        key = _key(app, "llm-eval-74")
        put_cursor(app, key)
        await pilot.press("K")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ConnectSettingsModal)
        _fill(modal, **{"key-dir": str(terminal.keys), "identity": str(cv), "options": "ForwardAgent=yes"})
        _fill(modal, alias="eval box")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is modal
        error = str(modal.query_one("#cs-error").render())
        assert error == "not saved: alias: 'eval box' may hold only letters, digits, '.', '_' and '-'"
        assert not config_file.exists()
        _fill(modal, alias="eval")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is app.main_screen
        assert "SSH settings of demo saved" in log_text(app)
        saved = load_config(config_file).profiles[0]
        assert saved.key_dir == str(terminal.keys)
        assert saved.connect == (ConnectOverride("llm-eval-74", str(cv), ("ForwardAgent=yes",), "eval"),)
        assert app.service.profiles[0].connect == saved.connect
        assert f"settings saved to {config_file}" in log_text(app)
        await pilot.press("c")
        await settle(pilot)
        argv = terminal.argv()
        assert (
            f"IdentityFile={cv}" in argv and f"IdentityFile={terminal.keys / (KEY_PAIR + '.pem')}" not in argv
        )
        assert argv[-4:-2] == ["-o", "ForwardAgent=yes"]


async def test_K_cancelled_writes_nothing_and_a_v1_row_has_nothing_to_set(
    make_app: MakeApp, emulator: Emulator, config_file: Path
) -> None:
    app = make_app([emulator_profile(emulator, api="notebooks")], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        put_cursor(app, _key(app, "cv-lab-gpu"))
        await pilot.press("K")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ConnectSettingsModal)
        _fill(modal, **{"key-dir": "~/elsewhere"})
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.main_screen and not config_file.exists()
    app = make_app([emulator_profile(emulator)], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        put_cursor(app, _key(app, "cv-lab-gpu"))
        await pilot.press("K")
        await pilot.pause()
        assert app.screen is app.main_screen
        assert app.main_screen.flash_line.text == (
            "cv-lab-gpu: the v1 DevEnviron API exposes no SSH: nothing to set"
        )
