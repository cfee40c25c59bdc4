"""Create, delete and resize from the keyboard (Pilot), against the emulator over real sockets.

The create form (its pickers, its checks, sold-out flavors that cannot be chosen), the typed-name
delete (one row and marked rows), and a resize of a RUNNING instance through every step, each step
read off the row while it waits.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Button, Input, OptionList

from tests.ui.uihelpers import NO_TIMER_POLLS, MakeApp, cell, emulator_profile, put_cursor, settle
from tui.core.models import FAMILY_NOTEBOOKS
from tui.emulator import Emulator, ManualClock
from tui.service import Runtime, row_key
from tui.ui.screens.create import CreateScreen
from tui.ui.screens.delete import DeleteModal
from tui.ui.screens.resize import ResizeModal

T4, V100, A100 = "modelarts.vm.gpu.t4", "modelarts.vm.gpu.v100", "modelarts.vm.gpu.a100"
KUNPENG = "modelarts.vm.kunpeng.4u"


@pytest.fixture
def nb_app(make_app: MakeApp, emulator: Emulator) -> Callable[..., Any]:
    def build(**kwargs: Any) -> Any:
        profile = emulator_profile(emulator, api=FAMILY_NOTEBOOKS)
        return make_app([profile], ui=NO_TIMER_POLLS, **kwargs)

    return build


def _posts(emulator: Emulator, tail: str = "/notebooks") -> list[dict[str, Any]]:
    return [
        json.loads(r.body or b"{}") for r in emulator.requests if r.method == "POST" and r.path.endswith(tail)
    ]


async def test_the_create_form_offers_fitting_images_and_never_a_sold_out_flavor(
    nb_app: Callable[..., Any], emulator: Emulator
) -> None:
    app = nb_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CreateScreen)
        flavors = form.query_one("#create-flavors", OptionList)
        a100 = next(i for i, f in enumerate(form.flavors) if f.id == A100)
        assert flavors.get_option_at_index(a100).disabled
        assert "sold out" in str(flavors.get_option_at_index(a100).prompt)
        flavors.focus()
        flavors.highlighted = 0
        seen = []
        for _ in range(len(form.flavors) + 2):  # down past the end: every flavor the keys reach
            seen.append(form.flavors[flavors.highlighted or 0].id)
            await pilot.press("down")
        assert A100 not in seen and T4 in seen and KUNPENG in seen
        flavors.highlighted = next(i for i, f in enumerate(form.flavors) if f.id == KUNPENG)
        await pilot.pause()
        images = form.query_one("#create-images", OptionList)
        assert [str(images.get_option_at_index(i).prompt) for i in range(images.option_count)] == [
            "ssh " + "mindspore1.7.0-py3.7-ubuntu18.04:1.0.3".ljust(58) + " build_in"
        ]
        flavors.highlighted = a100  # even set directly, a sold-out flavor is not a choice
        assert form.chosen_flavor() is None


async def test_the_create_form_checks_the_name_then_the_new_row_shows_creating(
    nb_app: Callable[..., Any], emulator: Emulator, clock: ManualClock
) -> None:
    app = nb_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CreateScreen)
        taken = next(r.instance.name for r in app.service.rows.values())
        for name, error in (
            ("bad name", "name: only letters, digits, - and _"),
            (taken, f"name: a notebook named {taken} exists in profile demo"),
            ("", "name: a name is needed"),
        ):
            form.query_one("#create-name", Input).value = name
            await pilot.press("ctrl+s")
            assert str(form.query_one("#create-error").render()) == error
        form.query_one("#create-name", Input).value = "from-the-form"
        form.query_one("#create-storage", Input).value = "9000"
        await pilot.press("ctrl+s")
        assert str(form.query_one("#create-error").render()) == "storage: between 5 and 4096 GB, not 9000"
        assert _posts(emulator) == []
        form.query_one("#create-flavors", OptionList).highlighted = [f.id for f in form.flavors].index(T4)
        await pilot.pause()
        form.query_one("#create-storage", Input).value = "30"
        form.query_one("#create-hours", Input).value = "4"
        form.query_one("#create-keys", Input).value = "key-a, key-b"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, CreateScreen)
        [body] = _posts(emulator)
        assert (body["name"], body["flavor"], body["volume"]["capacity"], body["lease"]) == (
            "from-the-form",
            T4,
            30,
            {"duration": 4 * 3_600_000, "type": "TIMING"},
        )
        assert body["endpoints"][0]["key_pair_names"] == ["key-a", "key-b"]
        key = next(k for k, r in app.service.rows.items() if r.instance.name == "from-the-form")
        assert cell(app, key, "status") == "◐ 1/4 Allocating storage"  # action_progress
        clock.advance(3.5)
        await pilot.press("r")
        await settle(pilot)
        assert cell(app, key, "status") == "● RUNNING"


async def test_delete_asks_for_the_typed_name_and_marked_rows_for_their_count(
    nb_app: Callable[..., Any], emulator: Emulator
) -> None:
    first = emulator.store.add("scratch-a", "STOPPED", FAMILY_NOTEBOOKS)
    second = emulator.store.add("scratch-b", "RUNNING", FAMILY_NOTEBOOKS)
    app = nb_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        put_cursor(app, row_key("demo", first))
        await pilot.press("ctrl+d")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, DeleteModal)
        button = modal.query_one("#delete", Button)
        await pilot.press(*"scratch", "enter")
        assert button.disabled and isinstance(app.screen, DeleteModal)
        await pilot.press(*"-a")
        assert not button.disabled
        await pilot.press("enter")
        await settle(pilot)
        deletes = [r.path.rsplit("/", 1)[-1] for r in emulator.requests if r.method == "DELETE"]
        assert deletes == [first]
        assert cell(app, row_key("demo", first), "status") == "◐ DELETING…"
        for key in (row_key("demo", second), row_key("demo", first)):
            put_cursor(app, key)
            await pilot.press("space")
        await pilot.press("ctrl+d")
        await settle(pilot)
        # the one DELETING is refused (nothing sent); the other is asked for
        modal = app.screen
        assert isinstance(modal, DeleteModal)
        await pilot.press("escape")
        await settle(pilot)
        assert [r.method for r in emulator.requests if r.method == "DELETE"] == ["DELETE"]


async def test_several_marked_rows_are_listed_and_deleted_together(
    nb_app: Callable[..., Any], emulator: Emulator
) -> None:
    ids = [emulator.store.add(f"batch-{n}", "STOPPED", FAMILY_NOTEBOOKS) for n in range(3)]
    app = nb_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for instance_id in ids:
            put_cursor(app, row_key("demo", instance_id))
            await pilot.press("space")
        await pilot.press("ctrl+d")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, DeleteModal)
        listed = str(modal.query_one("#delete-items Static").render())
        assert sorted(line.split()[-2] for line in listed.splitlines()) == ["batch-0", "batch-1", "batch-2"]
        await pilot.press(*"batch-0", "enter")
        assert isinstance(app.screen, DeleteModal)  # several: the count, not a name
        modal.query_one("#delete-typed", Input).value = "3"
        await pilot.press("enter")
        await settle(pilot)
        deleted = sorted(r.path.rsplit("/", 1)[-1] for r in emulator.requests if r.method == "DELETE")
        assert deleted == sorted(ids)


async def test_resize_of_a_running_instance_shows_every_step_on_its_row(
    nb_app: Callable[..., Any], emulator: Emulator, clock: ManualClock
) -> None:
    busy = emulator.store.add("busy-gpu", "RUNNING", FAMILY_NOTEBOOKS, V100)
    key = row_key("demo", busy)
    shown: list[str] = []
    holder: dict[str, Any] = {}

    async def sleep(seconds: float) -> None:  # the emulator's time passes; the row is read each wait
        shown.append(cell(holder["app"], key, "status"))
        clock.advance(seconds)

    app = holder["app"] = nb_app(runtime=Runtime(sleep=sleep))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        put_cursor(app, key)
        await pilot.press("R")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ResizeModal)
        assert "RUNNING: a new flavor stops it, changes it and starts it again (5 steps)." in str(
            modal.query_one("#resize-running").render()
        )
        picker = modal.query_one("#resize-flavors", OptionList)
        picker.highlighted = next(i for i, f in enumerate(modal.flavors, start=1) if f.id == T4)
        await pilot.press("enter")
        await settle(pilot)
        assert shown == ["◐ 2/5 wait…", "◐ 5/5 wait…"]
        assert cell(app, key, "status") == "● RUNNING"
        assert app.service.rows[key].instance.flavor == T4
        verbs = [r.path.rsplit("/", 1)[-1] for r in emulator.requests if r.method in ("POST", "PUT")]
        assert verbs == ["stop", busy, "start"]
