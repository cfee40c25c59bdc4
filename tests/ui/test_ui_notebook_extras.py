"""Pilot: save as image to ACTIVE (the form checks the name first), and start when available
succeeding once the sold-out flavor frees (each attempt in the log, the row saying it waits,
``w`` again cancels). The service's sleep moves the emulator's ManualClock: nothing waits."""

from __future__ import annotations

from functools import partial

import pytest

from tests.integration.nb_helpers import ClockSleep
from tests.ui.uihelpers import NO_TIMER_POLLS, MakeApp, cell, emulator_profile, log_text, put_cursor, settle
from tui.emulator import Emulator, ManualClock
from tui.emulator.record import InstanceRecord
from tui.service import Runtime
from tui.ui.screens.save_image import SaveImageModal

FLAVOR = "modelarts.vm.gpu.v100"


@pytest.fixture
def nb_app(make_app: MakeApp, emulator: Emulator, clock: ManualClock) -> tuple[MakeApp, ClockSleep]:
    sleep = ClockSleep(clock)

    def build() -> object:
        return make_app(
            [emulator_profile(emulator, api="notebooks")], ui=NO_TIMER_POLLS, runtime=Runtime(sleep=sleep)
        )

    return build, sleep  # type: ignore[return-value]


def _key(app: object, name: str) -> str:
    return next(k for k, r in app.service.rows.items() if r.instance.name == name)  # type: ignore[attr-defined]


async def test_save_image_checks_the_name_then_follows_the_image_to_active(
    nb_app: tuple[MakeApp, ClockSleep], emulator: Emulator
) -> None:
    build, _ = nb_app
    app = build()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        key = _key(app, "nlp-playground")
        put_cursor(app, key)
        await pilot.press("i")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, SaveImageModal)
        await pilot.press(*"My-Env", "enter")
        await pilot.pause()
        assert str(modal.query_one("#save-image-error").render()).startswith(
            "name: 'My-Env' is not a valid image name"
        )
        assert not [r for r in emulator.requests if r.path.endswith("/create-image")]
        modal.query_one("#image-name").value = "my-env"  # type: ignore[attr-defined]
        modal.query_one("#image-namespace").value = "demo-team"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is app.main_screen
        assert "nlp-playground: image demo-team/my-env:v1 ACTIVE" in log_text(app)
        assert app.service.saved_images()[key].status == "ACTIVE"
        assert cell(app, key, "status") == "● RUNNING"  # the snapshot is over: running again
    posts = [r for r in emulator.requests if r.path.endswith("/create-image")]
    assert len(posts) == 1


async def test_start_available_succeeds_once_capacity_frees(
    nb_app: tuple[MakeApp, ClockSleep], emulator: Emulator
) -> None:
    build, sleep = nb_app
    app = build()
    emulator.capacity.sell_out(FLAVOR, 40)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        name = next(r.name for r in emulator.store.all() if r.status == "STOPPED" and r.flavor == FLAVOR)
        key = _key(app, name)
        put_cursor(app, key)
        await pilot.press("w")
        await settle(pilot)
        text = log_text(app)
        assert (
            f"{name}: attempt 1 found no capacity (ModelArts.6329 The flavor is sold out.); next in 15s"
            in text
        )
        assert (
            f"{name}: attempt 2 found no capacity (ModelArts.6329 The flavor is sold out.); next in 30s"
            in text
        )
        assert f"{name}: started" in text
        assert app.service.rows[key].instance.status == "RUNNING"
        assert key not in app.service.in_flight
    assert 15.0 in sleep.slept and 30.0 in sleep.slept


async def test_the_row_says_it_waits_and_w_again_cancels(
    make_app: MakeApp, emulator: Emulator, clock: ManualClock
) -> None:
    gate: list[object] = []

    async def held(seconds: float) -> None:  # the first backoff wait holds until the test lets go
        if seconds >= 15 and not gate:
            import asyncio

            event = asyncio.Event()
            gate.append(event)
            await event.wait()
        clock.advance(seconds)

    app = make_app(
        [emulator_profile(emulator, api="notebooks")], ui=NO_TIMER_POLLS, runtime=Runtime(sleep=held)
    )
    emulator.capacity.sell_out(FLAVOR)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        name = next(r.name for r in emulator.store.all() if r.status == "STOPPED" and r.flavor == FLAVOR)
        key = _key(app, name)
        put_cursor(app, key)
        await pilot.press("w")
        for _ in range(50):
            await pilot.pause()
            if gate:
                break
        assert cell(app, key, "status") == "◐ no capacity #1 · next 15s"  # the STATUS column widens
        assert app.service.rows[key].pending == "waiting for capacity (attempt 1, next in 15s)"
        await pilot.press("w")
        await settle(pilot)
        assert f"{name}: start when available cancelled" in log_text(app)
        assert key not in app.service.in_flight and not app.service.waiting_for_capacity(key)
        assert app.service.rows[key].instance.status == "STOPPED"
    assert len([r for r in emulator.requests if r.path.endswith("/start")]) == 1


def _set_tags(tags: dict[str, str], record: InstanceRecord, now: float) -> None:
    record.tags = tags


async def test_bulk_stop_of_every_notebook_tagged_team_cv_is_filter_mark_all_x(
    make_app: MakeApp, emulator: Emulator
) -> None:
    running = [r for r in emulator.store.all() if r.status == "RUNNING"]
    tagged = {r.uid for r in running[:2]}
    for rec in running[:3]:  # two of team cv, one of team nlp
        tags = {"team": "cv" if rec.uid in tagged else "nlp"}
        emulator.store.mutate(rec.uid, partial(_set_tags, tags))
    app = make_app([emulator_profile(emulator, api="notebooks")], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"tag:team=cv", "enter")
        shown = [r.key.value for r in app.main_screen.query_one("InstanceTable").ordered_rows]  # type: ignore[attr-defined]
        assert {k.partition("/")[2] for k in shown} == tagged
        await pilot.press("asterisk", "x")
        await pilot.pause()
        await pilot.press("left", "enter")  # from Cancel to Stop
        await settle(pilot)
    stops = [
        r.path.split("/")[-2] for r in emulator.requests if r.method == "POST" and r.path.endswith("/stop")
    ]
    assert sorted(stops) == sorted(tagged)
