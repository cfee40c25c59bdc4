"""The credential gate of one profile: count refusals, pause before the gateway locks the AK.

Credentials refused ``AUTH_PAUSE_AFTER`` times in a row (HTTP 401) pause the profile: nothing
more is sent for it (the gateway locks an AK for 5 minutes after more than 5 failures) until
``reset``. Until its credentials have been accepted once, its calls go one at a time, so a bulk
action cannot fire a burst of refusals. A reset lifts the pause but keeps the count: one more
refusal pauses again at once, since the gateway counts them too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from tui.config.model import AUTH_AKSK, AUTH_PASSWORD, Profile
from tui.core.domain import LOCKOUT_FAILURES, LOCKOUT_S
from tui.core.errors import ApiError, AuthError, AuthPausedError, ModelArtsError, ServerError, ThrottledError

T = TypeVar("T")

AUTH_PAUSE_AFTER = 3
"""Consecutive credential refusals (HTTP 401) after which a profile sends nothing more."""


def refused_credentials(error: ModelArtsError) -> bool:
    """A 401: a wrong AK/SK or signature (APIGW.0301), a bad token, a wrong IAM password."""
    return isinstance(error, AuthError) and error.status == 401


def accepted_credentials(error: ModelArtsError) -> bool:
    """An answer only the service behind the gateway gives: the credentials passed."""
    return (
        isinstance(error, ApiError)
        and not isinstance(error, AuthError | ThrottledError | ServerError)
        and error.code.startswith("ModelArts.")
    )


def pause_message(profile: Profile, failures: int, last: ModelArtsError) -> str:
    """What the pause says: how many refusals, what the server does next, what to check."""
    code = getattr(last, "code", "") or f"HTTP {getattr(last, 'status', '?')}"
    head = f"profile {profile.name!r} stopped: {failures} "
    if profile.auth == AUTH_AKSK:
        return (
            head + f"signature failures in a row ({code}); the gateway locks the AK for "
            f"{LOCKOUT_S // 60} minutes after {LOCKOUT_FAILURES} — check AK/SK and clock, then refresh (r) "
            "to try again"
        )
    if profile.auth == AUTH_PASSWORD:
        return (
            head + f"sign-in refusals in a row ({code}); IAM can lock a user after repeated wrong passwords "
            "— check domain, user and password, then refresh (r) to try again"
        )
    return head + f"token refusals in a row ({code}) — set a valid token (e), then refresh (r) to try again"


class CredentialGate:
    """Whether profile ``profile`` may send, and the count of its refused credentials."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.refusals = 0
        """Credential refusals in a row (kept across ``reset``, cleared by an accepted call)."""
        self.accepted = False
        """True once a call's credentials passed: calls may then run side by side."""
        self.paused: AuthPausedError | None = None
        """Why nothing is sent, or None."""
        self._lock = asyncio.Lock()

    def reset(self) -> None:
        """Let a paused profile send again (the user asked for it)."""
        self.paused = None

    def check(self) -> None:
        """Raise the pause when there is one (nothing is sent)."""
        if self.paused is not None:
            raise self.paused

    async def run(self, call: Callable[[], Awaitable[T]]) -> T:
        """Run one call, counting refusals; one at a time until the credentials were accepted."""
        self.check()
        if not self.accepted:
            async with self._lock:
                self.check()
                if not self.accepted:
                    return await self._counted(call)
            self.check()
        return await self._counted(call)

    async def _counted(self, call: Callable[[], Awaitable[T]]) -> T:
        try:
            result = await call()
        except ModelArtsError as error:
            self.record(error)
            raise
        self._accept()
        return result

    def record(self, error: ModelArtsError) -> None:
        """Count what a failed call says about the credentials."""
        if refused_credentials(error):
            self.accepted = False
            self.refusals += 1
            if self.refusals >= AUTH_PAUSE_AFTER:
                self.paused = AuthPausedError(
                    pause_message(self.profile, self.refusals, error),
                    profile=self.profile.name,
                    failures=self.refusals,
                    last=error,
                )
        elif accepted_credentials(error):
            self._accept()

    def _accept(self) -> None:
        self.accepted = True
        self.refusals = 0
