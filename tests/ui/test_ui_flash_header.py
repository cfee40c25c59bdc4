"""The context header and the flash line, as a user reads them (issue 11)."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.geometry import Region

from tests.ui.uihelpers import (
    NO_TIMER_POLLS,
    CountingDriver,
    MakeApp,
    emulator_profile,
    keys_with_status,
    put_cursor,
    settle,
)
from tui.emulator import Emulator, ManualClock
from tui.service import RefreshResult
from tui.service.refresh import OnProfile

SIZE = (80, 24)


async def test_r_shows_activity_then_what_the_refresh_found(make_app: MakeApp, clock: ManualClock) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        screen.poll_interval_s = screen.fast_poll_s = 1e9  # only r refreshes in this test
        original = app.service.refresh
        gate = asyncio.Event()

        async def held(
            *, force: bool = False, on_profile: OnProfile | None = None, due_after: float | None = None
        ) -> RefreshResult:
            await gate.wait()  # a slow link: the refresh stays in flight until we let it go
            return await original(force=force, on_profile=on_profile, due_after=due_after)

        app.service.refresh = held  # type: ignore[method-assign]
        await pilot.press("r")
        await pilot.pause()
        assert screen.flash_line.text == "refreshing…"
        assert screen.header.text.endswith("| ⟳ refreshing")
        gate.set()
        await settle(pilot)
        assert screen.flash_line.text == "refreshed 12 instances: nothing changed"
        assert screen.flash_line.level == "info"
        assert screen.header.text.endswith("| updated just now")
        clock.advance(4)
        screen._tick()
        assert screen.flash_line.text == ""  # an info message goes after 4 s
        assert screen.header.text.endswith("| updated just now")  # by the minute: idle, it stays still
        clock.advance(55)
        screen._tick()
        assert screen.header.text.endswith("| updated just now")
        clock.advance(1)
        screen._tick()
        assert screen.header.text.endswith("| updated 1m ago")


async def test_an_idle_minute_with_polls_writes_little_to_the_terminal(
    make_app: MakeApp, clock: ManualClock
) -> None:
    """Over a slow SSH link every repaint costs: a header that said "updated 7s ago" repainted
    every second (9.4 KB in this minute; 34 KB at 80x24 with 200 rows, bench/bench_idle_output.py)."""
    app = make_app(ui=NO_TIMER_POLLS)  # the polls run below, on the simulated clock
    app.driver_class = CountingDriver
    async with app.run_test(headless=False, size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        CountingDriver.reset()
        for second in range(1, 61):
            clock.advance(1)
            if second % 10 == 0:
                screen._last_poll = float("-inf")  # the tick starts a poll, as every 10 s by default
            screen._tick()
            await settle(pilot)
            assert "⟳" not in screen.header.text  # a quick poll leaves the header still
        assert screen.header.text.endswith("| updated just now")
        # What is left: the rows whose countdown, age or state moved, and the polls that changed them.
        assert CountingDriver.written < 4000, CountingDriver.written


async def test_a_poll_still_out_after_a_tick_shows_the_marker(make_app: MakeApp, clock: ManualClock) -> None:
    app = make_app(ui=NO_TIMER_POLLS)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        original = app.service.refresh
        gate = asyncio.Event()

        async def held(
            *, force: bool = False, on_profile: OnProfile | None = None, due_after: float | None = None
        ) -> RefreshResult:
            await gate.wait()
            return await original(force=force, on_profile=on_profile, due_after=due_after)

        app.service.refresh = held  # type: ignore[method-assign]
        screen._last_poll = float("-inf")
        screen._tick()  # starts the poll
        await pilot.pause()
        assert screen.header.text.endswith("| updated just now")
        clock.advance(1)
        screen._tick()  # still out: a slow link
        assert screen.header.text.endswith("| ⟳ refreshing")
        gate.set()
        await settle(pilot)
        assert screen.header.text.endswith("| updated just now")


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
            "lab OTC eu-de v1 ✓ 12 · prod Huawei cn-north-4 notebooks ✓ 12 | updated just now · DEMO"
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


async def test_r_repaints_the_header_and_the_flash_line_without_a_layout(make_app: MakeApp) -> None:
    """Their sizes are fixed: a new text is a repaint of their line, not a layout of the screen
    (the right half as a ``width: auto`` Static made each refresh two layouts, ~20 ms each)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.main_screen
        layouts: list[str] = []
        for widget in (screen.header, *screen.header.query("*"), screen.flash_line):
            original = widget.refresh

            def recording(*regions: Region, original: Any = original, widget: Any = widget, **kw: Any) -> Any:
                if kw.get("layout"):
                    layouts.append(type(widget).__name__)
                return original(*regions, **kw)

            widget.refresh = recording
        before = screen.header.text
        await pilot.press("r")
        await settle(pilot)
        assert screen.flash_line.text == "refreshed 12 instances: nothing changed"
        assert screen.header.text == before  # "⟳ refreshing" came and went
        assert layouts == []
