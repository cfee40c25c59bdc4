"""``--demo``: two profiles on one emulator, an OTC v1 one and a Huawei Cloud notebooks one, so
every key works on first launch, ``p`` included (issue 11)."""

from __future__ import annotations

from pathlib import Path

from tests.ui.uihelpers import actions_sent, put_cursor, settle
from tui.cli.app import DEMO_REGIONS, demo_profiles
from tui.config.model import Config, UiSettings
from tui.emulator import Emulator, EmulatorConfig, ManualClock
from tui.service import Runtime
from tui.ui.app import ModelArtsApp, make_app
from tui.ui.screens.prolong import ProlongModal


def _demo_app(emulator: Emulator, tmp_path: Path, clock: ManualClock, no_sleep: object) -> ModelArtsApp:
    """The app as ``--demo`` builds it, on this emulator, with polls left to the test."""
    profiles = demo_profiles(emulator.url)
    ui = UiSettings(theme="textual-dark", poll_interval_s=3600, fast_poll_interval_s=3600)
    config = Config(profiles=profiles, ui=ui, default_profile=profiles[0].name)
    return make_app(
        config,
        tmp_path / "config.toml",
        clock=clock,
        demo=True,
        log_dir=tmp_path,
        stable_log=True,
        runtime=Runtime(sleep=no_sleep),  # type: ignore[arg-type]
    )


async def test_the_demo_shows_two_clouds_and_two_api_families_and_p_prolongs(
    tmp_path: Path, clock: ManualClock, no_sleep: object
) -> None:
    with Emulator(EmulatorConfig(clock=clock, projects=DEMO_REGIONS)) as emulator:
        app = _demo_app(emulator, tmp_path, clock, no_sleep)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            header = app.main_screen.header.text
            assert header.startswith("otc OTC eu-de v1 ✓ 12 · huawei Huawei cn-north-4 notebooks ✓ 12 |")
            assert header.endswith("DEMO")
            rows = app.service.rows
            assert {r.profile for r in rows.values()} == {"otc", "huawei"} and len(rows) == 24
            running = [k for k, r in rows.items() if r.instance.status == "RUNNING" and r.profile == "huawei"]
            put_cursor(app, running[0])
            await pilot.press("p")
            await pilot.pause()
            assert isinstance(app.screen, ProlongModal)  # not "prolong needs the notebooks API"
            await pilot.press("enter")
            await settle(pilot)
            assert len(actions_sent(emulator, "prolong")) == 1
            assert "prolong needs the notebooks API" not in app.main_screen.flash_line.text


async def test_at_80_columns_the_demo_header_names_both_profiles_with_their_counts(
    tmp_path: Path, clock: ManualClock, no_sleep: object
) -> None:
    with Emulator(EmulatorConfig(clock=clock, projects=DEMO_REGIONS)) as emulator:
        app = _demo_app(emulator, tmp_path, clock, no_sleep)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            header = app.main_screen.header.text
            assert header.startswith("otc ✓ 12 · huawei ✓ 12 |"), header  # the clouds did not fit
            assert header.endswith("DEMO")
            await pilot.resize_terminal(140, 30)
            await settle(pilot)
            header = app.main_screen.header.text
            assert header.startswith("otc OTC eu-de v1 ✓ 12 · huawei Huawei cn-north-4 notebooks ✓ 12 |")
