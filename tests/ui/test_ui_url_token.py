"""Pilot: a notebook URL that carries its token and a password (``user:pw@…?token=…``) reaches
neither the details screen (the raw JSON, the jupyter line and its OSC 8 link) nor ``o``'s flash
line and OSC 52 copy."""

from __future__ import annotations

import pytest
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import Static

from tests.ui.uihelpers import NO_TIMER_POLLS, MakeApp, emulator_profile, put_cursor, settle
from tui.emulator import Emulator
from tui.emulator import views as emulator_views
from tui.ui.screens.details import DetailsScreen

TOKEN = "nbtok-5f2c9e1d7a"
PASSWORD = "pw-83b1c0aa"
SHOWN = "https://nb.example/lab?x=1"


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every running notebook's URL holds a token and a password; what the app wrote to its terminal."""
    url = f"https://ma-user:{PASSWORD}@nb.example/lab?token={TOKEN}&x=1"
    monkeypatch.setattr(emulator_views, "notebook_url", lambda rec: url)
    seen: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: seen.append(data))
    return seen


async def test_details_and_o_never_show_the_urls_token_or_password(
    make_app: MakeApp, emulator: Emulator, written: list[str]
) -> None:
    app = make_app([emulator_profile(emulator, api="notebooks")], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        key = next(k for k, r in app.service.rows.items() if r.instance.name == "llm-eval-74")
        put_cursor(app, key)
        await pilot.press("o")
        assert app.main_screen.flash_line.text == f"copied JupyterLab URL {SHOWN}"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailsScreen)
        head = app.screen.query_one("#details-head", Static)
        strips = head.render_lines(head.region.reset_offset)
        assert f"jupyter  {SHOWN}" in [strip.text.strip() for strip in strips]
        assert {seg.style.link for strip in strips for seg in strip if seg.style} - {None} == {SHOWN}
        raw = str(app.screen.query_one("#details-json", Static).render())
        assert '"url": "https://ma-user:********@nb.example/lab?token=********&x=1"' in raw
        shown = raw + "".join(strip.text for strip in strips) + "".join(written)
        assert TOKEN not in shown and PASSWORD not in shown


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://nb.example/" + "a" * 5000])
async def test_o_says_why_a_url_it_was_given_is_not_offered(
    make_app: MakeApp, emulator: Emulator, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setattr(emulator_views, "notebook_url", lambda rec: url)
    app = make_app([emulator_profile(emulator, api="notebooks")], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        key = next(k for k, r in app.service.rows.items() if r.instance.name == "llm-eval-74")
        put_cursor(app, key)
        await pilot.press("o")
        assert app.main_screen.flash_line.text == (
            "llm-eval-74: no JupyterLab URL (the service's is not a plain http(s) link of at most "
            "4,096 characters)"
        )
