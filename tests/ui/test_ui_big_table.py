"""A table of more rows than a tick recounts: what is on screen is always current, and a scroll
brings rows in already recounted."""

from __future__ import annotations

import pytest

from tests.ui.uihelpers import MakeApp, cell, settle, table_of
from tui.emulator import EmulatorConfig, ManualClock
from tui.ui.widgets.instance_table import TICK_ON_SCREEN_OVER

SIZE = (100, 30)
ROWS = TICK_ON_SCREEN_OVER + 300


@pytest.fixture
def emulator_config(clock: ManualClock) -> EmulatorConfig:
    return EmulatorConfig(clock=clock, instances=ROWS)


def _countdowns(app: object, keys: list[str]) -> list[str]:
    return [cell(app, key, "autostop") for key in keys]  # type: ignore[arg-type]


async def test_a_tick_recounts_the_rows_in_sight_and_a_scroll_the_rows_it_brings(
    make_app: MakeApp, clock: ManualClock
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen, table = app.main_screen, table_of(app)
        assert table.row_count == ROWS
        screen.poll_interval_s = screen.fast_poll_s = 1e9  # no poll: only the clock moves
        top = table.keys_on_screen()
        bottom = [r.key.value or "" for r in table.ordered_rows[-(len(top) - 2) :]]
        timed_top = [k for k in top if cell(app, k, "autostop") != "—"]
        timed_bottom = [k for k in bottom if cell(app, k, "autostop") != "—"]
        assert timed_top and timed_bottom
        shown_top, shown_bottom = _countdowns(app, timed_top), _countdowns(app, timed_bottom)
        clock.advance(7 * 60)
        screen._tick()
        assert _countdowns(app, timed_top) != shown_top  # in sight: recounted at once
        assert _countdowns(app, timed_bottom) == shown_bottom  # out of sight: left for later
        table.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert set(timed_bottom) <= set(table.keys_on_screen())
        scrolled_in = _countdowns(app, timed_bottom)
        assert scrolled_in != shown_bottom  # recounted as it came into sight
        table.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        table.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert _countdowns(app, timed_bottom) == scrolled_in  # the clock did not move since
