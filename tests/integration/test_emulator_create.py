"""Create a notebook (issue 13): CREATING with progress then RUNNING, every refusal, capacity on the clock."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from tui.emulator import Emulator, EmulatorConfig, ManualClock

if TYPE_CHECKING:
    from tests.conftest import EmuClient

PYTORCH = "278e88d1-5b71-4766-8502-b3ba72e824d9"
CPU_ONLY = "e1a07296-22a8-4f05-8bc8-e936c8e54090"


def _body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "new-notebook",
        "flavor": "modelarts.vm.gpu.t4",
        "image_id": PYTORCH,
        "volume": {"category": "EVS", "ownership": "MANAGED", "capacity": 50},
        "description": "made by a test",
        "endpoints": [{"service": "SSH", "key_pair_names": ["my-key"], "allowed_access_ips": ["192.0.2.7"]}],
        "lease": {"duration": 7_200_000, "type": "TIMING"},
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def _create(api: EmuClient, **changes: Any) -> Any:
    return api.signed("POST", api.nb(), body=_body(**changes))


def _error(response: Any) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error_code", "error_msg"}, body
    return response.status_code, body["error_code"]


def test_create_answers_creating_with_progress_then_running(emu_api: EmuClient, clock: ManualClock) -> None:
    response = _create(emu_api)
    assert response.status_code == 200, response.text
    created = response.json()
    assert created["status"] == "CREATING" and created["name"] == "new-notebook"
    assert created["flavor"] == "modelarts.vm.gpu.t4" and created["image"]["id"] == PYTORCH
    assert created["volume"]["capacity"] == 50 and created["volume"]["category"] == "EVS"
    steps = [(p["step"], p["status"]) for p in created["action_progress"]]
    assert steps == [(1, "PROCESSING"), (2, "WAITING"), (3, "WAITING"), (4, "WAITING")]
    ssh = next(e for e in created["endpoints"] if e["service"] == "SSH")
    assert ssh["key_pair_names"] == ["my-key"] and ssh["allowed_access_ips"] == ["192.0.2.7"]
    clock.advance(1.5)
    middle = emu_api.signed("GET", emu_api.nb(f"/{created['id']}")).json()
    assert [p["status"] for p in middle["action_progress"]] == [
        "COMPLETED",
        "COMPLETED",
        "PROCESSING",
        "WAITING",
    ]
    clock.advance(1.5)
    running = emu_api.signed("GET", emu_api.nb(f"/{created['id']}")).json()
    assert running["status"] == "RUNNING" and running["action_progress"] == []
    assert running["lease"]["enable"] is True and running["lease"]["duration"] == 7_200_000
    listed = emu_api.signed("GET", emu_api.nb(), query="name=new-notebook").json()["data"]
    assert [n["id"] for n in listed] == [created["id"]]


def test_a_taken_name_is_6301_and_a_missing_image_6797(emu_api: EmuClient) -> None:
    assert _create(emu_api).status_code == 200
    assert _error(_create(emu_api)) == (400, "ModelArts.6301")
    assert _error(_create(emu_api, name="other", image_id="00000000-0000-4000-8000-000000000000")) == (
        400,
        "ModelArts.6797",
    )


def test_the_quota_comes_from_the_config(
    clock: ManualClock, make_emu_api: Callable[[Emulator], EmuClient]
) -> None:
    with Emulator(EmulatorConfig(clock=clock, instances=3, instance_quota=4)) as emu:
        api = make_emu_api(emu)
        assert _create(api, name="fourth").status_code == 200
        assert _error(_create(api, name="fifth")) == (400, "ModelArts.6302")


def test_the_default_quota_is_fifty(
    clock: ManualClock, make_emu_api: Callable[[Emulator], EmuClient]
) -> None:
    with Emulator(EmulatorConfig(clock=clock, instances=49)) as emu:
        api = make_emu_api(emu)
        assert _create(api, name="fiftieth").status_code == 200
        assert _error(_create(api, name="fifty-first")) == (400, "ModelArts.6302")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"feature": "DEFAULT"}, "ModelArts.6870"),
        ({"flavor": "modelarts.vm.cpu.free"}, "ModelArts.6870"),
        ({"flavor": "modelarts.vm.gpu.a100"}, "ModelArts.6329"),
        ({"flavor": "modelarts.kat1.xlarge"}, "ModelArts.6345"),
        ({"flavor": "modelarts.vm.gpu.h100"}, "ModelArts.6323"),
        ({"volume": {"category": "EVS", "capacity": 4097}}, "ModelArts.6331"),
        ({"volume": {"category": "EVS", "capacity": 4}}, "ModelArts.6331"),
        ({"name": "bad name!"}, "ModelArts.6334"),
        ({"name": None}, "ModelArts.0101"),
        ({"lease": {"duration": 60_000}}, "ModelArts.6361"),
        ({"image_id": CPU_ONLY, "flavor": "modelarts.vm.cpu.2u"}, "ModelArts.0101"),
        (
            {
                "endpoints": [
                    {"service": "SSH", "key_pair_names": ["k"], "allowed_access_ips": ["1.1.1.1"] * 6}
                ]
            },
            "ModelArts.0101",
        ),
    ],
)
def test_each_refusal_has_its_code(emu_api: EmuClient, changes: dict[str, Any], code: str) -> None:
    assert _error(_create(emu_api, **changes)) == (400, code)
    assert emu_api.signed("GET", emu_api.nb(), query="name=new-notebook").json()["total"] == 0


def test_a_free_flavor_needs_the_default_feature(emu_api: EmuClient) -> None:
    response = _create(
        emu_api, flavor="modelarts.vm.cpu.free", feature="DEFAULT", image_id=CPU_ONLY, endpoints=[]
    )
    assert response.status_code == 200, response.text
    assert [e["service"] for e in response.json()["endpoints"]] == ["NOTEBOOK"]


def test_a_short_flavor_refuses_create_with_6360_until_it_frees(
    emu_api: EmuClient, emulator: Emulator, clock: ManualClock
) -> None:
    emulator.capacity.make_short("modelarts.vm.gpu.t4", 60)
    assert _error(_create(emu_api)) == (400, "ModelArts.6360")
    clock.advance(60)
    assert _create(emu_api).status_code == 200


def _stopped(api: EmuClient, flavor: str) -> dict[str, Any]:
    notebooks = api.signed("GET", api.nb(), query="limit=50&status=STOPPED").json()["data"]
    return next(n for n in notebooks if n["flavor"] == flavor)


def test_start_with_a_sold_out_flavor_is_6329_until_it_frees(
    emu_api: EmuClient, emulator: Emulator, clock: ManualClock
) -> None:
    stopped = _stopped(emu_api, "modelarts.vm.gpu.v100")
    emulator.capacity.sell_out("modelarts.vm.gpu.v100", 300)
    start = emu_api.nb(f"/{stopped['id']}/start")
    assert _error(emu_api.signed("POST", start)) == (400, "ModelArts.6329")
    assert emu_api.signed("GET", emu_api.nb(f"/{stopped['id']}")).json()["status"] == "STOPPED"
    clock.advance(300)
    assert emu_api.signed("POST", start).json()["status"] == "STARTING"


def test_start_with_a_short_flavor_ends_in_start_failed_with_the_reason(
    emu_api: EmuClient, emulator: Emulator, clock: ManualClock
) -> None:
    stopped = _stopped(emu_api, "modelarts.vm.gpu.v100")
    emulator.capacity.make_short("modelarts.vm.gpu.v100", 10)
    start = emu_api.nb(f"/{stopped['id']}/start")
    assert emu_api.signed("POST", start).json()["status"] == "STARTING"
    clock.advance(3)
    failed = emu_api.signed("GET", emu_api.nb(f"/{stopped['id']}")).json()
    assert failed["status"] == "START_FAILED" and "Insufficient resources" in failed["fail_reason"]
    clock.advance(7)
    assert emu_api.signed("POST", start).json()["status"] == "STARTING"
    clock.advance(3)
    assert emu_api.signed("GET", emu_api.nb(f"/{stopped['id']}")).json()["status"] == "RUNNING"


def test_the_config_sells_out_for_a_while(
    clock: ManualClock, make_emu_api: Callable[[Emulator], EmuClient]
) -> None:
    config = EmulatorConfig(
        clock=clock, sold_out={"modelarts.vm.gpu.t4": 30.0}, short={"modelarts.vm.cpu.8u": None}
    )
    with Emulator(config) as emu:
        api = make_emu_api(emu)
        assert _error(_create(api)) == (400, "ModelArts.6329")
        assert _error(_create(api, flavor="modelarts.vm.cpu.8u")) == (400, "ModelArts.6360")
        clock.advance(30)
        assert _create(api).status_code == 200
