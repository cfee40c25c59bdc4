"""Pieces of the service that need no service state: clock shifts, error wording,
the patience for throttled actions, and what a credential refusal means."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

import httpx

from tui.api.constants import LOCKOUT_FAILURES, LOCKOUT_S
from tui.api.transport import backoff_delay
from tui.config.model import AUTH_AKSK, AUTH_PASSWORD, Profile
from tui.core.errors import ApiError, AuthError, ModelArtsError, ServerError, ThrottledError
from tui.core.models import Instance
from tui.service.factory import Sleep

T = TypeVar("T")


class BorrowedTransport(httpx.AsyncBaseTransport):
    """A transport the caller owns: clients built on it must not close it for the others."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        return None


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


def describe_error(error: ModelArtsError) -> str:
    """One line for a status bar or a CLI: the error, then what it means when known."""
    meaning = f" — {error.meaning}" if error.meaning else ""
    return f"{error}{meaning}"


THROTTLED_ROUNDS = 3
"""How many more times an action the client gave up on with 429s is tried, after the wait asked for."""


async def patiently(attempt: Callable[[], Awaitable[T]], sleep: Sleep) -> T:
    """``attempt()``, tried ``THROTTLED_ROUNDS`` more times when the client gave up on 429s.

    A 429 means the gateway passed nothing on, so sending again is safe; in a bulk action the
    client's own few tries run out while the other actions keep the gateway's bucket empty.
    """
    for round_ in range(1, THROTTLED_ROUNDS + 1):
        try:
            return await attempt()
        except ThrottledError as error:
            await sleep(backoff_delay(round_, error))
    return await attempt()


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
