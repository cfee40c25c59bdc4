"""Temporary credentials on the main screen: their lifetime in the header, one flash when it runs short.

``expiries`` gives the header's (profile, text, level) for every profile with an ``expires_at``
(``tui.service.expiry``: ``expires in 25m``, a warning from ten minutes before, ``expired 3m ago``).
``ExpiryWatch.news`` says what to flash, once per profile and level: a warning ten minutes before
the end, and plainly once it has passed.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui.config.model import Profile
from tui.service.expiry import LEVEL_EXPIRED, LEVEL_OK, LEVEL_WARNING, expiry_note
from tui.ui.widgets.flash import Level


def expiries(profiles: Iterable[Profile], now: float) -> tuple[tuple[str, str, str], ...]:
    """(profile name, ``expires in 8m``, level) for each profile whose credential expires."""
    out: list[tuple[str, str, str]] = []
    for profile in profiles:
        note = expiry_note(profile, now)
        if note is not None:
            out.append((profile.name, note.text, note.level))
    return tuple(out)


class ExpiryWatch:
    """Which profiles were told that their credential runs short or has run out (one flash each)."""

    def __init__(self) -> None:
        self._told: dict[str, str] = {}

    def news(self, profiles: Iterable[Profile], now: float) -> list[tuple[str, Level]]:
        """What to flash now: the profiles that just reached the warning or the end."""
        out: list[tuple[str, Level]] = []
        for profile in profiles:
            note = expiry_note(profile, now)
            level = note.level if note is not None else LEVEL_OK
            if note is None or level == LEVEL_OK:
                self._told.pop(profile.name, None)  # renewed: tell again next time
                continue
            if self._told.get(profile.name) == level:
                continue
            self._told[profile.name] = level
            if level == LEVEL_WARNING:
                text = (
                    f"profile {profile.name}: its temporary credentials {note.text}; renew them (e: settings)"
                )
                out.append((text, "warn"))
            elif level == LEVEL_EXPIRED:
                text = (
                    f"profile {profile.name}: its temporary credentials {note.text}; "
                    "IAM refuses them until they are renewed (e: settings)"
                )
                out.append((text, "error"))
        return out
