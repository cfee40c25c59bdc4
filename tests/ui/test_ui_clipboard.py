"""Pilot: ``o`` shows the cursor row's JupyterLab URL and copies it, ``y`` copies the id: both write
the exact OSC 52 sequence to the terminal (the driver's writes are recorded), never the token."""

from __future__ import annotations

import base64

import pytest
from textual.drivers.headless_driver import HeadlessDriver

from tests.ui.uihelpers import NO_TIMER_POLLS, MakeApp, emulator_profile, put_cursor, settle
from tui.emulator import Emulator
from tui.emulator.catalog import TARGET_DOMAIN
from tui.ui.app import ModelArtsApp


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every OSC 52 sequence the app wrote to its terminal."""
    seen: list[str] = []
    monkeypatch.setattr(HeadlessDriver, "write", lambda self, data: seen.append(data))
    return seen


def _osc52(found: list[str]) -> list[str]:
    return [w for w in found if w.startswith("\x1b]52;")]


def _key(app: ModelArtsApp, name: str) -> str:
    return next(k for k, r in app.service.rows.items() if r.instance.name == name)


def _expected(text: str) -> str:
    return "\x1b]52;c;" + base64.b64encode(text.encode()).decode() + "\x07"


async def test_o_shows_and_copies_the_jupyterlab_url_never_the_token(
    make_app: MakeApp, emulator: Emulator, written: list[str]
) -> None:
    app = make_app([emulator_profile(emulator, api="notebooks")], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        key = _key(app, "llm-eval-74")
        put_cursor(app, key)
        await pilot.press("o")
        rec = next(r for r in emulator.store.all() if r.name == "llm-eval-74")
        url = f"{TARGET_DOMAIN}/modelarts/hubv100/notebook/user/{rec.v1_id}/lab"
        assert app.main_screen.flash_line.text == f"copied JupyterLab URL {url}"
        assert _osc52(written) == [_expected(url)]
        assert rec.token and rec.token not in "".join(written)
        put_cursor(app, _key(app, "cv-lab-gpu"))
        await pilot.press("o")
        assert app.main_screen.flash_line.text == "cv-lab-gpu: no JupyterLab URL (it is not RUNNING)"
        assert len(_osc52(written)) == 1  # nothing more copied


async def test_y_writes_the_id_as_osc_52(make_app: MakeApp, emulator: Emulator, written: list[str]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        key = _key(app, "cv-lab-gpu")
        put_cursor(app, key)
        await pilot.press("y")
        instance_id = app.service.rows[key].instance.id
        assert _osc52(written) == [_expected(instance_id)]
        await pilot.press("Y")
        assert _osc52(written)[1:] == [_expected("cv-lab-gpu")]


async def test_details_show_the_ssh_endpoint_allowed_ips_and_the_url_as_a_link(
    make_app: MakeApp, emulator: Emulator
) -> None:
    from textual.widgets import Static

    from tui.ui.screens.details import DetailsScreen

    app = make_app([emulator_profile(emulator, api="notebooks")], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        put_cursor(app, _key(app, "bert-finetune-6"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailsScreen)
        head = app.screen.query_one("#details-head", Static)
        rec = next(r for r in emulator.store.all() if r.name == "bert-finetune-6")
        instance = app.service.rows[_key(app, "bert-finetune-6")].instance
        assert instance.ssh is not None
        url = f"{TARGET_DOMAIN}/modelarts/hubv100/notebook/user/{rec.v1_id}/lab"
        lines = [strip.text.strip() for strip in head.render_lines(head.region.reset_offset)]
        assert lines[4:7] == [
            f"ssh      ma-user@{instance.ssh.address} · key pair KeyPair-demo",
            "allowed  192.0.2.0/24 only",
            f"jupyter  {url}",
        ]
        strips = head.render_lines(head.region.reset_offset)
        links = {seg.style.link for strip in strips for seg in strip if seg.style is not None}
        assert links - {None} == {url}  # what the terminal gets as an OSC 8 hyperlink
        assert rec.token not in "".join(lines)
