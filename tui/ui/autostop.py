"""Which running rows to warn about: auto-stop due within the profile's ``notify_minutes``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tui.core.models import Phase
from tui.service import Row


def stopping_soon(
    rows: Iterable[Row], minutes: Mapping[str, int], now_ms: int, seen: set[tuple[str, int]]
) -> list[tuple[Row, float]]:
    """Running rows whose auto-stop is due within their profile's ``minutes`` and not yet in
    ``seen`` (key, stop time), with the seconds left; each is added to ``seen`` (one warning)."""
    due: list[tuple[Row, float]] = []
    for row in rows:
        limit = minutes.get(row.profile, 0)
        auto = row.instance.auto_stop
        if not limit or row.gone or auto is None or row.instance.phase is not Phase.RUNNING:
            continue
        left = auto.remaining_s(now_ms)
        if left is None or left <= 0 or left > limit * 60 or auto.stop_at_ms is None:
            continue
        if (row.key, auto.stop_at_ms) not in seen:
            seen.add((row.key, auto.stop_at_ms))
            due.append((row, left))
    return due
