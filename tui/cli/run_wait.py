"""``--wait``: poll each instance until its action's final state, through the service.

A failed poll does not end the wait: an error that may pass (no answer, a 5xx, a throttle, an
unreadable answer) is logged on stderr and the poll is tried again until the deadline. Any other
error ends that instance's wait with exit 1.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tui.cli.exits import Exit
from tui.cli.output import err, explain
from tui.core.errors import ModelArtsError, ResponseError, ServerError, ThrottledError, TransportError
from tui.core.models import Instance, Phase
from tui.service import InstanceService

FINAL = {"start": Phase.RUNNING, "stop": Phase.STOPPED}
"""The phase each waitable action ends in."""
TRANSIENT = (TransportError, ResponseError, ServerError, ThrottledError)
"""Poll failures that may pass: tried again until the deadline."""

Sleep = Callable[[float], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class WaitResult:
    """How waiting for one instance ended; ``instance`` is the last one read."""

    code: Exit
    message: str
    instance: Instance | None = None

    @property
    def word(self) -> str:
        return {Exit.OK: "reached", Exit.TIMEOUT: "timeout", Exit.FAILED: "failed"}.get(self.code, "error")


async def wait_one(
    service: InstanceService,
    key: str,
    action: str,
    *,
    timeout: float,
    interval: float,
    label: str,
    sleep: Sleep = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> WaitResult:
    """Poll ``key`` until ``action``'s final phase, a failed phase, or ``timeout`` seconds."""
    final = FINAL[action]
    deadline = clock() + timeout
    instance: Instance | None = None
    while True:
        try:
            instance = await service.details(key)
        except TRANSIENT as error:
            err(f"{label}: a poll failed, trying again until the deadline: {explain(error)}")
        except ModelArtsError as error:
            return WaitResult(Exit.API, f"{label}: {explain(error)}", instance)
        else:
            label = instance.name or label
            if instance.phase is final:
                return WaitResult(Exit.OK, f"{label}: {instance.status}", instance)
            if instance.phase is Phase.FAILED:
                return WaitResult(Exit.FAILED, f"{label} ended in {instance.status}", instance)
        left = deadline - clock()
        if left <= 0:
            now = f"is {instance.status}" if instance else "could not be read"
            return WaitResult(Exit.TIMEOUT, f"{label} {now} after {timeout:g}s, not {final.name}", instance)
        await sleep(min(interval, left))
