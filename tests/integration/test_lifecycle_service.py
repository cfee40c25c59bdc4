"""Create, delete and resize through the service and the client, against the emulator over real sockets.

The service runs on the emulator's ManualClock and its sleep moves that clock, so a resize of a
RUNNING instance goes through every step (stop, wait, change, start, wait) without waiting in real
time. Each error code issue 13 names for these actions surfaces with its meaning.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest

from tui.config.model import Profile
from tui.core.errors import ApiError, ValidationError
from tui.core.lifecycle import CreateSpec, images_for
from tui.core.models import FAMILY_NOTEBOOKS
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig, ManualClock
from tui.service import InstanceService, Runtime, row_key
from tui.service.lifecycle import StepFailedError

PYTORCH = "278e88d1-5b71-4766-8502-b3ba72e824d9"
T4, V100, CPU8 = "modelarts.vm.gpu.t4", "modelarts.vm.gpu.v100", "modelarts.vm.cpu.8u"


def profile_for(emu: Emulator, **changes: object) -> Profile:
    base = Profile(
        name="p",
        project_id=DEMO_PROJECT_ID,
        endpoint=emu.url,
        iam_endpoint=emu.url,
        api=FAMILY_NOTEBOOKS,
        auth="aksk",
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def spec(name: str = "made-here", **changes: Any) -> CreateSpec:
    base = CreateSpec(name, T4, PYTORCH, storage_gb=50, auto_stop_hours=2, key_pair_names=("my-key",))
    return replace(base, **changes)


WATCHERS: list[Callable[[], None]] = []
"""Called at each of the service's sleeps (what a row shows while it waits)."""


@pytest.fixture
async def service(emulator: Emulator, clock: ManualClock) -> AsyncIterator[InstanceService]:
    async def sleep(seconds: float) -> None:  # the emulator's time passes; the test's does not
        for watch in WATCHERS:
            watch()
        clock.advance(seconds)

    svc = InstanceService([profile_for(emulator)], runtime=Runtime(clock=clock, sleep=sleep))
    await svc.refresh()
    yield svc
    WATCHERS.clear()
    await svc.aclose()


def _sent(emu: Emulator, method: str) -> list[str]:
    return [r.path for r in emu.requests if r.method == method]


async def test_flavors_show_gb_gpu_and_sold_out_and_images_fit_the_flavor(service: InstanceService) -> None:
    flavors = {f.id: f for f in await service.flavors("p")}
    assert flavors[T4].summary == "8 vCPUs  32 GB  1 x T4 (16GB)  x86_64"
    assert flavors["modelarts.vm.gpu.a100"].sold_out is True
    assert flavors[T4].sold_out is False and flavors[T4].category == "GPU"
    images = await service.images("p")
    kunpeng = [i.label for i in images_for(images, flavors["modelarts.vm.kunpeng.4u"])]
    assert kunpeng == ["mindspore1.7.0-py3.7-ubuntu18.04:1.0.3"]
    on_t4 = images_for(images, flavors[T4])
    assert [i.ssh for i in on_t4] == [True] * len(on_t4)  # the CPU-only image does not fit a GPU
    on_cpu = images_for(images, flavors[CPU8])
    assert on_cpu[-1].label == "notebook2.0-mul-kernel-cpu-cp36:2.0.5-B003" and not on_cpu[-1].ssh


async def test_create_shows_the_new_row_at_once_as_creating_then_running(
    service: InstanceService, emulator: Emulator, clock: ManualClock
) -> None:
    [outcome] = await service.create(["p/made-here"], spec())
    assert (outcome.ok, outcome.message) == (True, "made-here: creating (CREATING)")
    [row] = [r for r in service.rows.values() if r.instance.name == "made-here"]
    assert row.instance.status == "CREATING" and row.pending is None
    progress = [p["status"] for p in row.instance.raw["action_progress"]]
    assert progress == ["PROCESSING", "WAITING", "WAITING", "WAITING"]
    [body] = [json.loads(r.body or b"") for r in emulator.requests if r.method == "POST"]
    assert body == {
        "name": "made-here",
        "flavor": T4,
        "image_id": PYTORCH,
        "volume": {"category": "EVS", "ownership": "MANAGED", "capacity": 50},
        "lease": {"duration": 7_200_000, "type": "TIMING"},
        "endpoints": [{"service": "SSH", "key_pair_names": ["my-key"], "allowed_access_ips": []}],
    }
    clock.advance(3.5)
    await service.refresh()
    assert service.rows[row.key].instance.status == "RUNNING"
    assert service.rows[row.key].instance.flavor == T4


@pytest.mark.parametrize(
    ("setup", "changes", "code", "meaning"),
    [
        ("taken", {}, "ModelArts.6301", "An instance with this name already exists."),
        (
            "",
            {"image_id": "00000000-0000-4000-8000-000000000000"},
            "ModelArts.6797",
            "The image was not found.",
        ),
        (
            "",
            {"flavor": "modelarts.vm.cpu.free"},
            "ModelArts.6870",
            "The flavor does not support this feature.",
        ),
        ("", {"flavor": "modelarts.vm.gpu.a100"}, "ModelArts.6329", "The flavor is sold out."),
        ("short", {}, "ModelArts.6360", "Not enough resources for this flavor now."),
    ],
)
async def test_each_create_refusal_surfaces_with_its_meaning(
    service: InstanceService,
    emulator: Emulator,
    setup: str,
    changes: dict[str, Any],
    code: str,
    meaning: str,
) -> None:
    if setup == "taken":
        emulator.store.add("made-here", "STOPPED", FAMILY_NOTEBOOKS)
    if setup == "short":
        emulator.capacity.make_short(T4)
    [outcome] = await service.create(["p/made-here"], spec(**changes))
    assert not outcome.ok and not outcome.skipped
    assert isinstance(outcome.error, ApiError) and outcome.error.code == code
    assert outcome.error.meaning.startswith(meaning)
    assert meaning in outcome.message


async def test_the_quota_is_6302(clock: ManualClock, no_sleep: Callable[[float], Awaitable[None]]) -> None:
    with Emulator(EmulatorConfig(clock=clock, instance_quota=12)) as emu:
        svc = InstanceService([profile_for(emu)], runtime=Runtime(clock=clock, sleep=no_sleep))
        try:
            [outcome] = await svc.create(["p/one-too-many"], spec("one-too-many"))
        finally:
            await svc.aclose()
    assert isinstance(outcome.error, ApiError) and outcome.error.code == "ModelArts.6302"
    assert outcome.error.meaning == "The instance-count quota is reached."


async def test_a_bad_name_is_refused_before_anything_is_sent(
    service: InstanceService, emulator: Emulator
) -> None:
    sent = len(emulator.requests)
    with pytest.raises(ValidationError, match="name: only letters, digits, - and _"):
        await service.create(["p/bad name"], spec("bad name"))
    assert len(emulator.requests) == sent


async def test_a_read_only_profile_refuses_create_delete_and_resize(
    emulator: Emulator, clock: ManualClock, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    running = emulator.store.add("keep-me", "RUNNING", FAMILY_NOTEBOOKS)
    svc = InstanceService(
        [profile_for(emulator, read_only=True)], runtime=Runtime(clock=clock, sleep=no_sleep)
    )
    try:
        await svc.refresh()
        sent = len(emulator.requests)
        outcomes = [
            *(await svc.create(["p/new-one"], spec("new-one"))),
            *(await svc.delete([row_key("p", running)])),
            *(await svc.resize([row_key("p", running)], flavor=T4)),
        ]
    finally:
        await svc.aclose()
    assert [(o.ok, o.skipped, o.message) for o in outcomes] == [(False, True, "profile 'p' is read-only")] * 3
    assert len(emulator.requests) == sent


async def test_delete_shows_deleting_then_the_row_is_gone(
    service: InstanceService, emulator: Emulator, clock: ManualClock
) -> None:
    doomed = emulator.store.add("doomed", "STOPPED", FAMILY_NOTEBOOKS)
    key = row_key("p", doomed)
    await service.refresh()
    [outcome] = await service.delete([key])
    assert (outcome.ok, outcome.message) == (True, "doomed: deleting (DELETING)")
    assert service.rows[key].instance.status == "DELETING"
    assert _sent(emulator, "DELETE") == [f"/v1/{DEMO_PROJECT_ID}/notebooks/{doomed}"]
    clock.advance(3.5)
    await service.refresh()
    assert service.rows[key].gone


async def test_resize_of_a_running_instance_goes_through_every_step(
    service: InstanceService, emulator: Emulator
) -> None:
    busy = emulator.store.add("busy-gpu", "RUNNING", FAMILY_NOTEBOOKS, V100)
    key = row_key("p", busy)
    await service.refresh()
    seen: list[tuple[str | None, str]] = []

    def watch() -> None:  # what the row shows at each wait
        row = service.rows[key]
        seen.append((row.pending, row.instance.status))

    WATCHERS.append(watch)
    [outcome] = await service.resize([key], flavor=T4)
    assert (outcome.ok, outcome.message) == (True, "busy-gpu: resized (RUNNING)")
    assert seen == [
        ("2/5 wait", "STOPPING"),
        ("5/5 wait", "STARTING"),
    ]
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in emulator.requests if r.method != "GET"] == [
        ("POST", "stop"),
        ("PUT", busy),
        ("POST", "start"),
    ]
    row = service.rows[key]
    assert (row.instance.status, row.instance.flavor, row.pending) == ("RUNNING", T4, None)
    assert key not in service.in_flight


async def test_a_failed_change_names_the_step_and_the_state_it_left(
    service: InstanceService, emulator: Emulator
) -> None:
    busy = emulator.store.add("busy-gpu", "RUNNING", FAMILY_NOTEBOOKS, V100)
    key = row_key("p", busy)
    await service.refresh()
    emulator.capacity.sell_out(T4)  # listed as switchable, but it cannot be had now
    [outcome] = await service.resize([key], flavor=T4)
    assert not outcome.ok and isinstance(outcome.error, StepFailedError)
    assert outcome.error.code == "ModelArts.6716"
    assert outcome.message.startswith(
        "step 3/5 (change the flavor to modelarts.vm.gpu.t4) failed: HTTP 400 ModelArts.6716: "
    )
    assert outcome.message.endswith(" — The flavor is sold out. The instance was left STOPPED.")
    row = service.rows[key]
    assert (row.instance.status, row.instance.flavor, row.pending) == ("STOPPED", V100, None)


async def test_a_start_that_fails_after_the_change_names_that_step(
    service: InstanceService, emulator: Emulator
) -> None:
    busy = emulator.store.add("busy-gpu", "RUNNING", FAMILY_NOTEBOOKS, V100)
    key = row_key("p", busy)
    await service.refresh()
    original = emulator.store.mutate

    def sell_out_once_changed(*args: object, **kwargs: object) -> object:  # capacity goes meanwhile
        changed = original(*args, **kwargs)  # type: ignore[arg-type]
        if emulator.store.read(busy, emulator.clock()).flavor == T4:
            emulator.capacity.sell_out(T4)
        return changed

    emulator.store.mutate = sell_out_once_changed  # type: ignore[method-assign,assignment]
    [outcome] = await service.resize([key], flavor=T4)
    assert isinstance(outcome.error, StepFailedError) and outcome.error.code == "ModelArts.6329"
    assert outcome.message.startswith("step 4/5 (start it again) failed: ")
    assert outcome.message.endswith(" — The flavor is sold out. The instance was left STOPPED.")
    assert (service.rows[key].instance.status, service.rows[key].instance.flavor) == ("STOPPED", T4)


async def test_a_running_instance_is_not_stopped_for_a_flavor_it_cannot_switch_to(
    service: InstanceService, emulator: Emulator
) -> None:
    busy = emulator.store.add("busy-gpu", "RUNNING", FAMILY_NOTEBOOKS, V100)
    await service.refresh()
    [outcome] = await service.resize([row_key("p", busy)], flavor="modelarts.kat1.xlarge")
    assert not outcome.ok and isinstance(outcome.error, ValidationError)
    assert "busy-gpu cannot switch to modelarts.kat1.xlarge" in outcome.message
    assert outcome.message.endswith("nothing was stopped")
    assert _sent(emulator, "POST") == []


async def test_a_stopped_instance_changes_flavor_in_one_step_and_6792_surfaces(
    service: InstanceService, emulator: Emulator
) -> None:
    idle = emulator.store.add("idle-gpu", "STOPPED", FAMILY_NOTEBOOKS, V100)
    key = row_key("p", idle)
    await service.refresh()
    [bad] = await service.resize([key], flavor="modelarts.kat1.xlarge")
    assert isinstance(bad.error, StepFailedError) and bad.error.code == "ModelArts.6792"
    assert bad.message.endswith("Changing the flavor is not supported. The instance was left STOPPED.")
    [good] = await service.resize([key], flavor=T4)
    assert good.ok and service.rows[key].instance.flavor == T4
    assert [r.method for r in emulator.requests if r.method != "GET"] == ["PUT", "PUT"]


async def test_storage_grows_only_and_a_flavor_change_while_running_is_6347(
    service: InstanceService, emulator: Emulator
) -> None:
    busy = emulator.store.add("busy-gpu", "RUNNING", FAMILY_NOTEBOOKS, V100, storage=("evs", "/w", 50))
    key = row_key("p", busy)
    await service.refresh()
    [grown] = await service.resize([key], storage_gb=100)
    assert grown.ok and service.rows[key].instance.raw["volume"]["capacity"] == 100
    [shrink] = await service.resize([key], storage_gb=60)
    assert isinstance(shrink.error, ValidationError)
    assert shrink.message == "storage: storage only grows: more than the current 100 GB"
    client = await service._client("p")
    with pytest.raises(ApiError) as server_says:  # past the local check, the server's own rule
        await client.grow_storage(busy, 60)
    assert (
        server_says.value.code == "ModelArts.6331"
        and server_says.value.meaning == "The EVS size is out of range."
    )
    with pytest.raises(ApiError) as running:
        await client.change_flavor(busy, T4)
    assert running.value.code == "ModelArts.6347"
    assert running.value.meaning == "This parameter cannot be modified in the instance's current state."
