"""The runtime a client runs in: clock, sleep, transport, timeout and limits, in one object.

The app, the CLI and the tests build one ``Runtime`` and hand it down (service -> factory ->
client -> HTTP session) instead of relaying each piece through every constructor. Tests pass
``Runtime(sleep=no_sleep, clock=manual)`` so nothing waits out real backoff.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

import httpx

from tui.core.limits import DEFAULT_DEADLINE_S, DEFAULT_MAX_BODY_BYTES

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[object]]
Transport = httpx.AsyncBaseTransport
"""What a runtime's transport is (the layers above name it without importing httpx)."""


@dataclass(frozen=True, slots=True)
class Limits:
    """How much the client and the service may send."""

    concurrency: int = 8
    """Actions of one bulk request that are in flight at once."""
    get_retries: int = 3
    """Times a GET is sent again after a 429, a 502/503/504 or a dropped connection."""
    action_sends: int = 6
    """POSTs one action may send in all under sustained 429s (a fresh read before each resend)."""
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    """The largest answer read, decoded (a gzip bomb stops here; ``tui.api.limits``)."""
    deadline_s: float = DEFAULT_DEADLINE_S
    """What one request may take in all: connect, send, auth flow and the whole body."""
    per_host: int = 24
    """Connections (and profile refreshes) open at once to one endpoint host: the bound of the
    pool the profiles on that host share (``[ui] connections_per_host``)."""
    max_pages: int = 1000
    """Pages one instance list reads at most (50,000 notebooks at 50 a page); past it the list
    stops and says so (``Listing.cut``: a warning naming the profile and the counts)."""
    refresh_deadline: float = 90.0
    """Seconds one profile's refresh may take from its turn in the pool, every page, retry and
    sign-in included; past it the profile is failed and its old rows stay, marked stale."""


@dataclass(frozen=True, slots=True)
class Runtime:
    """Everything a client needs from the world outside it."""

    clock: Clock = time.time
    sleep: Sleep = asyncio.sleep
    transport: Transport | None = None
    """The tests' network seam (an httpx transport); None: the real network. A client built on
    it closes it; ``InstanceService`` lends it to its clients (``BorrowedTransport``)."""
    timeout: float = 10.0
    limits: Limits = field(default_factory=Limits)
    pages: asyncio.Semaphore | None = None
    """List pages in flight at once to this client's host, shared by every listing there
    (``HostPools.pages``); None: each listing bounds its own pages."""
    alarm: Sleep = asyncio.sleep
    """What waits out a deadline (a profile's refresh): apart from ``sleep``, so tests that skip
    backoff still have deadlines, and a test can fire a deadline when it chooses."""

    def but(self, **changes: object) -> Runtime:
        """A copy with some fields changed (those given as None keep their value)."""
        given = {k: v for k, v in changes.items() if v is not None}
        names = (
            "concurrency",
            "get_retries",
            "action_sends",
            "max_body_bytes",
            "deadline_s",
            "per_host",
            "refresh_deadline",
            "max_pages",
        )
        limits = {k: given.pop(k) for k in names if k in given}
        if limits:
            given["limits"] = replace(self.limits, **limits)  # type: ignore[arg-type]
        return replace(self, **given)  # type: ignore[arg-type]


class BorrowedTransport(httpx.AsyncBaseTransport):
    """A shared transport as one client sees it: closing the client must not close it."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        return None
