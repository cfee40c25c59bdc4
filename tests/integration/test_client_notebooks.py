"""ModelArtsClient on the notebooks family of the emulator: paging, start/stop, lease, errors."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest

from tui.api.auth import AkSkAuth, IamPasswordAuth
from tui.api.client import ModelArtsClient
from tui.api.client_notebooks import page_bound
from tui.api.pool import HostPools
from tui.api.runtime import Limits, Runtime
from tui.cli.app import demo_profile
from tui.core.error_codes import describe
from tui.core.errors import NotFoundError, StateConflictError, ValidationError
from tui.core.models import FAMILY_NOTEBOOKS, ApiCall, Phase
from tui.core.secret import Secret
from tui.emulator import (
    DEMO_AK,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DEMO_PROJECT_ID,
    DEMO_SK,
    DEMO_USER,
    Emulator,
    ManualClock,
)
from tui.service.factory import build_client

PID = DEMO_PROJECT_ID
MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def calls() -> list[ApiCall]:
    return []


@pytest.fixture
def make_client(
    emulator: Emulator, clock: ManualClock, calls: list[ApiCall]
) -> Callable[..., ModelArtsClient]:
    def make(iam: bool = False, **kwargs: Any) -> ModelArtsClient:
        auth = (
            IamPasswordAuth(
                emulator.url, DEMO_DOMAIN, DEMO_USER, Secret(DEMO_PASSWORD), project_name="eu-de", clock=clock
            )
            if iam
            else AkSkAuth(DEMO_AK, Secret(DEMO_SK), project_id=PID, clock=clock)
        )
        return ModelArtsClient(
            emulator.url,
            "" if iam else PID,
            auth,
            family=FAMILY_NOTEBOOKS,
            on_call=calls.append,
            clock=clock,
            **kwargs,
        )

    return make


async def test_list_follows_every_page(
    make_client: Callable[..., ModelArtsClient], emulator: Emulator
) -> None:
    for n in range(45):
        emulator.store.add(f"it-nb-{n:02d}", "STOPPED", FAMILY_NOTEBOOKS)
    async with make_client() as client:
        listed = await client.list_instances(sort="name", order="asc")
    assert len(listed) == 57 and len({i.id for i in listed}) == 57
    assert all(i.family == FAMILY_NOTEBOOKS and not i.id.startswith("DE-") for i in listed)
    names = [i.name for i in listed]
    assert names == sorted(names)
    queries = [r.query for r in emulator.requests if r.path == f"/v1/{PID}/notebooks"]
    assert queries == [
        "limit=50&offset=0&sort_dir=ASC&sort_key=name",
        "limit=50&offset=50&sort_dir=ASC&sort_key=name",
    ]


@pytest.mark.parametrize("iam", [False, True], ids=["aksk", "iam-password"])
async def test_start_stop_and_lease(
    iam: bool, make_client: Callable[..., ModelArtsClient], emulator: Emulator, clock: ManualClock
) -> None:
    stopped = emulator.store.add("it-nb-stopped", "STOPPED", FAMILY_NOTEBOOKS)
    running = emulator.store.add("it-nb-running", "RUNNING", FAMILY_NOTEBOOKS, auto_stop_s=3600, remain_s=600)
    async with make_client(iam=iam) as client:
        before = await client.get_instance(stopped)
        assert before.status == "STOPPED" and before.family == FAMILY_NOTEBOOKS

        started = await client.start(stopped, duration_ms=2 * 3_600_000, lease_type="timing")
        assert (started.current_status, started.previous_state) == ("STARTING", "STOPPED")
        start_request = [r for r in emulator.requests if r.path.endswith("/start")][-1]
        assert start_request.query == "duration=7200000&type=timing" and start_request.body == b""

        clock.advance(emulator.config.transition_seconds + 0.5)
        now_running = await client.get_instance(stopped)
        assert now_running.phase is Phase.RUNNING
        assert now_running.auto_stop is not None and now_running.auto_stop.duration_s == 7200

        lease = await client.get_lease(running)
        assert lease.enabled and lease.stop_at_ms == int((clock() - 3.5 + 600) * 1000)
        renewed = await client.renew_lease(running, 5)
        assert renewed.duration_ms == 5 * 3_600_000 and renewed.create_at_ms == int(clock() * 1000)
        patch = [r for r in emulator.requests if r.method == "PATCH"][-1]
        assert patch.body == b'{"duration":18000000,"type":"timing"}'

        stopping = await client.stop(running)
        assert stopping.current_status == "STOPPING"


async def test_notebook_errors(make_client: Callable[..., ModelArtsClient], emulator: Emulator) -> None:
    stopped = emulator.store.add("it-nb-stopped", "STOPPED", FAMILY_NOTEBOOKS)
    async with make_client() as client:
        with pytest.raises(NotFoundError) as missing:
            await client.get_instance(MISSING)
        assert missing.value.code == "ModelArts.6404"
        assert missing.value.meaning == describe("ModelArts.6404").meaning
        with pytest.raises(StateConflictError) as stop_stopped:
            await client.stop(stopped)
        assert stop_stopped.value.code == "ModelArts.6307"
        with pytest.raises(StateConflictError) as lease_stopped:
            await client.renew_lease(stopped, 2)
        assert lease_stopped.value.code == "ModelArts.6327"
        with pytest.raises(ValidationError):
            await client.renew_lease(stopped, 100)
    assert not any(r.method == "PATCH" and r.status == 200 for r in emulator.requests)


class _Watching(httpx.AsyncBaseTransport):
    """The real network, counting list requests in flight at once; ``after_first`` runs once the
    first page's answer is in (the emulator's listing changes while the other pages are out)."""

    def __init__(self, after_first: Callable[[], None] | None = None) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.after_first = after_first
        self.in_flight = self.most = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            response = await self.inner.handle_async_request(request)
        finally:
            self.in_flight -= 1
        if self.after_first is not None and b"offset=0" in request.url.query:
            change, self.after_first = self.after_first, None
            change()
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def _notebook_names(emulator: Emulator) -> list[str]:
    return sorted(r.name for r in emulator.store.all())


async def test_pages_after_the_first_are_fetched_at_once_within_the_bound(
    make_client: Callable[..., ModelArtsClient], emulator: Emulator
) -> None:
    for n in range(300):
        emulator.store.add(f"it-nb-{n:03d}", "STOPPED", FAMILY_NOTEBOOKS)
    total = len(_notebook_names(emulator))
    watching = _Watching()
    async with make_client(transport=watching) as client:
        listed = await client.list_instances(sort="name", order="asc")
    assert [i.name for i in listed] == _notebook_names(emulator)
    pages = -(-total // 50)
    queries = [r.query for r in emulator.requests if r.path == f"/v1/{PID}/notebooks"]
    assert queries[0] == "limit=50&offset=0&sort_dir=ASC&sort_key=name" and len(queries) == pages
    assert sorted(queries[1:]) == sorted(
        f"limit=50&offset={50 * k}&sort_dir=ASC&sort_key=name" for k in range(1, pages)
    )
    assert watching.most == min(pages - 1, page_bound(Limits().per_host)), (
        "the later pages went one after another"
    )


async def test_a_listing_leaves_connections_of_a_small_pool_to_others(
    make_client: Callable[..., ModelArtsClient], emulator: Emulator
) -> None:
    for n in range(300):
        emulator.store.add(f"it-nb-{n:03d}", "STOPPED", FAMILY_NOTEBOOKS)
    watching = _Watching()
    async with make_client(transport=watching, runtime=Runtime().but(per_host=6)) as client:
        listed = await client.list_instances()
    assert len(listed) == len(_notebook_names(emulator))
    assert watching.most == 2  # 6 connections to the host, 4 of them left to a start or another profile


async def test_two_listings_on_one_host_share_one_bound_of_pages(
    make_client: Callable[..., ModelArtsClient], emulator: Emulator
) -> None:
    for n in range(300):
        emulator.store.add(f"it-nb-{n:03d}", "STOPPED", FAMILY_NOTEBOOKS)
    watching = _Watching()
    shared = Runtime(pages=asyncio.Semaphore(3))  # what HostPools.pages gives every client of a host
    async with (
        make_client(transport=watching, runtime=shared) as one,
        make_client(transport=watching, runtime=shared) as two,
    ):
        first, second = await asyncio.gather(one.list_instances(), two.list_instances())
    assert len(first) == len(second) == len(_notebook_names(emulator))
    assert watching.most == 3  # not 3 each: a start pressed meanwhile still finds a connection


def test_every_client_of_a_host_gets_the_same_bound_of_pages() -> None:
    pools = HostPools(24)
    profile = replace(demo_profile("http://127.0.0.1:9"), api="notebooks")
    one, two = build_client(profile, pools=pools), build_client(profile, pools=pools)
    other = build_client(replace(profile, endpoint="http://127.0.0.2:9", iam_endpoint=""), pools=pools)
    shared = one._session.pages
    assert shared is not None and shared is two._session.pages and shared is not other._session.pages
    assert pools.pages("http://127.0.0.1:9", 1) is shared


async def test_an_instance_moving_to_a_page_read_already_is_not_lost(
    make_client: Callable[..., ModelArtsClient], emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    for n in range(120):
        emulator.store.add(f"it-nb-{n:03d}", "STOPPED", FAMILY_NOTEBOOKS)
    last = emulator.store.add("zz-last", "STOPPED", FAMILY_NOTEBOOKS)

    def rename() -> None:  # from the last page to the first, after the first was read
        emulator.store.mutate(last, lambda rec, _now: setattr(rec, "name", "aa-first"))

    async with make_client(transport=_Watching(rename)) as client:
        with caplog.at_level(logging.INFO, logger="tui.api.client_notebooks"):
            listed = await client.list_instances(sort="name", order="asc")
    names = [i.name for i in listed]
    assert sorted(names) == _notebook_names(emulator) and len(set(names)) == len(names)
    assert "aa-first" in names and "zz-last" not in names
    total = len(names)
    assert [r.getMessage() for r in caplog.records] == [
        f"{emulator.url.split('//')[1]}/v1/{PID}/notebooks: the listing changed while its 3 pages were read "
        f"(total {total}, {total - 1} merged); reading it again"
    ]


async def test_a_total_that_changes_meanwhile_is_read_again_once(
    make_client: Callable[..., ModelArtsClient], emulator: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    for n in range(120):
        emulator.store.add(f"it-nb-{n:03d}", "STOPPED", FAMILY_NOTEBOOKS)
    before = len(_notebook_names(emulator))

    def grow() -> None:
        for n in range(5):
            emulator.store.add(f"it-new-{n}", "STOPPED", FAMILY_NOTEBOOKS)

    async with make_client(transport=_Watching(grow)) as client:
        with caplog.at_level(logging.INFO, logger="tui.api.client_notebooks"):
            listed = await client.list_instances(sort="name", order="asc")
    assert [i.name for i in listed] == _notebook_names(emulator)
    queries = [r.query for r in emulator.requests if r.path == f"/v1/{PID}/notebooks"]
    assert len(queries) == 3 + 3  # every page of the old total, then of the new one
    assert [r.getMessage() for r in caplog.records] == [
        f"{emulator.url.split('//')[1]}/v1/{PID}/notebooks: the listing changed while its 3 pages were read "
        f"(total {before}/{before + 5}, {before + 5} merged); reading it again"
    ]


async def test_a_repeated_listing_reuses_the_unchanged_instances_of_every_page(
    make_client: Callable[..., ModelArtsClient], emulator: Emulator
) -> None:
    """Pages decoded by a ListText each (by query and offset): an instance whose item did not change
    is the very Instance of the last listing, on the later pages too; a changed one is parsed
    again, and another query (a status filter) is not answered from the pages of the first."""
    for n in range(60):
        emulator.store.add(f"it-rep-{n:02d}", "STOPPED", FAMILY_NOTEBOOKS)
    async with make_client() as client:
        first = {i.id: i for i in await client.list_instances(sort="name", order="asc")}
        second = {i.id: i for i in await client.list_instances(sort="name", order="asc")}
        assert second.keys() == first.keys() and all(second[k] is first[k] for k in first)
        moved = sorted(first.values(), key=lambda i: i.name)[-1]  # on the second page
        emulator.store.set_status(moved.id, "RUNNING")
        third = {i.id: i for i in await client.list_instances(sort="name", order="asc")}
        by_status = {i.id: i for i in await client.list_instances(status="STOPPED")}
    assert third[moved.id] is not first[moved.id] and third[moved.id].status == "RUNNING"
    assert all(third[k] is first[k] for k in first if k != moved.id)
    assert moved.id not in by_status and all(i.status == "STOPPED" for i in by_status.values())
