"""16 colours (issue 11): on the terminal's own palette every cell of the table stays readable,
the cursor row too, on the dark and on the light ANSI theme."""

from __future__ import annotations

import pytest
from rich.color import Color

from tests.ui.uihelpers import MakeApp, keys_with_status, put_cursor, settle
from tui.config.model import UiSettings

DEFAULT = Color.default()


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light"])
@pytest.mark.parametrize("status", ["STOPPED", "RUNNING", "START_FAILED", "STARTING"])
async def test_the_cursor_row_reads_in_the_cursor_colours(make_app: MakeApp, theme: str, status: str) -> None:
    """``○ STOPPED`` was the default colour on light grey: gone on a dark terminal."""
    app = make_app(ui=UiSettings(theme=theme))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.main_screen.table
        put_cursor(app, keys_with_status(app, status)[0])
        await pilot.pause()
        strips = app.screen._compositor.render_strips()
        y = table.region.y + 1 + table.cursor_row  # the table's header, then its rows
        cursor = [seg for seg in strips[y] if seg.text.strip() and seg.style is not None]
        assert any(status in seg.text for seg in cursor)
        colours = {(seg.style.color, seg.style.bgcolor) for seg in cursor}  # type: ignore[union-attr]
        assert len(colours) == 1, colours  # one pair across the row: the cursor's own
        ((fg, bg),) = colours
        assert fg is not None and bg is not None and DEFAULT not in (fg, bg) and fg != bg
        assert fg.is_system_defined and bg.is_system_defined  # the terminal's palette, not RGB


@pytest.mark.parametrize("theme", ["ansi-dark", "ansi-light"])
async def test_other_rows_keep_the_state_colours_on_the_terminal_background(
    make_app: MakeApp, theme: str
) -> None:
    app = make_app(ui=UiSettings(theme=theme))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.main_screen.table
        strips = app.screen._compositor.render_strips()
        rows = range(table.region.y + 1, table.region.y + 1 + min(table.row_count, 8))
        for y in rows:
            if y == table.region.y + 1 + table.cursor_row:
                continue
            for seg in strips[y]:
                if seg.text.strip() and seg.style is not None:
                    fg, bg = seg.style.color, seg.style.bgcolor
                    # the terminal's own pair (default on default) or a state colour on the background
                    assert (fg, bg) == (DEFAULT, DEFAULT) or (fg != bg and bg in (DEFAULT, None)), seg
