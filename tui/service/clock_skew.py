"""The server's clock against ours, for one profile: stop plans shown on the local clock."""

from __future__ import annotations

from dataclasses import replace

from tui.core.models import Instance


def to_local_clock(instance: Instance, skew_s: float | None) -> Instance:
    """Shift a server-time stop plan onto the local clock (skew = server Date - local clock).

    The countdown is ``stop_at - local now``; without this a local clock 5 minutes behind
    would show 5 minutes more than the server will give. Under 2 s (Date's resolution) is noise.
    """
    auto = instance.auto_stop
    if auto is None or auto.stop_at_ms is None or skew_s is None or abs(skew_s) < 2:
        return instance
    shifted = replace(auto, stop_at_ms=auto.stop_at_ms - int(skew_s * 1000))
    return replace(instance, auto_stop=shifted)


class SteadySkew:
    """The skew the stop plans are shifted by: it follows the measured one only when that moved 2 s.

    ``Date`` has whole seconds, so the measured skew jitters by one from poll to poll; shifting
    every stop plan by that jitter would make every running row look changed on every poll.
    """

    def __init__(self) -> None:
        self.applied: float | None = None

    def follow(self, measured: float | None) -> float | None:
        """The skew to apply now, given the one measured at the last answer."""
        if measured is None or (self.applied is not None and abs(measured - self.applied) < 2):
            return self.applied if measured is not None else None
        self.applied = measured
        return measured
