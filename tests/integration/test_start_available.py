"""Start when available on the emulator: retried with backoff while the flavor is sold out (6329) or
short (START_FAILED with 6360), each attempt reported and shown on the row, the deadline, cancel.
The Runtime's sleep moves the emulator's clock, so capacity frees without any real wait."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.nb_helpers import ClockSleep, clock_service, key_where
from tui.core.errors import InstanceFailedError, WaitTimeoutError
from tui.emulator import Emulator, ManualClock, record
from tui.service import InstanceService
from tui.service.capacity import Attempt, CapacityWaitCancelledError, backoff_s, capacity_reason

FLAVOR = "modelarts.vm.gpu.v100"


class Recorder(ClockSleep):
    """Records the row's label at every wait, then moves the clock."""

    def __init__(self, clock: ManualClock) -> None:
        super().__init__(clock)
        self.service: InstanceService | None = None
        self.key = ""
        self.labels: list[str | None] = []

    async def __call__(self, seconds: float) -> None:
        if self.service is not None:
            self.labels.append(self.service.rows[self.key].pending)
        await super().__call__(seconds)


@pytest.fixture
def sleep(clock: ManualClock) -> Recorder:
    return Recorder(clock)


@pytest.fixture
async def service(emulator: Emulator, clock: ManualClock, sleep: Recorder) -> AsyncIterator[InstanceService]:
    svc = clock_service(emulator, clock, sleep)
    await svc.refresh()
    sleep.service = svc
    sleep.key = key_where(svc, status="STOPPED", flavor=FLAVOR)
    yield svc
    await svc.aclose()


async def test_a_sold_out_flavor_is_retried_until_capacity_frees(
    service: InstanceService, emulator: Emulator, sleep: Recorder, clock: ManualClock
) -> None:
    key, name = sleep.key, service.rows[sleep.key].display_name
    emulator.capacity.sell_out(FLAVOR, 150)
    attempts: list[Attempt] = []
    start = clock()
    [outcome] = await service.start_available([key], timeout=600, on_attempt=attempts.append)
    assert (outcome.ok, outcome.message) == (True, f"{name}: started")
    assert service.rows[key].instance.status == "RUNNING"
    assert [(a.number, a.next_in_s) for a in attempts] == [(1, 15.0), (2, 30.0), (3, 60.0), (4, 60.0)]
    assert attempts[3].text == (
        f"{name}: attempt 4 found no capacity (ModelArts.6329 The flavor is sold out.); next in 60s"
    )
    waits = [label for label in sleep.labels if label and label.startswith("waiting")]
    assert waits == [
        "waiting for capacity (attempt 1, next in 15s)",
        "waiting for capacity (attempt 2, next in 30s)",
        "waiting for capacity (attempt 3, next in 60s)",
        "waiting for capacity (attempt 4, next in 60s)",
    ]
    posts = [r.status for r in emulator.requests if r.method == "POST" and r.path.endswith("/start")]
    assert posts == [400, 400, 400, 400, 200]  # the fifth start, at 165 s, found the flavor free
    assert clock() - start == 165 + 3  # then one poll pause while STARTING
    assert key not in service.in_flight and service.rows[key].pending is None


async def test_a_start_that_fails_for_short_resources_is_tried_again(
    service: InstanceService, emulator: Emulator, sleep: Recorder
) -> None:
    key = sleep.key
    emulator.capacity.make_short(FLAVOR, 20)
    attempts: list[Attempt] = []
    [outcome] = await service.start_available([key], timeout=600, on_attempt=attempts.append)
    assert outcome.ok and service.rows[key].instance.status == "RUNNING"
    assert [a.number for a in attempts] == [1, 2]
    assert attempts[0].reason.startswith("START_FAILED: Insufficient resources for the flavor")


async def test_the_deadline_ends_it_with_a_timeout(
    service: InstanceService, emulator: Emulator, sleep: Recorder
) -> None:
    key, name = sleep.key, service.rows[sleep.key].display_name
    emulator.capacity.sell_out(FLAVOR)
    attempts: list[Attempt] = []
    [outcome] = await service.start_available([key], timeout=100, on_attempt=attempts.append)
    assert isinstance(outcome.error, WaitTimeoutError)
    # attempts at 0, 15, 45 and 100 (the last wait cut to the 55 s left)
    assert [(a.number, a.next_in_s) for a in attempts] == [(1, 15.0), (2, 30.0), (3, 55.0), (4, None)]
    assert outcome.message.startswith(
        f"{name}: no capacity after 4 attempts in 100s (last: ModelArts.6329 The flavor is sold out.)"
    )
    assert service.rows[key].instance.status == "STOPPED" and key not in service.in_flight


async def test_cancel_ends_the_wait_and_nothing_more_is_sent(
    service: InstanceService, emulator: Emulator, sleep: Recorder
) -> None:
    key = sleep.key
    emulator.capacity.sell_out(FLAVOR)
    assert service.cancel_waiting(key) is False  # nothing waits yet

    def cancel_on_second(attempt: Attempt) -> None:
        if attempt.number == 2:
            assert service.waiting_for_capacity(key)
            assert service.cancel_waiting(key) is True

    [outcome] = await service.start_available([key], timeout=600, on_attempt=cancel_on_second)
    assert isinstance(outcome.error, CapacityWaitCancelledError)
    posts = [r for r in emulator.requests if r.method == "POST" and r.path.endswith("/start")]
    assert len(posts) == 2 and not service.waiting_for_capacity(key)
    assert key not in service.in_flight and service.rows[key].pending is None


async def test_a_failure_that_is_not_capacity_ends_it_at_once(
    service: InstanceService, emulator: Emulator, sleep: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = sleep.key
    monkeypatch.setitem(record.FAILURES, "START_FAILED", ("ModelArts.6339", "The image cannot be pulled."))
    emulator.store.set_fail_start(key.partition("/")[2])
    [outcome] = await service.start_available([key], timeout=600)
    assert isinstance(outcome.error, InstanceFailedError)
    assert "START_FAILED" in outcome.message and "The image cannot be pulled." in outcome.message
    assert len([r for r in emulator.requests if r.path.endswith("/start")]) == 1


async def test_a_running_instance_and_a_read_only_profile_are_refused(
    service: InstanceService, emulator: Emulator, clock: ManualClock, sleep: Recorder
) -> None:
    running = key_where(service, status="RUNNING")
    [outcome] = await service.start_available([running])
    assert outcome.skipped and outcome.message.endswith("is already RUNNING")
    ro = clock_service(emulator, clock, sleep, read_only=True)
    try:
        await ro.refresh()
        [refused] = await ro.start_available([sleep.key])
    finally:
        await ro.aclose()
    assert (refused.skipped, refused.message) == (True, "profile 'p' is read-only")


@pytest.mark.parametrize(
    "text",
    [
        "ModelArts.6329",
        "ModelArts.6716",
        "ModelArts.4992",
        "ModelArts.6360",
        "ModelArts.6200",
        "Insufficient resources for the flavor x",
        "The flavor is sold out",
    ],
)
def test_capacity_reasons(text: str) -> None:
    assert capacity_reason(text)


def test_not_capacity_and_the_backoff() -> None:
    assert not capacity_reason("ModelArts.6339 The image cannot be pulled.")
    assert [backoff_s(n) for n in (1, 2, 3, 4, 9)] == [15.0, 30.0, 60.0, 60.0, 60.0]
