"""Countdown cells: minute precision under an hour, 5-minute steps above, never more than is left."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tui.core.models import AutoStop, Instance
from tui.service.models import Row
from tui.ui.cells import clock_cells, columns_for, countdown_text, row_cells

NOW_MS = 1_750_000_000_000


def _running(left_s: int) -> Instance:
    return Instance("i-00000001", "box", "RUNNING", auto_stop=AutoStop(True, 3600, NOW_MS + left_s * 1000))


@pytest.mark.parametrize(
    ("left_s", "text", "warn"),
    [
        (2 * 3600 + 27 * 60 + 30, "2h 25m", False),
        (3600 + 4 * 60, "1h 00m", False),
        (59 * 60 + 59, "59m", False),
        (12 * 60 + 5, "! 12m", True),
        (0, "! due", True),
    ],
)
def test_countdown_text(left_s: int, text: str, warn: bool) -> None:
    assert countdown_text(_running(left_s), NOW_MS) == (text, warn)


def test_a_stopped_instance_has_no_countdown() -> None:
    stopped = Instance("i-00000001", "box", "STOPPED", auto_stop=AutoStop(True, 3600, NOW_MS + 60_000))
    assert countdown_text(stopped, NOW_MS) == ("—", False)


_DAY_MS = 86_400_000
_LAYOUT = columns_for(200, profiles=True)


@settings(max_examples=400, deadline=None)
@given(
    now_ms=st.integers(NOW_MS - 3 * _DAY_MS, NOW_MS + 3 * _DAY_MS),
    stop_in_ms=st.one_of(st.none(), st.integers(-120_000, 3 * _DAY_MS)),
    age_ms=st.one_of(st.none(), st.integers(-120_000, 3 * _DAY_MS)),
    fetched_ago_ms=st.one_of(st.none(), st.integers(0, _DAY_MS)),
    stale=st.booleans(),
    status=st.sampled_from(["RUNNING", "STOPPED", "STARTING"]),
    later_ms=st.integers(0, 2 * 60_000),
)
@example(NOW_MS, 30_000, None, None, False, "RUNNING", 29_500)  # "<1m" -> "! due" under a second left
@example(NOW_MS, 90_000, None, None, False, "RUNNING", 30_001)  # "1m" -> "<1m"
@example(NOW_MS, None, 59_000, None, False, "RUNNING", 1_000)  # age "<1m" -> "1m"
@example(NOW_MS, None, None, 59_999, True, "STOPPED", 2)  # no stale mark -> "~1m"
def test_clock_cells_change_no_text_before_the_time_they_give(
    now_ms: int,
    stop_in_ms: int | None,
    age_ms: int | None,
    fetched_ago_ms: int | None,
    stale: bool,
    status: str,
    later_ms: int,
) -> None:
    """A tick skips a row until ``clock_cells`` says; so no text of it may move before then, and
    the texts it leaves out never move with the clock."""
    auto = None if stop_in_ms is None else AutoStop(True, 3600, now_ms + stop_in_ms)
    created = None if age_ms is None else now_ms - age_ms
    fetched = None if fetched_ago_ms is None else (now_ms - fetched_ago_ms) / 1000 + 0.0004
    inst = Instance("i-00000001", "box", status, created_ms=created, auto_stop=auto)
    row = Row("p/i-00000001", "p", inst, fetched_at=fetched)
    moving, due_ms = clock_cells(row, stale=stale, now_ms=now_ms, recent_ms=2 * _DAY_MS)
    assert due_ms > now_ms
    then_ms = now_ms + later_ms

    def texts(at_ms: int) -> dict[str, tuple[str, str]]:
        return row_cells(row, _LAYOUT, marked=False, stale=stale, now=at_ms / 1000)

    before, after = texts(now_ms), texts(then_ms)
    changed = {key for key in before if before[key] != after[key]}
    assert changed <= set(moving) | ({"age"} if created is not None else set())
    if then_ms < due_ms - 2:  # the stale mark counts from a float: its time may come 2 ms late
        assert not changed & set(moving)
