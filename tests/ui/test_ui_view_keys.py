"""Sort, filter, marks and yank on the main screen, as a user sees them (issue 11)."""

from __future__ import annotations

from tests.ui.uihelpers import MakeApp, cell, emulator_profile, put_cursor, settle, table_of
from tui.emulator import Emulator
from tui.ui.app import ModelArtsApp

SIZE = (80, 24)


def names(app: ModelArtsApp) -> list[str]:
    return [cell(app, r.key.value or "", "name") for r in table_of(app).ordered_rows]


def header_labels(app: ModelArtsApp) -> list[str]:
    return [c.label.plain for c in table_of(app).ordered_columns]


async def test_default_order_is_by_name_and_marked_in_the_header(
    make_app: MakeApp, emulator: Emulator
) -> None:
    app = make_app([emulator_profile(emulator, api="notebooks")])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = names(app)
        assert shown == sorted(shown) and len(shown) == 12
        assert "NAME▲" in header_labels(app)


async def test_shift_letters_sort_and_a_second_press_reverses_keeping_the_cursor(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = table_of(app)
        put_cursor(app, next(k for k, r in app.service.rows.items() if r.instance.name == "llm-eval-74"))
        await pilot.press("S")
        statuses = [app.service.rows[r.key.value or ""].instance.status for r in table.ordered_rows]
        assert statuses == sorted(statuses)
        assert "STATUS▲" in header_labels(app) and "NAME" in header_labels(app)
        assert cell(app, table.cursor_key or "", "name") == "llm-eval-74"
        await pilot.press("S")
        statuses = [app.service.rows[r.key.value or ""].instance.status for r in table.ordered_rows]
        assert statuses == sorted(statuses, reverse=True)
        assert "STATUS▼" in header_labels(app)
        assert cell(app, table.cursor_key or "", "name") == "llm-eval-74"
        await pilot.press("N")
        assert names(app) == sorted(names(app)) and "NAME▲" in header_labels(app)
        await pilot.press("N")
        assert names(app) == sorted(names(app), reverse=True) and "NAME▼" in header_labels(app)


async def test_sort_by_time_left_puts_the_soonest_stop_first(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("T")
        assert "AUTO-STOP▲" in header_labels(app)
        left = [cell(app, r.key.value or "", "autostop") for r in table_of(app).ordered_rows]
        assert left[:4] == ["! 9m", "1h 25m", "2h 30m", "19h 25m"]
        assert set(left[4:]) == {"—", "off"}  # no countdown: last


async def test_sort_by_age_and_by_profile(make_app: MakeApp, emulator: Emulator) -> None:
    app = make_app([emulator_profile(emulator, "lab"), emulator_profile(emulator, "prod")])
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("P", "P")
        profiles = [cell(app, r.key.value or "", "profile") for r in table_of(app).ordered_rows]
        assert profiles == ["prod"] * 12 + ["lab"] * 12
        assert "PROFILE▼" in header_labels(app)
        await pilot.press("A")
        ages = [cell(app, r.key.value or "", "age") for r in table_of(app).ordered_rows]
        assert ages[:2] == ["<1m", "<1m"] and ages[-2:] == ["100d", "100d"]


async def test_filter_words_negation_fields_and_header(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"gpu stopped")
        assert names(app) == ["asr-whisper-8", "cv-lab-gpu", "yolo-detect-4"]
        assert app.main_screen.header.text.endswith("| filter: gpu stopped (3 of 12) · updated just now")
        await pilot.press("ctrl+u", *"!running status:^s")
        shown = {app.service.rows[r.key.value or ""].instance.status for r in table_of(app).ordered_rows}
        assert shown == {"STOPPED", "STOPPING", "STARTING", "START_FAILED"}
        await pilot.press("ctrl+u", *"^bert")
        assert names(app) == ["bert-finetune-6"]
        await pilot.press("ctrl+u", *"flavor:npu")
        assert names(app) == ["mindspore-demo"]
        await pilot.press("ctrl+u", *"size:big")
        assert app.main_screen.flash_line.level == "warn"
        assert app.main_screen.flash_line.text.startswith("no field 'size' (fields: alias, flavor, id")
        await pilot.press("escape")
        assert table_of(app).row_count == 12 and "filter:" not in app.main_screen.header.text


async def test_mark_all_visible_then_unmark_all(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"gpu", "enter")
        await pilot.press("asterisk")
        table = table_of(app)
        assert len(table.marked) == table.row_count == 7
        assert all(cell(app, k, "mark") == "▌" for k in table.marked)
        assert "7 marked" in app.main_screen.header.text
        assert app.main_screen.flash_line.text == "7 marked: actions apply to them (u unmarks)"
        await pilot.press("u")
        assert table.marked == [] and "marked" not in app.main_screen.header.text
        assert app.main_screen.flash_line.text == "7 unmarked"
        for key in ("ctrl+space", "ctrl+@"):
            await pilot.press(key)
            assert len(table.marked) == 7
            await pilot.press("u")


async def test_y_copies_the_id_and_shift_y_the_name(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        key = next(k for k, r in app.service.rows.items() if r.instance.name == "cv-lab-gpu")
        put_cursor(app, key)
        instance_id = app.service.rows[key].instance.id
        await pilot.press("y")
        assert app.clipboard == instance_id
        assert app.main_screen.flash_line.text == f"copied id {instance_id}"
        await pilot.press("Y")
        assert app.clipboard == "cv-lab-gpu"
        assert app.main_screen.flash_line.text == "copied name cv-lab-gpu"
