"""A big first load paints a screenful first and appends the rest a chunk per frame, in table
order; anything that needs every row (a cursor move, marks, a new row) appends the rest at once.
A poll while rows are still waiting (rows gone, changed, filtered out) loses none and shows none
it should not, in the right order, and the count says so at once."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.ui.uihelpers import MakeApp, settle, table_of
from tui.emulator import EmulatorConfig, ManualClock
from tui.service import Row
from tui.ui.app import ModelArtsApp
from tui.ui.widgets.instance_table import InstanceTable

ROWS = 60


@pytest.fixture
def emulator_config(clock: ManualClock) -> EmulatorConfig:
    return EmulatorConfig(clock=clock, instances=ROWS)


@pytest.fixture(autouse=True)
def small_feed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(InstanceTable, "feed_over", 20)
    monkeypatch.setattr(InstanceTable, "feed_first", 10)
    monkeypatch.setattr(InstanceTable, "feed_chunk", 15)


async def test_a_big_load_comes_in_a_chunk_a_frame_in_table_order(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[int, int]] = []
    feed = InstanceTable._feed

    def counted(table: InstanceTable, run: int) -> None:
        seen.append((table.row_count, table.visible_count))
        feed(table, run)

    monkeypatch.setattr(InstanceTable, "_feed", counted)
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(10):
            await pilot.pause()
        table = table_of(app)
        assert seen[:4] == [(10, ROWS), (25, ROWS), (40, ROWS), (55, ROWS)]
        assert table.row_count == ROWS and table.feed_left == 0
        assert [r.key.value for r in table.ordered_rows] == table._sorted_visible()


async def test_what_needs_every_row_appends_the_rest_at_once(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(10):
            await pilot.pause()
        table = table_of(app)
        order = [r.key.value for r in table.ordered_rows]
        table.set_filter("zzz-nothing")
        table.set_filter("")  # a rebuild into an empty table: fed again
        assert table.row_count == 10 and table.visible_count == ROWS
        table.set_rows(table.rows_by_key().values())  # a poll that changed nothing: still feeding
        assert table.row_count == 10
        assert table.move_to(order[-1])  # a row still waiting: appended first
        assert table.row_count == ROWS and table.cursor_key == order[-1]
        assert [r.key.value for r in table.ordered_rows] == order
        table.set_filter("zzz-nothing")
        table.set_filter("")
        assert table.mark_all() == ROWS and table.row_count == ROWS


async def test_a_first_page_then_the_whole_list_is_fed_again_in_order(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        for _ in range(10):
            await pilot.pause()
        table = table_of(app)
        rows = list(table.rows_by_key().values())
        top = [table.rows_by_key()[r.key.value or ""] for r in table.ordered_rows[:5]]
        table.set_rows(top)  # what a first page shows: the first by name
        assert table.row_count == 5
        table.set_rows(rows)  # the whole list: a screenful again at once, the rest fed
        assert table.row_count == 10 and table.visible_count == ROWS
        for _ in range(10):
            await pilot.pause()
        assert table.row_count == ROWS
        assert [r.key.value for r in table.ordered_rows] == table._sorted_visible()


def _shown(table: InstanceTable) -> list[str]:
    return [r.key.value or "" for r in table.ordered_rows]


def _with_status(row: Row, status: str) -> Row:
    return dataclasses.replace(row, instance=dataclasses.replace(row.instance, status=status))


async def _drain(pilot: Pilot[Any]) -> None:
    for _ in range(10):
        await pilot.pause()


async def _feeding(
    pilot: Pilot[Any], app: ModelArtsApp, filter_text: str = ""
) -> tuple[InstanceTable, list[str]]:
    """All rows loaded, then fed again (a rebuild): 10 shown, 50 waiting; and every key in table order."""
    await settle(pilot)
    await _drain(pilot)
    table = table_of(app)
    table.set_filter(filter_text)
    await _drain(pilot)
    order = _shown(table)
    assert len(order) == ROWS
    table.set_filter("zzz-nothing")
    table.set_filter(filter_text)
    assert table.row_count == 10 and table.feed_left == ROWS - 10
    return table, order


async def test_a_poll_that_removes_every_row_shown_mid_feed_loses_none_of_the_rest(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table, order = await _feeding(pilot, app)
        rows = table.rows_by_key()
        table.set_rows([rows[k] for k in order[10:]])  # the 10 shown vanish (deleted, a profile removed)
        assert table.visible_count == ROWS - 10
        await _drain(pilot)
        assert _shown(table) == order[10:] and table.visible_count == ROWS - 10


async def test_a_poll_that_removes_rows_still_waiting_counts_and_shows_the_others(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table, order = await _feeding(pilot, app)
        rows = table.rows_by_key()
        gone = {order[3], order[20], order[-1]}  # one shown, two waiting
        table.set_rows([rows[k] for k in order if k not in gone])
        assert table.row_count == 9 and table.visible_count == ROWS - 3  # still fed, counted right
        await _drain(pilot)
        assert _shown(table) == [k for k in order if k not in gone] and table.visible_count == ROWS - 3


async def test_a_waiting_row_that_stops_matching_the_filter_is_never_shown(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table, order = await _feeding(pilot, app, "!status:zzzfailed")  # every row matches, for now
        rows = dict(table.rows_by_key())
        polled, updated = order[-1], order[-2]  # both still waiting
        rows[polled] = _with_status(rows[polled], "ZZZFAILED")
        table.set_rows(rows.values())
        assert table.row_count == 10 and table.visible_count == ROWS - 1
        table.update_row(_with_status(rows[updated], "ZZZFAILED"))  # an action's answer, say
        await _drain(pilot)
        assert _shown(table) == order[:-2] and table.visible_count == ROWS - 2


async def test_a_waiting_row_whose_sort_value_changes_is_shown_in_its_new_place(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        table = table_of(app)
        table.set_sort("status", False)
        table, order = await _feeding(pilot, app)
        rows = dict(table.rows_by_key())
        polled, updated = order[-1], order[-2]  # last by status, still waiting
        rows[polled] = _with_status(rows[polled], "AAA")
        table.set_rows(rows.values())
        await _drain(pilot)
        assert _shown(table)[0] == polled and _shown(table) == table._sorted_visible()
        table.set_filter("zzz-nothing")
        table.set_filter("")
        assert updated in table.feed_waiting()
        table.update_row(_with_status(rows[updated], "AAAA"))  # an action's answer, say
        await _drain(pilot)
        assert _shown(table)[:2] == [polled, updated] and _shown(table) == table._sorted_visible()
        assert table.visible_count == ROWS


async def test_a_waiting_row_changed_but_sorted_as_before_keeps_the_feed(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table, order = await _feeding(pilot, app)  # by name
        rows = dict(table.rows_by_key())
        rows[order[-1]] = _with_status(rows[order[-1]], "AAA")
        table.set_rows(rows.values())
        assert table.row_count == 10 and table.visible_count == ROWS  # not appended at once
        await _drain(pilot)
        assert _shown(table) == order and table.row_for(order[-1]) == rows[order[-1]]


async def test_a_cursor_on_a_row_filtered_out_does_not_append_every_row_at_once(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        table, order = await _feeding(pilot, app)
        assert table.move_to(order[0])
        name = table.rows_by_key()[order[0]].instance.name
        table.set_filter(f"!{name}$")  # the cursor's row fails it, the 59 others pass
        assert table.row_count == 10 and table.visible_count == ROWS - 1
        await _drain(pilot)
        assert _shown(table) == order[1:]


async def test_first_pages_of_three_profiles_then_the_whole_lists_are_fed_again_in_order(
    make_app: MakeApp,
) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _drain(pilot)
        table = table_of(app)
        rows = list(table.rows_by_key().values())
        order = _shown(table)
        table.set_rows([table.rows_by_key()[k] for k in order[:11]])  # more shown than a screenful
        table.set_rows(rows)  # 49 new: more than feed_over and than those shown
        assert table.row_count == 10 and table.visible_count == ROWS
        await _drain(pilot)
        assert _shown(table) == order


async def test_fewer_new_rows_than_shown_are_appended_at_once_in_order(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await _drain(pilot)
        table = table_of(app)
        rows = list(table.rows_by_key().values())
        order = _shown(table)
        table.set_rows([table.rows_by_key()[k] for k in order[::2]])  # 30 shown
        table.set_rows(rows)  # 30 new: more than feed_over, not more than those shown
        assert table.row_count == ROWS and table.feed_left == 0
        assert _shown(table) == order
