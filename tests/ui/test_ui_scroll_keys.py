"""Details and help scroll with the table's vi keys: j/k a line, g/G top and bottom (issue 11)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.ui.uihelpers import MakeApp, emulator_profile, keys_with_status, put_cursor, settle
from tui.config.model import UiSettings
from tui.emulator import Emulator
from tui.ui.screens.details_connect import connect_text
from tui.ui.screens.tags import owner_tags_text
from tui.ui.widgets.scroll import KeyScroll

SIZE = (80, 24)


def screen_lines(pilot: Pilot[Any]) -> list[str]:
    """The terminal's lines as a user reads them."""
    return [strip.text.rstrip() for strip in pilot.app.screen._compositor.render_strips()]


async def _open_details(pilot: Pilot[Any]) -> KeyScroll:
    app = pilot.app
    await settle(pilot)
    put_cursor(app, keys_with_status(app, "RUNNING")[0])  # type: ignore[arg-type]
    await pilot.press("enter")
    await settle(pilot)
    return app.screen.query_one("#details-body", KeyScroll)


async def test_details_scroll_with_j_k_g_G(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        body = await _open_details(pilot)
        assert body.max_scroll_y > 0  # the JSON is longer than the screen
        assert screen_lines(pilot)[4] == " {"
        await pilot.press("j", "j")
        await pilot.pause()
        assert body.scroll_y == 2
        await pilot.press("k")
        await pilot.pause()
        assert body.scroll_y == 1
        await pilot.press("G")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y
        assert screen_lines(pilot)[-2].rstrip(" ▁▂▃▄▅▆▇█") == " }"  # the JSON's last line, above the footer
        await pilot.press("g")
        await pilot.pause()
        assert body.scroll_y == 0 and screen_lines(pilot)[4] == " {"


async def test_help_scrolls_with_j_k_g_G_and_says_so(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        body = app.screen.query_one("#help-body", KeyScroll)
        assert "↑↓ j/k scroll · g/G top/end · esc close" in "\n".join(screen_lines(pilot))
        await pilot.press("G")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y > 0
        assert any('[ui.keys] start = "S"' in line for line in screen_lines(pilot))
        await pilot.press("k")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y - 1
        await pilot.press("g")
        await pilot.pause()
        assert body.scroll_y == 0
        await pilot.press("j")
        await pilot.pause()
        assert body.scroll_y == 1


async def test_remapping_the_table_keys_moves_the_scroll_keys_too(make_app: MakeApp) -> None:
    app = make_app(ui=UiSettings(theme="textual-dark", keys={"down": "J", "bottom": "E"}))
    async with app.run_test(size=SIZE) as pilot:
        body = await _open_details(pilot)
        await pilot.press("J")
        await pilot.pause()
        assert body.scroll_y == 1
        await pilot.press("E")
        await pilot.pause()
        assert body.scroll_y == body.max_scroll_y


@pytest.mark.parametrize("api", ["v1", "notebooks"])
async def test_details_head_fits_80_columns_for_every_seeded_instance(
    make_app: MakeApp, emulator: Emulator, api: str
) -> None:
    """Four lines (name and where; id and age; state; flavor), none cut, none wrapped; the
    notebooks family's connect lines (details_connect.py) and its tags line (tags.py) follow."""
    app = make_app([emulator_profile(emulator, api=api)])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in list(app.service.rows):
            put_cursor(app, key)
            await pilot.press("enter")
            await settle(pilot)
            head = app.screen.query_one("#details-head")
            instance = app.service.rows[key].instance
            connect = connect_text(instance).plain.count("\n") + owner_tags_text(instance).plain.count("\n")
            assert head.size.height == 4 + connect, key
            lines = screen_lines(pilot)[:4]
            assert not any(line.endswith("…") for line in lines), lines
            assert lines[1].startswith(f" {key.split('/', 1)[1]} · age ")
            await pilot.press("escape")
            await pilot.pause()
