"""Capacity that comes and goes, on the emulator clock: sold-out flavors and short resources.

sold out   the flavor lists ``sold_out: true``; create and start answer 400 ModelArts.6329,
           a flavor change to it 400 ModelArts.6716.
short      the flavor looks available, but a create answers 400 ModelArts.6360 and a start is
           accepted and ends in START_FAILED with a 6360 reason.
Each holds until a time (epoch seconds on the emulator clock) or for ever (None).
"""

from __future__ import annotations

import threading

from tui.emulator.clock import Clock

SOLD_OUT = ("ModelArts.6329", "The flavor {flavor} is sold out. Select another flavor or try again later.")
SOLD_OUT_CHANGE = ("ModelArts.6716", "The flavor {flavor} is sold out and cannot be switched to now.")
SHORT = ("ModelArts.6360", "Insufficient resources for the flavor {flavor}. Try again later.")


def parse_window(text: str) -> tuple[str, float | None]:
    """``FLAVOR`` or ``FLAVOR:SECONDS`` -> (flavor, seconds or None); ValueError when malformed."""
    flavor, sep, seconds = text.partition(":")
    if not flavor.strip():
        raise ValueError(f"no flavor in {text!r}")
    if not sep:
        return flavor.strip(), None
    value = float(seconds)
    if value < 0:
        raise ValueError(f"negative seconds in {text!r}")
    return flavor.strip(), value


class Capacity:
    """Which flavors are sold out or short now; thread-safe, changed by tests and the CLI."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._sold_out: dict[str, float | None] = {}
        self._short: dict[str, float | None] = {}

    def sell_out(self, flavor: str, seconds: float | None = None) -> None:
        """Sell ``flavor`` out now, for ``seconds`` (None: until ``free``)."""
        with self._lock:
            self._sold_out[flavor] = None if seconds is None else self.clock() + seconds

    def make_short(self, flavor: str, seconds: float | None = None) -> None:
        """Make starts of ``flavor`` fail for lack of resources, for ``seconds`` (None: until ``free``)."""
        with self._lock:
            self._short[flavor] = None if seconds is None else self.clock() + seconds

    def free(self, flavor: str) -> None:
        """Capacity for ``flavor`` is back."""
        with self._lock:
            self._sold_out.pop(flavor, None)
            self._short.pop(flavor, None)

    @staticmethod
    def _holds(table: dict[str, float | None], flavor: str, now: float) -> bool:
        if flavor not in table:
            return False
        until = table[flavor]
        return until is None or now < until

    def sold_out(self, flavor: str, now: float) -> bool:
        """True while ``flavor`` is sold out by a knob (the static catalog flag is separate)."""
        with self._lock:
            return self._holds(self._sold_out, flavor, now)

    def short(self, flavor: str, now: float) -> bool:
        """True while ``flavor`` is short of resources."""
        with self._lock:
            return self._holds(self._short, flavor, now)
