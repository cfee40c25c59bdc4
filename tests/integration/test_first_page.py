"""A profile's first listing in the app: its first page by name, shown, then the whole list.

Later polls (and the CLI, which passes no ``on_profile``) list in one request as before; an
account of no more than ``FIRST_PAGE`` is listed whole by that first request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest

from tui.cli.app import demo_profile
from tui.core.errors import RequestTimeoutError
from tui.emulator import Emulator, EmulatorConfig, ManualClock
from tui.service import InstanceService, Limits, Runtime
from tui.service.models import ProfileRefresh
from tui.service.refresh import FIRST_PAGE
from tui.ui.widgets.header import error_tag, profile_text

MANY = FIRST_PAGE + 150
FIRST = f"de_type=Notebook&limit={FIRST_PAGE}&order=asc&sortby=name"
WHOLE = "de_type=Notebook&limit=0"


@pytest.fixture
def emulator_config(clock: ManualClock) -> EmulatorConfig:
    return EmulatorConfig(clock=clock, instances=MANY)


def _lists(emu: Emulator) -> list[str]:
    return [r.query for r in emu.requests if r.method == "GET" and r.path.endswith("/instances")]


async def _service(
    emu: Emulator, clock: ManualClock, sleep: Callable[[float], Awaitable[None]]
) -> InstanceService:
    profile = replace(demo_profile(emu.url), name="p")
    return InstanceService([profile], runtime=Runtime(clock=clock, sleep=sleep))


async def test_the_first_listing_shows_its_first_page_then_the_whole_list(
    emulator: Emulator, clock: ManualClock, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    svc = await _service(emulator, clock, no_sleep)
    seen: list[ProfileRefresh] = []
    try:
        result = await svc.refresh(on_profile=seen.append)
        assert _lists(emulator) == [FIRST, WHOLE]
        assert [len(u.added) for u in seen] == [FIRST_PAGE, MANY - FIRST_PAGE]
        assert seen[0].status.ok and not seen[0].status.notes  # a first page is not a list cut short
        names = sorted(r.instance.name for r in result.rows)
        first = [k.partition("/")[2] for k in sorted(seen[0].added)]
        assert len(result.rows) == MANY and len(first) == FIRST_PAGE
        assert sorted(svc.rows[f"p/{i}"].instance.name for i in first) == names[:FIRST_PAGE]
        await svc.refresh(on_profile=seen.append)  # a poll: one request, as before
        assert _lists(emulator) == [FIRST, WHOLE, WHOLE]
    finally:
        await svc.aclose()


async def test_without_on_profile_or_on_a_small_account_one_request(
    emulator: Emulator, clock: ManualClock, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    svc = await _service(emulator, clock, no_sleep)
    try:
        await svc.refresh()  # the CLI's way: no first page
        assert _lists(emulator) == [WHOLE]
    finally:
        await svc.aclose()
    with Emulator(EmulatorConfig(clock=clock)) as small:
        svc = await _service(small, clock, no_sleep)
        try:
            result = await svc.refresh(on_profile=lambda _: None)
            assert _lists(small) == [FIRST] and len(result.rows) == len(small.store.all())
            await svc.refresh(on_profile=lambda _: None)
            assert _lists(small) == [FIRST, WHOLE]
        finally:
            await svc.aclose()


async def test_the_first_page_and_the_whole_list_share_one_deadline(
    emulator: Emulator, clock: ManualClock, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    """Each answer takes 0.5 s and the deadline is 0.8 s: either request alone fits in it, both
    together do not, so the refresh fails at the deadline (it took 2 deadlines before)."""
    emulator.faults.latency_ms = 500
    profile = replace(demo_profile(emulator.url), name="p")
    limits = Limits(refresh_deadline=0.8)
    svc = InstanceService([profile], runtime=Runtime(clock=clock, sleep=no_sleep, limits=limits))
    seen: list[ProfileRefresh] = []
    try:
        await svc.refresh(on_profile=seen.append)
        assert _lists(emulator)[:1] == [FIRST]  # the whole list's request is recorded once answered
        assert len(seen) == 2 and seen[0].status.ok and len(svc.rows) == FIRST_PAGE
        status = seen[1].status
        assert not status.ok and isinstance(status.error, RequestTimeoutError)
    finally:
        await svc.aclose()


async def test_a_failed_whole_list_after_a_first_page_is_a_failure_of_a_partial_listing(
    emulator: Emulator, clock: ManualClock, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    svc = await _service(emulator, clock, no_sleep)
    seen: list[ProfileRefresh] = []

    def first_in(update: ProfileRefresh) -> None:
        seen.append(update)
        emulator.faults.fail_next = 100  # every try of the whole list: 5xx

    try:
        await svc.refresh(on_profile=first_in)
        assert _lists(emulator)[0] == FIRST and set(_lists(emulator)[1:]) == {WHOLE}
        assert seen[0].status.ok and seen[0].status.last_ok_at is None  # a page: no whole listing yet
        status = seen[-1].status
        assert not status.ok and status.last_ok_at is None and status.count == FIRST_PAGE
        assert status.notes and f"only the first {FIRST_PAGE}" in status.notes[0]
        assert status.warning and "only the first" in status.warning
        assert profile_text(status, clock(), single=True) == (
            f"✗ p: never ok — {error_tag(status.error)} ⚠ {status.warning.split(';')[0]}",
            True,
        )
        emulator.faults.clear()
        clock.advance(5)
        result = await svc.refresh(on_profile=seen.append)  # the next poll: the whole list, no note
        (after,) = result.profiles
        assert after.ok and after.last_ok_at == clock() and not after.notes and len(result.rows) == MANY
    finally:
        await svc.aclose()


async def test_no_whole_list_for_a_profile_replaced_meanwhile(
    emulator: Emulator, clock: ManualClock, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    svc = await _service(emulator, clock, no_sleep)
    profile = svc.profiles[0]
    seen: list[ProfileRefresh] = []

    def replaced(update: ProfileRefresh) -> None:
        seen.append(update)
        svc.set_profiles([])  # removed, then added again: a new state of the same name
        svc.set_profiles([profile])

    try:
        await svc.refresh(on_profile=replaced)
        assert _lists(emulator) == [FIRST] and len(seen) == 1  # the old state's whole list: not asked
    finally:
        await svc.aclose()
