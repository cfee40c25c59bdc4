"""Every action is declared once (``tui.core.actions.ACTIONS``): a dummy action added in a fixture
flows through the service's refusals, the in-flight marker and the outcome text the CLI prints,
with no other table edited. The service alone knows what is in flight."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace

import pytest

from tui.api.client import ModelArtsClient
from tui.config.model import Profile
from tui.core.actions import ACTIONS, Action
from tui.core.errors import ThrottledError
from tui.core.models import Instance, Phase
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, ManualClock
from tui.service import InstanceService, Limits, Runtime
from tui.ui.cells import status_kind, status_text

POKE = Action(
    "poke",
    "Poke",
    "poking…",
    "poked",
    starts_from=frozenset({Phase.STOPPED}),
    target=Phase.STOPPED,
)


@pytest.fixture
def poke(monkeypatch: pytest.MonkeyPatch) -> Action:
    """A verb nobody wrote code for outside this entry."""
    monkeypatch.setitem(ACTIONS, POKE.name, POKE)
    return POKE


def _profile(emu: Emulator, **changes: object) -> Profile:
    base = Profile(
        name="p",
        project_id=DEMO_PROJECT_ID,
        endpoint=emu.url,
        iam_endpoint=emu.url,
        auth="aksk",
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.fixture
async def service(emulator: Emulator, clock: ManualClock) -> AsyncIterator[InstanceService]:
    svc = InstanceService([_profile(emulator)], clock=clock)
    await svc.refresh()
    yield svc
    await svc.aclose()


def _first(svc: InstanceService, status: str) -> str:
    return next(k for k, r in svc.rows.items() if r.instance.status == status)


async def _read(client: ModelArtsClient, instance_id: str) -> Instance:
    return await client.get_instance(instance_id)


async def test_a_declared_action_is_refused_from_a_phase_it_does_not_start_from(
    service: InstanceService, poke: Action, emulator: Emulator
) -> None:
    running = _first(service, "RUNNING")
    name = service.rows[running].display_name
    assert service.refusal(running, "poke") == f"{name} is RUNNING, not STOPPED"
    sent = len(emulator.requests)
    [outcome] = await service.run("poke", [running], _read)
    # What the CLI prints for a refused key, and nothing went out.
    assert (outcome.ok, outcome.skipped, outcome.message) == (False, True, f"{name} is RUNNING, not STOPPED")
    assert len(emulator.requests) == sent


async def test_a_declared_action_shows_its_pending_marker_and_refuses_a_second_press_at_once(
    service: InstanceService, poke: Action, emulator: Emulator
) -> None:
    key = _first(service, "STOPPED")
    name = service.rows[key].display_name
    claim = service.claim("poke", [key])
    assert claim.keys == (key,) and claim.refused == ()
    row = service.rows[key]
    assert row.pending == "poke" and dict(service.in_flight) == {key: "poke"}
    assert status_text(row.instance, pending=row.pending) == "◐ poking…"
    assert status_kind(row.instance, pending=row.pending) == "moving"
    # A second press, before anything was sent: refused at once, with the one text.
    again = service.claim("poke", [key])
    assert again.keys == () and [o.message for o in again.refused] == [f"{name}: poke already in flight"]
    assert service.refusal(key, "start") == f"{name}: poke already in flight"
    [outcome] = await service.run("poke", claim, _read)
    assert (outcome.ok, outcome.message) == (True, f"{name}: poked")
    assert service.rows[key].pending is None and not service.in_flight


async def test_read_only_profiles_refuse_a_declared_writing_action(
    emulator: Emulator, clock: ManualClock, poke: Action, monkeypatch: pytest.MonkeyPatch
) -> None:
    svc = InstanceService([_profile(emulator, read_only=True)], clock=clock)
    try:
        await svc.refresh()
        key = _first(svc, "STOPPED")
        assert svc.refusal(key, "poke") == "profile 'p' is read-only"
        monkeypatch.setitem(ACTIONS, "peek", replace(poke, name="peek", writes=False))
        assert svc.refusal(key, "peek") is None
    finally:
        await svc.aclose()


async def test_release_gives_back_a_claim_whose_worker_never_ran(service: InstanceService) -> None:
    key = _first(service, "STOPPED")
    claim = service.claim("start", [key])
    assert service.rows[key].pending == "start"
    service.release(claim)
    assert service.rows[key].pending is None and service.refusal(key, "start") is None


async def test_one_start_under_sustained_throttling_sends_the_budget_and_rereads_before_each_resend(
    emulator: Emulator, clock: ManualClock, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    svc = InstanceService([_profile(emulator)], runtime=Runtime(clock=clock, sleep=no_sleep))
    try:
        await svc.refresh()
        key = _first(svc, "STOPPED")
        before = len(emulator.requests)
        emulator.faults.throttle_next = 10_000  # every request from here on: 429 + Retry-After
        [outcome] = await svc.start([key])
    finally:
        await svc.aclose()
    assert not outcome.ok and isinstance(outcome.error, ThrottledError)
    sent = [(r.method, r.status) for r in emulator.requests[before:]]
    # One budget (Limits.action_sends POSTs), each answer read again (a GET and its retries) first.
    reread = [("GET", 429)] * (1 + Limits().get_retries)
    assert sent == [("POST", 429), *reread] * Limits().action_sends
    assert Limits().action_sends == 6
