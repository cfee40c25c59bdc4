"""Clocks for the emulator: the real one, and a manual one that tests move by hand.

The emulator never sleeps to change state: every answer is computed from the clock's current
value, so a ``ManualClock`` drives transitions, auto-stop, leases, token expiry and lockouts
deterministically.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

Clock = Callable[[], float]
"""Epoch seconds, like ``time.time``."""

DEFAULT_START = 1_750_000_000.0
"""2025-06-15T15:06:40Z: where a ManualClock starts unless told otherwise."""


class ManualClock:
    """A clock that only moves when told to; calling it returns epoch seconds."""

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    @property
    def now(self) -> float:
        """The current value (same as calling the clock)."""
        return self()

    def advance(self, seconds: float) -> float:
        """Move forward by ``seconds`` (never backwards) and return the new time."""
        if seconds < 0:
            raise ValueError("a ManualClock only moves forward")
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, when: float) -> None:
        """Jump to ``when`` epoch seconds (forward or backward: tests of skew need both)."""
        with self._lock:
            self._now = float(when)

    def __repr__(self) -> str:
        return f"ManualClock({self():.3f})"
