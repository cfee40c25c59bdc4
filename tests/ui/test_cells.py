"""Countdown cells: minute precision under an hour, 5-minute steps above, never more than is left."""

from __future__ import annotations

import pytest

from tui.core.models import AutoStop, Instance
from tui.ui.cells import countdown_text

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
