"""ModelArtsClient on the v1 DevEnviron API of the emulator, over a real loopback socket.

List, details, start and stop with AK/SK, with a pre-issued token and with an IAM password; the
lifecycle on the emulator's clock; every section-0 refusal as its typed error and meaning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tui.api.auth import AkSkAuth, IamPasswordAuth, TokenAuth
from tui.api.client import ModelArtsClient
from tui.core.error_codes import describe
from tui.core.errors import NotFoundError, StateConflictError
from tui.core.models import FAMILY_V1, ApiCall, Phase
from tui.core.secret import Secret
from tui.emulator import (
    DEMO_AK,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DEMO_PROJECT_ID,
    DEMO_SK,
    DEMO_TOKEN,
    DEMO_USER,
    Emulator,
    EmulatorConfig,
    ManualClock,
)

PID = DEMO_PROJECT_ID


@pytest.fixture
def emulator_config(clock: ManualClock) -> EmulatorConfig:
    return EmulatorConfig(clock=clock, token=DEMO_TOKEN)


def _auths(emu: Emulator, clock: ManualClock) -> dict[str, Callable[[], httpx.Auth]]:
    return {
        "aksk": lambda: AkSkAuth(DEMO_AK, Secret(DEMO_SK), project_id=PID, clock=clock),
        "token": lambda: TokenAuth(Secret(DEMO_TOKEN)),
        "issued-token": lambda: TokenAuth(Secret(emu.issue_token())),
        "iam-password": lambda: IamPasswordAuth(
            emu.url, DEMO_DOMAIN, DEMO_USER, Secret(DEMO_PASSWORD), project_id=PID, clock=clock
        ),
        "iam-password-by-name": lambda: IamPasswordAuth(
            emu.url + "/v3", DEMO_DOMAIN, DEMO_USER, Secret(DEMO_PASSWORD), project_name="eu-de", clock=clock
        ),
    }


AUTH_KINDS = ["aksk", "token", "issued-token", "iam-password", "iam-password-by-name"]


Calls = list[ApiCall]


@pytest.fixture
def calls() -> Calls:
    return []


@pytest.fixture
def make_client(
    emulator: Emulator, clock: ManualClock, calls: Calls
) -> Iterator[Callable[..., ModelArtsClient]]:
    def make(kind: str = "aksk", **kwargs: Any) -> ModelArtsClient:
        auth = _auths(emulator, clock)[kind]()
        project = "" if kind == "iam-password-by-name" else PID
        settings: dict[str, Any] = {"on_call": calls.append, "clock": clock, "family": FAMILY_V1}
        settings.update(kwargs)
        return ModelArtsClient(emulator.url, project, auth, **settings)

    yield make


@pytest.mark.parametrize("kind", AUTH_KINDS)
async def test_list_details_start_stop(
    kind: str,
    make_client: Callable[..., ModelArtsClient],
    emulator: Emulator,
    clock: ManualClock,
    calls: Calls,
) -> None:
    stopped_id = emulator.store.add("it-stopped", "STOPPED")
    running_id = emulator.store.add("it-running", "RUNNING", auto_stop_s=3600, remain_s=1200)
    async with make_client(kind) as client:
        listed = await client.list_instances()
        assert len(listed) == 14 and all(i.family == FAMILY_V1 for i in listed)
        assert {stopped_id, running_id} <= {i.id for i in listed}
        assert all(i.id.startswith("DE-") for i in listed)

        details = await client.get_instance(running_id)
        assert details.name == "it-running" and details.phase is Phase.RUNNING
        assert details.auto_stop is not None and details.auto_stop.remain_s == 1200
        assert details.auto_stop.stop_at_ms == int((clock() + 1200) * 1000)

        started = await client.start(stopped_id)
        assert (started.current_status, started.previous_state) == ("STARTING", "STOPPED")
        stopping = await client.stop(running_id)
        assert (stopping.current_status, stopping.previous_state) == ("STOPPING", "RUNNING")

        clock.advance(emulator.config.transition_seconds + 0.5)
        assert (await client.get_instance(stopped_id)).status == "RUNNING"
        assert (await client.get_instance(running_id)).status == "STOPPED"
        assert client.clock_skew_s == pytest.approx(0.0, abs=1.0)
    posts = [r for r in emulator.requests if r.method == "POST" and r.path.endswith("/action")]
    assert [r.body for r in posts] == [b'{"action":"start"}', b'{"action":"stop"}']
    assert all(c.ok for c in calls)
    assert [c.method for c in calls if "/v3/" not in c.path] == ["GET", "GET", "POST", "POST", "GET", "GET"]


async def test_list_query_on_the_wire(
    make_client: Callable[..., ModelArtsClient], emulator: Emulator
) -> None:
    async with make_client() as client:
        running = await client.list_instances(status="RUNNING", sort="creation_timestamp", order="desc")
    assert running and all(i.status == "RUNNING" for i in running)
    created = [i.created_ms or 0 for i in running]
    assert created == sorted(created, reverse=True)
    assert (
        emulator.requests[-1].query
        == "de_type=Notebook&limit=0&order=desc&sortby=creation_timestamp&status=RUNNING"
    )


async def test_iam_password_by_name_learns_the_project_id(
    make_client: Callable[..., ModelArtsClient], calls: Calls
) -> None:
    async with make_client("iam-password-by-name") as client:
        await client.list_instances()
        assert client.project_id == PID
    assert calls[0].path.startswith("/v3/auth/tokens") and calls[0].status == 201
    assert calls[1].path.startswith(f"/v1/{PID}/demanager/instances")


async def test_update_and_delete(make_client: Callable[..., ModelArtsClient], emulator: Emulator) -> None:
    victim = emulator.store.add("it-victim", "STOPPED")
    async with make_client() as client:
        updated = await client.update(
            victim, description="for tests", auto_stop_enable=True, auto_stop_duration_s=7200
        )
        assert updated.description == "for tests"
        assert (
            updated.auto_stop is not None
            and updated.auto_stop.enabled
            and updated.auto_stop.duration_s == 7200
        )
        assert await client.delete(victim) == victim
        with pytest.raises(NotFoundError):
            await client.get_instance(victim)


# --- section 0: refusals as typed errors with the catalogue's meaning ----------------------------
@pytest.mark.parametrize(
    ("status", "action", "code"),
    [
        ("RUNNING", "start", "ModelArts.6305"),
        ("STARTING", "start", "ModelArts.6306"),
        ("STARTING", "stop", "ModelArts.6306"),
        ("STOPPED", "stop", "ModelArts.6307"),
        ("STOPPING", "stop", "ModelArts.6308"),
        ("STOPPING", "start", "ModelArts.6308"),
        ("CREATING", "start", "ModelArts.6357"),
        ("START_FAILED", "stop", "ModelArts.6357"),
    ],
)
async def test_section0_state_conflicts(
    status: str,
    action: str,
    code: str,
    make_client: Callable[..., ModelArtsClient],
    emulator: Emulator,
    calls: Calls,
) -> None:
    target = emulator.store.add(f"it-{status.lower()}", status)
    async with make_client() as client:
        with pytest.raises(StateConflictError) as caught:
            await (client.start(target) if action == "start" else client.stop(target))
    error = caught.value
    assert (error.status, error.code) == (400, code)
    assert error.meaning == describe(code).meaning and error.hint
    assert error.endpoint.endswith(f"/v1/{PID}/demanager/instances/{target}/action")
    assert [c.method for c in calls] == ["POST"]  # a refusal is not re-read nor resent
    assert calls[0].error_code == code and calls[0].status == 400


@pytest.mark.parametrize("operation", ["get", "start", "stop", "update", "delete"])
async def test_section0_missing_instance(operation: str, make_client: Callable[..., ModelArtsClient]) -> None:
    missing = "DE-00000000-0000-4000-8000-000000000000"
    async with make_client() as client:
        call = {
            "get": lambda: client.get_instance(missing),
            "start": lambda: client.start(missing),
            "stop": lambda: client.stop(missing),
            "update": lambda: client.update(missing, description="x"),
            "delete": lambda: client.delete(missing),
        }[operation]
        with pytest.raises(NotFoundError) as caught:
            await call()
    error = caught.value
    assert (error.status, error.code) == (400, "ModelArts.6309")
    assert error.meaning == describe("ModelArts.6309").meaning
    assert "The instance does not exist." in str(error)


async def test_delete_running_is_refused(
    make_client: Callable[..., ModelArtsClient], emulator: Emulator
) -> None:
    running = emulator.store.add("it-busy", "RUNNING")
    async with make_client() as client:
        with pytest.raises(StateConflictError) as caught:
            await client.delete(running)
    assert caught.value.code == "ModelArts.6304"
