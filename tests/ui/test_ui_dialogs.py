"""Dialogs as a user meets them (issue 11): the prolong field says why a number is refused, and
Tab in the stop confirmation moves between its two buttons only."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from tests.ui.uihelpers import MakeApp, actions_sent, emulator_profile, keys_with_status, put_cursor, settle
from tui.emulator import Emulator
from tui.ui.screens.confirm import ConfirmModal
from tui.ui.screens.prolong import ProlongModal

SIZE = (80, 24)
REFUSED = "Enter a whole number of hours from 1 to 72."


def screen_text(pilot: Pilot[Any]) -> str:
    return "\n".join(strip.text for strip in pilot.app.screen._compositor.render_strips())


@pytest.mark.parametrize("hours", ["0", "100"])
async def test_prolong_shows_why_it_refuses(make_app: MakeApp, emulator: Emulator, hours: str) -> None:
    app = make_app([emulator_profile(emulator, api="notebooks")])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        put_cursor(app, keys_with_status(app, "RUNNING")[0])
        await pilot.press("p")
        await pilot.pause()
        assert REFUSED not in screen_text(pilot)
        await pilot.press("end", "backspace", "backspace", *hours, "enter")
        await pilot.pause()
        assert isinstance(app.screen, ProlongModal)
        assert REFUSED in screen_text(pilot)  # on screen, under the field
        await pilot.press("backspace")  # typing again clears it
        await pilot.pause()
        assert REFUSED not in screen_text(pilot)
        assert actions_sent(emulator, "prolong") == []


async def test_tab_in_the_stop_confirmation_moves_between_its_two_buttons(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in keys_with_status(app, "RUNNING")[:2]:
            put_cursor(app, key)
            await pilot.press("space")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        seen = []
        for _ in range(4):
            focused = app.focused
            seen.append(focused.id if focused is not None else None)
            await pilot.press("tab")
            await pilot.pause()
        assert seen == ["cancel", "confirm", "cancel", "confirm"]
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "confirm"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is app.main_screen


async def test_tab_with_save_image_first_offered_cycles_its_three_buttons(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app([emulator_profile(emulator, api="notebooks")])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        put_cursor(app, keys_with_status(app, "RUNNING")[0])
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and app.screen.query("#alternative")
        seen = []
        for _ in range(4):
            focused = app.focused
            seen.append(focused.id if focused is not None else None)
            await pilot.press("tab")
            await pilot.pause()
        assert seen == ["cancel", "alternative", "confirm", "cancel"]
