"""A profile's first listing in the app: its first page by name, shown, then the whole list.

Later polls (and the CLI, which passes no ``on_profile``) list in one request as before; an
account of no more than ``FIRST_PAGE`` is listed whole by that first request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest

from tui.cli.app import demo_profile
from tui.emulator import Emulator, EmulatorConfig, ManualClock
from tui.service import InstanceService, Runtime
from tui.service.models import ProfileRefresh
from tui.service.refresh import FIRST_PAGE

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
