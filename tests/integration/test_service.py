"""InstanceService against the emulator: refresh, gone rows, stale profiles, actions, refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest

from tui.config.model import InstanceRef, Profile
from tui.core.errors import AuthError, WaitTimeoutError
from tui.core.models import ApiCall, Phase
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, ManualClock
from tui.service import InstanceService, Runtime, row_key


def profile_for(emu: Emulator, name: str = "p", **kw: Any) -> Profile:
    base = Profile(
        name=name,
        project_id=DEMO_PROJECT_ID,
        endpoint=emu.url,
        iam_endpoint=emu.url,
        auth="aksk",
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
    )
    return replace(base, **kw)


@pytest.fixture
def calls() -> list[ApiCall]:
    """Every ApiCall the service's clients recorded (its on_call sink)."""
    return []


@pytest.fixture
async def service(
    emulator: Emulator, clock: ManualClock, calls: list[ApiCall], no_sleep: Callable[[float], Awaitable[None]]
) -> AsyncIterator[InstanceService]:
    runtime = Runtime(clock=clock, sleep=no_sleep)  # backoff is counted, never waited out
    svc = InstanceService([profile_for(emulator)], on_call=calls.append, runtime=runtime)
    yield svc
    await svc.aclose()


def _key_in(svc: InstanceService, status: str) -> str:
    return next(k for k, r in svc.rows.items() if r.instance.status == status)


async def test_refresh_is_one_list_call_per_profile(emulator: Emulator, clock: ManualClock) -> None:
    svc = InstanceService([profile_for(emulator, "a"), profile_for(emulator, "b")], clock=clock)
    try:
        result = await svc.refresh()
    finally:
        await svc.aclose()
    assert len(emulator.requests) == 2 and all(r.method == "GET" for r in emulator.requests)
    assert {r.profile for r in result.rows} == {"a", "b"}
    assert len(result.rows) == 2 * len(emulator.store.all())
    assert all(s.ok for s in result.profiles)


async def test_second_refresh_reports_only_what_changed(service: InstanceService, emulator: Emulator) -> None:
    first = await service.refresh()
    assert first.changed == first.added and first.added
    second = await service.refresh()
    assert second.changed == frozenset() and second.added == frozenset()
    key = _key_in(service, "STOPPED")
    emulator.store.set_status(key.split("/", 1)[1], "RUNNING")
    third = await service.refresh()
    assert third.changed == {key}


async def test_disappeared_instance_is_kept_as_gone(service: InstanceService, emulator: Emulator) -> None:
    await service.refresh()
    key = _key_in(service, "STOPPED")
    emulator.store.remove(key.split("/", 1)[1])
    result = await service.refresh()
    gone = [r for r in result.rows if r.gone]
    assert [r.key for r in gone] == [key]
    assert service.refusal(key, "start") is not None


async def test_failed_refresh_keeps_rows_and_marks_profile(
    service: InstanceService, emulator: Emulator, calls: list[ApiCall]
) -> None:
    await service.refresh()
    before, recorded = dict(service.rows), len(calls)
    emulator.faults.fail_rate = 1.0
    result = await service.refresh()
    emulator.faults.fail_rate = 0.0
    assert dict(service.rows) == before
    (status,) = result.profiles
    assert not status.ok and status.error is not None and status.last_ok_at is not None
    failed = calls[recorded:]
    assert failed and all(c.method == "GET" and c.status is not None and c.status >= 500 for c in failed)


async def test_start_then_transition_to_running(
    service: InstanceService, emulator: Emulator, clock: ManualClock, calls: list[ApiCall]
) -> None:
    await service.refresh()
    key = _key_in(service, "STOPPED")
    (outcome,) = await service.start([key])
    assert outcome.ok and service.rows[key].instance.phase is Phase.STARTING
    assert [(c.path.endswith("/action"), c.status) for c in calls if c.method == "POST"] == [(True, 200)]
    clock.advance(emulator.config.transition_seconds + 1)
    await service.refresh()
    assert service.rows[key].instance.status == "RUNNING"


async def test_local_refusals_send_nothing(
    service: InstanceService, emulator: Emulator, calls: list[ApiCall]
) -> None:
    await service.refresh()
    running, stopped = _key_in(service, "RUNNING"), _key_in(service, "STOPPED")
    sent, recorded = len(emulator.requests), len(calls)
    start, stop = await service.start([running]), await service.stop([stopped])
    assert start[0].skipped and "already RUNNING" in start[0].message
    assert stop[0].skipped and "not RUNNING" in stop[0].message
    assert len(emulator.requests) == sent and len(calls) == recorded


async def test_read_only_profile_refuses(emulator: Emulator, clock: ManualClock) -> None:
    svc = InstanceService([profile_for(emulator, read_only=True)], clock=clock)
    try:
        await svc.refresh()
        key = _key_in(svc, "STOPPED")
        (outcome,) = await svc.start([key])
    finally:
        await svc.aclose()
    assert outcome.skipped and "read-only" in outcome.message
    assert not [r for r in emulator.requests if r.method == "POST"]


async def test_bulk_start_sends_one_post_per_instance(service: InstanceService, emulator: Emulator) -> None:
    ids = [emulator.store.add(f"bulk-{i}", status="STOPPED") for i in range(12)]
    await service.refresh()
    keys = [row_key("p", i) for i in ids]
    outcomes = await service.start(keys + keys)
    assert len(outcomes) == 12 and all(o.ok for o in outcomes)
    posts = [r.path for r in emulator.requests if r.method == "POST"]
    assert sorted(posts) == sorted(set(posts)) and len(posts) == 12


async def test_configured_instances_and_aliases(emulator: Emulator, clock: ManualClock) -> None:
    chosen = emulator.store.add("aliased-box", status="STOPPED")
    profile = profile_for(emulator, instances=(InstanceRef(chosen, "my box"),))
    svc = InstanceService([profile], clock=clock)
    try:
        result = await svc.refresh()
    finally:
        await svc.aclose()
    assert [(r.instance.id, r.display_name) for r in result.rows] == [(chosen, "my box")]


async def test_wrong_credentials_surface_as_auth_error(emulator: Emulator, clock: ManualClock) -> None:
    svc = InstanceService([profile_for(emulator, sk=Secret("not-the-sk-0000"))], clock=clock)
    try:
        result = await svc.refresh()
        outcome = await svc.test_connection(profile_for(emulator, sk=Secret("not-the-sk-0000")))
    finally:
        await svc.aclose()
    assert isinstance(result.profiles[0].error, AuthError)
    assert result.profiles[0].error.code == "APIGW.0301"
    assert not outcome.ok and "APIGW.0301" in outcome.message


async def test_wait_for_times_out_on_the_injected_clock(
    service: InstanceService,
    emulator: Emulator,
    clock: ManualClock,
    no_sleep: Callable[[float], Awaitable[None]],
) -> None:
    await service.refresh()
    key = _key_in(service, "STOPPED")
    await service.start([key])

    with pytest.raises(WaitTimeoutError):
        await service.wait_for(key, "start", timeout=0, sleep=no_sleep)
    clock.advance(emulator.config.transition_seconds + 1)
    instance = await service.wait_for(key, "start", timeout=0, sleep=no_sleep)
    assert instance.status == "RUNNING"


async def test_a_countdown_that_only_ticked_is_not_a_change(
    service: InstanceService, emulator: Emulator, clock: ManualClock
) -> None:
    emulator.store.add("ticking-box", status="RUNNING", auto_stop_s=3600, remain_s=1800)
    clock.advance(60)  # the seeded transitions settle first: those are real changes
    await service.refresh()
    clock.advance(10)
    result = await service.refresh()
    assert result.changed == frozenset(), "remain_time shrinking on the server is not news"
