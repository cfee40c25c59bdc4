"""Start when available: a start that meets a sold-out flavor or short resources is tried again.

A part of ``InstanceService`` (the ``start_available`` action). A start fails for capacity when
the answer is one of ``CAPACITY_CODES`` or the instance ends in START_FAILED with such a reason;
then the service waits (15 s, 30 s, then 60 s between attempts) and starts again, until the
instance runs or the deadline passes. Every attempt is reported to ``on_attempt`` (the log panel,
the CLI's stderr) and shown on the row; ``cancel_waiting`` ends the wait at once. Waits go through
the Runtime's sleep and clock, so tests never sit them out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tui.api.client import ModelArtsClient
from tui.api.parse_images import clean
from tui.core.errors import ApiError, InstanceFailedError, WaitError, WaitTimeoutError
from tui.core.models import ActionResult, Instance, Phase
from tui.service.models import ActionOutcome, Claim

if TYPE_CHECKING:
    from tui.api.runtime import Runtime

CAPACITY_CODES = frozenset(
    {"ModelArts.6329", "ModelArts.6716", "ModelArts.4992", "ModelArts.6360", "ModelArts.6200"}
)
"""Answers that mean "no capacity now": sold out (6329, 6716), resources short (4992, 6360, 6200)."""
CAPACITY_WORDS = ("sold out", "insufficient", "not enough resource", "no resources", "resources are short")
"""Phrases of a START_FAILED reason that mean the same."""
BACKOFF_S = (15.0, 30.0, 60.0)
"""Seconds before attempt 2, 3, 4…: the last one repeats."""
POLL_S = 3.0
"""Seconds between reads while an accepted start is STARTING."""
DEFAULT_TIMEOUT_S = 3600.0


@dataclass(frozen=True, slots=True)
class Attempt:
    """One start that met no capacity: which one, why, and when the next one goes."""

    key: str
    name: str
    number: int
    reason: str
    next_in_s: float | None
    """Seconds until the next attempt; None when the deadline passed."""

    @property
    def text(self) -> str:
        """One log line: ``nb-1: attempt 3 found no capacity (…); next in 60s``."""
        then = f"next in {self.next_in_s:.0f}s" if self.next_in_s is not None else "deadline passed"
        return f"{self.name}: attempt {self.number} found no capacity ({self.reason}); {then}"


AttemptSink = Callable[[Attempt], None]


class CapacityWaitCancelledError(WaitError):
    """The user cancelled a start-when-available while it waited."""

    MEANING = "The start was cancelled while waiting for capacity; the instance was not started."


def backoff_s(attempt: int) -> float:
    """The wait after failed attempt ``attempt`` (1-based)."""
    return BACKOFF_S[min(attempt, len(BACKOFF_S)) - 1]


def capacity_reason(text: str) -> bool:
    """True when a failure text (a code, a START_FAILED reason) says capacity is short."""
    lowered = text.lower()
    return any(code.lower() in lowered for code in CAPACITY_CODES) or any(
        w in lowered for w in CAPACITY_WORDS
    )


def fail_reason(instance: Instance) -> str:
    """Why an instance failed, as the service says (notebooks ``fail_reason``), one clean line."""
    return clean(instance.raw.get("fail_reason") or instance.raw.get("error_message"), 300)


class CapacityStart:
    """``start_available`` and ``cancel_waiting`` of ``InstanceService``."""

    if TYPE_CHECKING:
        runtime: Runtime
        _clock: Callable[[], float]
        _semaphore: asyncio.Semaphore

        async def run(
            self,
            action: str,
            keys: Iterable[str] | Claim,
            call: Callable[[ModelArtsClient, str], Awaitable[object]],
        ) -> list[ActionOutcome]: ...
        async def details(self, key: str) -> Instance: ...
        def _show_step(self, key: str, label: str | None) -> None: ...
        def _key_of(self, client: object, instance_id: str) -> str: ...

    def _cancels(self) -> dict[str, asyncio.Event]:
        return self.__dict__.setdefault("_capacity_cancels", {})  # type: ignore[no-any-return]

    def waiting_for_capacity(self, key: str) -> bool:
        """True while ``key`` is in a start-when-available."""
        return key in self._cancels()

    def cancel_waiting(self, key: str) -> bool:
        """End the start-when-available of ``key`` at its next wait; False when there is none."""
        event = self._cancels().get(key)
        if event is None:
            return False
        event.set()
        return True

    async def start_available(
        self,
        keys: Iterable[str] | Claim,
        timeout: float = DEFAULT_TIMEOUT_S,
        on_attempt: AttemptSink | None = None,
    ) -> list[ActionOutcome]:
        """Start every key, trying again while capacity is short, until it runs or ``timeout`` passes."""

        async def call(client: ModelArtsClient, instance_id: str) -> ActionResult:
            key = self._key_of(client, instance_id)
            self._cancels()[key] = asyncio.Event()
            try:
                return await self._until_available(client, key, timeout, on_attempt)
            finally:
                self._cancels().pop(key, None)
                self._show_step(key, None)

        return await self.run("start_available", keys, call)

    async def _until_available(
        self, client: ModelArtsClient, key: str, timeout: float, on_attempt: AttemptSink | None
    ) -> ActionResult:
        instance_id = key.partition("/")[2]
        deadline = self._clock() + timeout
        number = 0
        while True:
            number += 1
            self._show_step(key, f"starting (attempt {number})")
            reason, name = await self._attempt(client, key, deadline)
            if reason is None:
                return ActionResult(instance_id, "start_available", "", "")
            left = deadline - self._clock()
            wait = min(backoff_s(number), left) if left > 0 else None
            if wait is not None:  # the row says it before the attempt is reported (the UI repaints then)
                self._show_step(key, f"waiting for capacity (attempt {number}, next in {wait:.0f}s)")
            if on_attempt is not None:
                on_attempt(Attempt(key, name, number, reason, wait))
            if wait is None:
                raise WaitTimeoutError(
                    f"{name}: no capacity after {number} attempts in {timeout:g}s (last: {reason})"
                )
            await self._pause(key, wait)

    async def _attempt(self, client: ModelArtsClient, key: str, deadline: float) -> tuple[str | None, str]:
        """One start: (None, name) once RUNNING, (reason, name) when capacity is short; else raises."""
        instance_id = key.partition("/")[2]
        before = await self.details(key)
        if before.phase is Phase.RUNNING:
            return None, before.name
        if before.phase not in (Phase.STARTING, Phase.QUEUED):
            try:
                await client.start(instance_id)
            except ApiError as error:
                if error.code in CAPACITY_CODES:
                    return f"{error.code} {error.meaning}".strip(), before.name
                raise
        while True:
            instance = await self.details(key)
            if instance.phase is Phase.RUNNING:
                return None, instance.name
            if instance.phase is Phase.FAILED:
                reason = fail_reason(instance)
                if capacity_reason(reason):
                    return f"{instance.status}: {reason}", instance.name
                raise InstanceFailedError(
                    f"{instance.name} ended in {instance.status}: {reason or 'no reason given'}"
                )
            if not instance.phase.transitional:
                raise InstanceFailedError(f"{instance.name} is {instance.status} after the start")
            if self._clock() >= deadline:
                raise WaitTimeoutError(f"{instance.name} is still {instance.status} at the deadline")
            await self._pause(key, POLL_S)

    async def _pause(self, key: str, seconds: float) -> None:
        """The Runtime's sleep, cut short by ``cancel_waiting``; CapacityWaitCancelledError then."""
        event = self._cancels().get(key) or asyncio.Event()
        if not event.is_set():
            sleeper = asyncio.ensure_future(self.runtime.sleep(seconds))
            waiter = asyncio.ensure_future(event.wait())
            self._semaphore.release()  # a wait of minutes must not hold a slot other actions need
            try:
                _, pending = await asyncio.wait({sleeper, waiter}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (sleeper, waiter):
                    task.cancel()
                await asyncio.shield(self._semaphore.acquire())  # balanced by the caller's async with
        if event.is_set():
            raise CapacityWaitCancelledError(f"{key.partition('/')[2]}: start when available cancelled")
