"""Shared pieces of the save-image, tags, admin-scope and start-when-available tests: a notebooks
profile on the emulator, and a Runtime whose sleep moves the emulator's clock instead of waiting."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from tui.config.model import Profile
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, ManualClock
from tui.service import InstanceService, Runtime


def nb_profile(emu: Emulator, name: str = "p", **changes: Any) -> Profile:
    base = Profile(
        name=name,
        project_id=DEMO_PROJECT_ID,
        endpoint=emu.url,
        iam_endpoint=emu.url,
        api="notebooks",
        auth="aksk",
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
    )
    return replace(base, **changes)


class ClockSleep:
    """A sleep that advances the ManualClock by the seconds asked (and records them): waits cost nothing."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.slept: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.clock.advance(seconds)


def clock_service(
    emu: Emulator, clock: ManualClock, sleep: Callable[[float], Awaitable[None]], **changes: Any
) -> InstanceService:
    return InstanceService([nb_profile(emu, **changes)], runtime=Runtime(clock=clock, sleep=sleep))


def key_where(svc: InstanceService, **want: str) -> str:
    """The first row key whose instance has every attribute given (status="RUNNING", flavor=...)."""
    return next(k for k, r in svc.rows.items() if all(getattr(r.instance, a) == v for a, v in want.items()))
