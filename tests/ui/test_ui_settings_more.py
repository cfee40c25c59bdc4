"""Settings as a user meets them (issue 11): choosing the default profile, a secret from the
environment named in its field, a failed connection test in one line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, OptionList, Static

from tests.ui.uihelpers import MakeApp, emulator_profile, log_text, settle
from tui.config.model import NO_SECRET
from tui.config.store import load_config
from tui.emulator import Emulator

SIZE = (100, 40)


def _result(pilot: Pilot[Any]) -> str:
    return str(pilot.app.screen.query_one("#settings-result", Static).render())


async def test_the_default_profile_is_chosen_and_saved(
    make_app: MakeApp, emulator: Emulator, config_file: Path
) -> None:
    app = make_app([emulator_profile(emulator, "lab"), emulator_profile(emulator, "prod")])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        box = app.screen.query_one("#f-default", Checkbox)
        assert not box.value  # no default yet
        app.screen.query_one("#profile-list", OptionList).highlighted = 1
        await pilot.pause()
        box.focus()
        await pilot.press("space")
        await pilot.pause()
        assert box.value
        app.screen.query_one("#profile-list", OptionList).highlighted = 0
        await pilot.pause()
        assert not box.value  # lab is not the default
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert load_config(config_file).default_profile == "prod"


async def test_an_sk_from_the_environment_says_so_in_its_field(
    make_app: MakeApp, emulator: Emulator, monkeypatch: Any
) -> None:
    monkeypatch.setenv("OTC_SK", "from-the-environment-0000000000000000000")
    profile = emulator_profile(emulator, sk=NO_SECRET, sk_env="OTC_SK")
    app = make_app([profile])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        field = app.screen.query_one("#f-sk", Input)
        assert field.value == "" and field.placeholder == "from $OTC_SK"
        lines = [strip.text for strip in app.screen._compositor.render_strips()]
        assert any("from $OTC_SK" in line for line in lines)  # what the user reads in the empty field


async def test_a_failed_connection_test_is_one_line_pointing_at_the_log(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        field = app.screen.query_one("#f-sk", Input)
        field.focus()
        field.value = "wrong-secret-key-0000000000000000000000"
        await pilot.pause()
        await pilot.press("ctrl+t")
        await settle(pilot)
        result = _result(pilot)
        assert result.startswith("✗ ") and "APIGW.0301" in result
        assert "\n" not in result.strip() and result.rstrip().endswith("· more in the log (l)")
        await pilot.press("escape")
        await settle(pilot)
        assert "connection test: " in log_text(app) and "APIGW.0301" in log_text(app)


async def test_ticking_read_only_shows_in_the_profile_list_at_once(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        options = app.screen.query_one("#profile-list", OptionList)
        assert not str(options.get_option_at_index(0).prompt).endswith(" ro")
        app.screen.query_one("#f-read_only", Checkbox).focus()
        await pilot.press("space")
        await pilot.pause()
        assert str(options.get_option_at_index(0).prompt).endswith(" ro")
