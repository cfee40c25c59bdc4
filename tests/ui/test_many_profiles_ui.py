"""Many profiles in the TUI: the log panel takes the last list calls of a refresh, not every one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.uihelpers import NO_TIMER_POLLS, emulator_profile, settle
from tui.config.model import Config
from tui.emulator import Emulator, EmulatorConfig
from tui.ui.app import make_app
from tui.ui.screens import main as main_screen
from tui.ui.widgets.log_panel import LogPanel


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig()) as emu:  # on the real clock, as the app signs
        yield emu


async def test_a_refresh_of_many_profiles_shows_its_last_list_calls_and_counts_the_rest(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(main_screen, "POLL_CALLS_SHOWN", 2)  # 2 of 5, as 100 of 1,000
    profiles = tuple(emulator_profile(emulator, f"p{i}") for i in range(5))
    app = make_app(Config(profiles=profiles, ui=NO_TIMER_POLLS), tmp_path / "config.toml", log_dir=tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        lines = [strip.text for strip in app.main_screen.query_one(LogPanel).lines]
        calls = [line for line in lines if " GET " in line and line.split()[-2].endswith("ms")]
        assert len(calls) == 2, lines
        assert any(
            line.endswith("… 3 earlier list calls of this refresh: in the call log file") for line in lines
        )
