"""Small terminals (issue 11): ``?`` always in the footer at 60x20; nothing cut at 80 columns."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from tests.ui.uihelpers import MakeApp, cell, keys_with_status, put_cursor, settle
from tui.emulator import Emulator
from tui.ui.widgets.scroll import KeyScroll


def screen_lines(pilot: Pilot[Any]) -> list[str]:
    return [strip.text for strip in pilot.app.screen._compositor.render_strips()]


async def test_at_60x20_the_footer_starts_with_help_on_every_screen(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        assert screen_lines(pilot)[-1].startswith("? Help s Start x Stop")
        put_cursor(app, keys_with_status(app, "RUNNING")[0])
        await pilot.press("enter")
        await settle(pilot)
        assert screen_lines(pilot)[-1].startswith("? Help esc Back")
        await pilot.press("escape", "e")
        await settle(pilot)
        assert screen_lines(pilot)[-1].startswith("? Help")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("question_mark")  # and it opens the help there
        await pilot.pause()
        assert "Keys" in screen_lines(pilot)[1]


async def test_help_at_80_columns_cuts_no_line(make_app: MakeApp) -> None:
    """A long meaning wraps under itself (it read ``…home/e…`` and ``Delete marked rows, else the cursor row, with their…``)."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        body = app.screen.query_one("#help-body", KeyScroll)
        seen: list[str] = []
        while True:
            seen.extend(screen_lines(pilot)[2:-2])
            if body.scroll_y >= body.max_scroll_y:
                break
            await pilot.press("pagedown")
            await pilot.pause()
        text = "\n".join(seen)
        legend = ("◐ …", "(STARTING…)", "(starting…)")  # the legend's own dots, not a cut
        for dots in legend:
            text = text.replace(dots, "")
        assert "…" not in text
        assert "storage (type the name)" in text  # the rest of the delete line, on its own line
        assert "pgup/pgdn," in text and "│                       home/end " in text  # wrapped, not cut


async def test_a_long_status_widens_its_column_and_is_read_whole(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        key = keys_with_status(app, "STOPPED")[0]
        assert cell(app, keys_with_status(app, "START_FAILED")[0], "status") == "✗ START_FAILED"
        emulator.store.set_status(key.split("/", 1)[1], "CREATE_QUEUING")
        await pilot.press("r")
        await settle(pilot)
        assert cell(app, key, "status") == "◐ CREATE_QUEUING…"
        lines = screen_lines(pilot)
        assert any("◐ CREATE_QUEUING…" in line for line in lines)
        assert "STATUS" in lines[1] and not any(line.rstrip().endswith("…") for line in lines[:2])
