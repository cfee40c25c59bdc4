"""``--wait`` through failed polls: a poll that gets no good answer is logged and tried again until the
deadline; only the deadline (or a final state) ends the wait.

The service and the wait run on the emulator's ManualClock: the wait's sleep moves it, so the
instance's transition and the deadline are exact and no test waits in real time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from tui.cli.exits import Exit
from tui.cli.run_wait import wait_one
from tui.config.model import Profile
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, ManualClock
from tui.service import InstanceService, row_key


def _service(emu: Emulator, clock: ManualClock, sleep: Callable[[float], Awaitable[None]]) -> InstanceService:
    profile = Profile(
        name="p",
        project_id=DEMO_PROJECT_ID,
        endpoint=emu.url,
        iam_endpoint=emu.url,
        auth="aksk",
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
    )
    return InstanceService([profile], clock=clock, sleep=sleep)  # the client's own retry backoff


async def test_failed_polls_are_logged_and_the_wait_goes_on_to_running(
    emulator: Emulator,
    clock: ManualClock,
    capsys: pytest.CaptureFixture[str],
    no_sleep: Callable[[float], Awaitable[None]],
) -> None:
    instance_id = emulator.store.add("flaky-start", status="STOPPED")
    key = row_key("p", instance_id)
    service = _service(emulator, clock, no_sleep)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.advance(seconds)

    try:
        await service.refresh()
        (outcome,) = await service.start([key])
        assert outcome.ok
        gets = sum(r.method == "GET" for r in emulator.requests)
        emulator.faults.fail_next = 8  # every try of the next two polls (the client tries 4 times)
        result = await wait_one(
            service, key, "start", timeout=60, interval=1, label="flaky-start", sleep=sleep, clock=clock
        )
    finally:
        await service.aclose()
    assert result.code == Exit.OK and result.message == "flaky-start: RUNNING"
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2
    assert all(
        line.startswith("flaky-start: a poll failed, trying again until the deadline: ") for line in err
    )
    # two failed polls (at 0 and 1 s), then STARTING at 2 s and RUNNING at 3 s (a 3 s transition)
    assert sum(r.method == "GET" for r in emulator.requests) - gets == 8 + 2
    assert slept == [1, 1, 1]


async def test_polls_that_keep_failing_end_at_the_deadline_each_one_logged(
    emulator: Emulator,
    clock: ManualClock,
    capsys: pytest.CaptureFixture[str],
    no_sleep: Callable[[float], Awaitable[None]],
) -> None:
    instance_id = emulator.store.add("dark-box", status="STOPPED")
    key = row_key("p", instance_id)
    service = _service(emulator, clock, no_sleep)

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    try:
        await service.refresh()
        emulator.faults.fail_rate = 1.0
        result = await wait_one(
            service, key, "start", timeout=5, interval=2, label="dark-box", sleep=sleep, clock=clock
        )
    finally:
        await service.aclose()
    assert result.code == Exit.TIMEOUT
    assert result.message == "dark-box could not be read after 5s, not RUNNING"
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4  # polls at 0, 2, 4 and 5 s
    assert all("a poll failed" in line and "HTTP 5" in line for line in err), err
