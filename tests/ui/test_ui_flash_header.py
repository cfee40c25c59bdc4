"""The context header and the flash line, as a user reads them (issue 11)."""

from __future__ import annotations

import asyncio

from tests.ui.uihelpers import MakeApp, emulator_profile, keys_with_status, put_cursor, settle
from tui.emulator import Emulator, ManualClock
from tui.service import RefreshResult

SIZE = (80, 24)


async def test_r_shows_activity_then_what_the_refresh_found(make_app: MakeApp, clock: ManualClock) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        screen.poll_interval_s = screen.fast_poll_s = 1e9  # only r refreshes in this test
        original = app.service.refresh
        gate = asyncio.Event()

        async def held(*, force: bool = False) -> RefreshResult:
            await gate.wait()  # a slow link: the refresh stays in flight until we let it go
            return await original(force=force)

        app.service.refresh = held  # type: ignore[method-assign]
        await pilot.press("r")
        await pilot.pause()
        assert screen.flash_line.text == "refreshing…"
        assert screen.header.text.endswith("| ⟳ refreshing")
        gate.set()
        await settle(pilot)
        assert screen.flash_line.text == "refreshed 12 instances: nothing changed"
        assert screen.flash_line.level == "info"
        assert screen.header.text.endswith("| updated 0s ago")
        clock.advance(4)
        screen._tick()
        assert screen.header.text.endswith("| updated 4s ago")
        assert screen.flash_line.text == ""  # an info message goes after 4 s


async def test_a_refresh_that_changed_rows_says_so(make_app: MakeApp, emulator: Emulator) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = keys_with_status(app, "STOPPED")[0]
        emulator.store.set_status(key.split("/", 1)[1], "RUNNING")
        await pilot.press("r")
        await settle(pilot)
        assert app.main_screen.flash_line.text == "refreshed 12 instances: 1 changed"


async def test_failed_refresh_is_one_error_line_pointing_at_the_log(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        emulator.faults.fail_next = 50
        await pilot.press("r")
        await settle(pilot)
        flash = app.main_screen.flash_line
        assert flash.level == "error"
        assert flash.text.startswith("refresh failed: demo (")
        assert flash.text.endswith("· more in the log (l)")
        assert app.main_screen.header.has_class("-error")


async def test_header_names_cloud_region_and_family_of_each_profile(
    make_app: MakeApp, emulator: Emulator
) -> None:
    profiles = [
        emulator_profile(emulator, "lab"),
        emulator_profile(emulator, "prod", cloud="huawei", region="cn-north-4", api="notebooks"),
    ]
    app = make_app(profiles, demo=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        assert app.main_screen.header.text == (
            "lab OTC eu-de v1 ✓ 12 · prod Huawei cn-north-4 notebooks ✓ 12 | updated 0s ago · DEMO"
        )


async def test_no_toast_ever_appears(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        put_cursor(app, keys_with_status(app, "RUNNING")[0])
        await pilot.press("s")  # refused: said on the flash line
        app.notify("[b]from Textual[/b]", title="Note", severity="warning")
        await pilot.pause()
        assert not app.screen.query("Toast")
        assert app.main_screen.flash_line.text == "Note: from Textual"
        assert app.main_screen.flash_line.level == "warn"


async def test_flash_line_keeps_one_line_and_levels_expire_by_level(
    make_app: MakeApp, clock: ManualClock
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        app.flash("first line\nsecond   line", "error")
        assert screen.flash_line.text == "first line · second line"
        assert screen.flash_line.has_class("-error")
        clock.advance(7)
        screen._tick()
        assert screen.flash_line.text == "first line · second line"  # errors stay 8 s
        clock.advance(1)
        screen._tick()
        assert screen.flash_line.text == "" and screen.flash_line.level is None
