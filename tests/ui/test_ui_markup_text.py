"""Square brackets are text, never Textual markup: a flavor id from the server or a tag the user
typed that looks like ``[/]`` or ``[@click=app.quit]`` is shown as it is, and the app goes on.

Before: the create and resize pickers and the tag and save-image error lines parsed it as
markup, so ``[/]`` raised MarkupError (the app died) and ``[@click=…]`` made a clickable action.
"""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from tests.ui.uihelpers import NO_TIMER_POLLS, MakeApp, emulator_profile, put_cursor, settle
from tui.core.models import FAMILY_NOTEBOOKS
from tui.emulator import Emulator
from tui.emulator.catalog_nb import NB_FLAVORS, X86, NbFlavor
from tui.service import row_key
from tui.ui.screens.create import CreateScreen
from tui.ui.screens.resize import ResizeModal
from tui.ui.screens.save_image import SaveImageModal
from tui.ui.screens.tags import TagModal

HOSTILE_ID = "modelarts.vm.cpu.[/]x[@click=app.quit]"


@pytest.fixture
def hostile_flavor(monkeypatch: pytest.MonkeyPatch) -> str:
    """One more CPU flavor in the emulator's catalog, whose id is markup."""
    flavor = NbFlavor(HOSTILE_ID, X86, "CPU", 4, 16, description="CPU: [/]")
    monkeypatch.setitem(NB_FLAVORS, HOSTILE_ID, flavor)
    return HOSTILE_ID


def _prompts(picker: OptionList) -> list[str]:
    return [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]


def _shown(picker: OptionList) -> list[str]:
    return [picker.render_line(y).text.strip() for y in range(picker.size.height)]


async def test_a_flavor_id_with_brackets_is_shown_as_text_in_the_create_picker(
    make_app: MakeApp, emulator: Emulator, hostile_flavor: str
) -> None:
    app = make_app([emulator_profile(emulator, api=FAMILY_NOTEBOOKS)], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CreateScreen)
        picker = form.query_one("#create-flavors", OptionList)
        index = next(i for i, f in enumerate(form.flavors) if f.id == hostile_flavor)
        picker.highlighted = index
        await settle(pilot)
        assert any(line.startswith("vm.cpu.[/]x[@click=app.quit] CPU") for line in _shown(picker))
        assert form.chosen_flavor() is not None and form.chosen_flavor().id == hostile_flavor  # type: ignore[union-attr]


async def test_a_flavor_id_with_brackets_is_shown_as_text_in_the_resize_picker(
    make_app: MakeApp, emulator: Emulator, hostile_flavor: str
) -> None:
    uid = emulator.store.add("stopped-cpu", "STOPPED", FAMILY_NOTEBOOKS, "modelarts.vm.cpu.2u")
    app = make_app([emulator_profile(emulator, api=FAMILY_NOTEBOOKS)], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        put_cursor(app, row_key("demo", uid))
        await pilot.press("R")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, ResizeModal)
        picker = modal.query_one("#resize-flavors", OptionList)
        assert any(p.startswith("vm.cpu.[/]x[@click=app.quit] CPU") for p in _prompts(picker))
        assert any(line.startswith("vm.cpu.[/]x[@click=app.quit] CPU") for line in _shown(picker))


async def test_a_typed_tag_with_brackets_gets_its_error_line_not_a_crash(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app([emulator_profile(emulator, api=FAMILY_NOTEBOOKS)], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        key = next(k for k, r in app.service.rows.items() if r.instance.name == "nlp-playground")
        put_cursor(app, key)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, TagModal)
        await pilot.press(*"[/]", "enter")
        await pilot.pause()
        assert str(app.screen.query_one("#tag-error").render()) == "tag: '[/]' is not key=value"


async def test_a_typed_image_name_with_brackets_gets_its_error_line_not_a_crash(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app([emulator_profile(emulator, api=FAMILY_NOTEBOOKS)], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        key = next(k for k, r in app.service.rows.items() if r.instance.name == "nlp-playground")
        put_cursor(app, key)
        await pilot.press("i")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, SaveImageModal)
        await pilot.press(*"[/]", "enter")
        await pilot.pause()
        assert str(modal.query_one("#save-image-error").render()).startswith(
            "name: '[/]' is not a valid image name"
        )
