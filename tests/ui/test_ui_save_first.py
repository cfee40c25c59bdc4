"""Pilot: "save as image first?" in the stop and the delete confirmations. Choosing it opens the
image form; the image is followed to ACTIVE, then the notebook is stopped (or deleted). The
service's sleep moves the emulator's ManualClock: nothing waits."""

from __future__ import annotations

from tests.integration.nb_helpers import ClockSleep
from tests.ui.uihelpers import NO_TIMER_POLLS, MakeApp, emulator_profile, log_text, put_cursor, settle
from tui.emulator import Emulator, ManualClock
from tui.service import Runtime
from tui.ui.app import ModelArtsApp
from tui.ui.screens.confirm import ConfirmModal
from tui.ui.screens.delete import DeleteModal
from tui.ui.screens.save_image import SaveImageModal


def _app(make_app: MakeApp, emulator: Emulator, clock: ManualClock) -> ModelArtsApp:
    sleep = ClockSleep(clock)
    return make_app(
        [emulator_profile(emulator, api="notebooks")], ui=NO_TIMER_POLLS, runtime=Runtime(sleep=sleep)
    )


def _key(app: ModelArtsApp, name: str) -> str:
    return next(k for k, r in app.service.rows.items() if r.instance.name == name)


def _posts(emulator: Emulator) -> list[str]:
    """What was sent, in order: create-image, stop, delete."""
    out = []
    for r in emulator.requests:
        if r.method == "POST" and r.path.endswith(("/create-image", "/stop")):
            out.append(r.path.rsplit("/", 1)[-1])
        elif r.method == "DELETE":
            out.append("delete")
    return out


async def _fill_image_form(app: ModelArtsApp, pilot: object, title: str) -> None:
    modal = app.screen
    assert isinstance(modal, SaveImageModal)
    assert str(modal.query_one(".dialog-title").render()) == title
    modal.query_one("#image-name").value = "before-stop"  # type: ignore[attr-defined]
    modal.query_one("#image-namespace").value = "demo-team"  # type: ignore[attr-defined]
    await pilot.press("enter")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]


async def test_the_stop_confirmation_saves_the_image_first_then_stops(
    make_app: MakeApp, emulator: Emulator, clock: ManualClock
) -> None:
    app = _app(make_app, emulator, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        key = _key(app, "nlp-playground")
        put_cursor(app, key)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert str(app.screen.query_one("#alternative").render()).strip() == "Save image first"
        await pilot.press("i")
        await pilot.pause()
        await _fill_image_form(app, pilot, "Save as image, then stop")
        assert app.screen is app.main_screen
        assert "nlp-playground: image demo-team/before-stop:v1 ACTIVE; stopping" in log_text(app)
        assert app.service.saved_images()[key].status == "ACTIVE"
        assert app.service.rows[key].instance.status == "STOPPING"  # read again right after the stop
    assert _posts(emulator) == ["create-image", "stop"]


async def test_the_delete_confirmation_saves_the_image_first_then_deletes(
    make_app: MakeApp, emulator: Emulator, clock: ManualClock
) -> None:
    app = _app(make_app, emulator, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        key = _key(app, "nlp-playground")
        put_cursor(app, key)
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, DeleteModal)
        await pilot.press(*"nlp-playground", "tab", "space", "shift+tab", "enter")
        await pilot.pause()
        await _fill_image_form(app, pilot, "Save as image, then delete")
        assert "nlp-playground: image demo-team/before-stop:v1 ACTIVE; deleting" in log_text(app)
    assert _posts(emulator) == ["create-image", "delete"]


async def test_without_the_box_ticked_delete_sends_no_image_and_marked_rows_get_no_offer(
    make_app: MakeApp, emulator: Emulator, clock: ManualClock
) -> None:
    app = _app(make_app, emulator, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for name in ("nlp-playground", "llm-eval-74"):
            put_cursor(app, _key(app, name))
            await pilot.press("space")
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal) and not app.screen.query("#alternative")
        await pilot.press("escape", "u")
        put_cursor(app, _key(app, "nlp-playground"))
        await pilot.press("ctrl+d", *"nlp-playground", "enter")
        await settle(pilot)
    assert _posts(emulator) == ["delete"]
