"""A big first load paints a screenful first and appends the rest a chunk per frame, in table
order; anything that needs every row (a cursor move, marks, a new row) appends the rest at once."""

from __future__ import annotations

import pytest

from tests.ui.uihelpers import MakeApp, settle, table_of
from tui.emulator import EmulatorConfig, ManualClock
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
