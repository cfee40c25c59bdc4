"""How long a profile's temporary credential (a security token from STS, a pre-issued token) lasts.

The header shows ``expires in 8m`` (``service.present.duration_text``); from ``EXPIRY_WARNING_S`` before the end it is a warning, and
after the end it says ``expired 3m ago`` plainly. Computed once here for the TUI and the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass

from tui.config.credentials import expiry_epoch
from tui.config.model import Profile
from tui.service.present import duration_text

EXPIRY_WARNING_S = 10 * 60
"""Warn this long before a temporary credential expires."""

LEVEL_OK, LEVEL_WARNING, LEVEL_EXPIRED = "ok", "warning", "expired"


@dataclass(frozen=True, slots=True)
class Expiry:
    """What to show about a profile's credential lifetime."""

    text: str
    """``expires in 8m``, ``expires in 2h 05m``, ``expired 3m ago`` (durations as the table writes them)."""
    level: str
    """``"ok"``, ``"warning"`` (within ten minutes of the end) or ``"expired"``."""
    expires_at: float
    """Epoch seconds."""


def expiry_note(profile: Profile, now: float) -> Expiry | None:
    """The lifetime of the profile's credential at ``now``; None when it has no ``expires_at``."""
    if not profile.expires_at:
        return None
    at = expiry_epoch(profile.expires_at)
    if at is None:
        return None
    left = at - now
    if left <= 0:
        return Expiry(f"expired {duration_text(-left)} ago", LEVEL_EXPIRED, at)
    level = LEVEL_WARNING if left <= EXPIRY_WARNING_S else LEVEL_OK
    return Expiry(f"expires in {duration_text(left)}", level, at)
