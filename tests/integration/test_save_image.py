"""Save as image through the service on the emulator: SNAPSHOTTING, the image followed to ACTIVE or
CREATE_FAILED with its message, the name rules checked locally, 6737, 6327, read-only refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.nb_helpers import ClockSleep, clock_service, key_where
from tui.core.errors import ApiError, ValidationError
from tui.emulator import Emulator, ManualClock
from tui.emulator.images import FAILED_MESSAGE
from tui.service import InstanceService


@pytest.fixture
def sleep(clock: ManualClock) -> ClockSleep:
    return ClockSleep(clock)


@pytest.fixture
async def service(
    emulator: Emulator, clock: ManualClock, sleep: ClockSleep
) -> AsyncIterator[InstanceService]:
    svc = clock_service(emulator, clock, sleep)
    await svc.refresh()
    yield svc
    await svc.aclose()


def _posts(emulator: Emulator) -> list[dict[str, object]]:
    import json

    return [json.loads(r.body or b"{}") for r in emulator.requests if r.path.endswith("/create-image")]


async def test_save_image_follows_the_image_to_active(
    service: InstanceService, emulator: Emulator, sleep: ClockSleep
) -> None:
    key = key_where(service, status="RUNNING")
    name = service.rows[key].display_name
    labels: list[str | None] = []
    move = sleep.__call__

    async def watch(seconds: float) -> None:  # what the row shows at each pause of the follow
        labels.append(service.rows[key].pending)
        await move(seconds)

    service.runtime = service.runtime.but(sleep=watch)
    [outcome] = await service.save_image([key], "my-env", "v1", "demo-team", "tuned")
    assert (outcome.ok, outcome.message) == (True, f"{name}: image demo-team/my-env:v1 ACTIVE")
    assert labels == [
        "SNAPSHOTTING · image demo-team/my-env:v1 INIT",
        "RUNNING · image demo-team/my-env:v1 CREATING",
    ]
    assert _posts(emulator) == [
        {"name": "my-env", "tag": "v1", "namespace": "demo-team", "description": "tuned"}
    ]
    image = service.saved_images()[key]
    assert image.status == "ACTIVE" and image.swr_path.endswith("/demo-team/my-env:v1")
    assert key not in service.in_flight and service.rows[key].pending is None
    assert sleep.slept == [5.0, 5.0]  # INIT -> CREATING -> ACTIVE, each read after one poll pause


async def test_without_follow_it_returns_at_once_with_the_image_building(service: InstanceService) -> None:
    key = key_where(service, status="RUNNING")
    [outcome] = await service.save_image([key], "quick", "v1", "demo-team", follow=False)
    assert outcome.ok and outcome.message.endswith("image demo-team/quick:v1 building")
    assert service.rows[key].instance.status == "SNAPSHOTTING"


async def test_a_failed_build_names_the_services_message(
    service: InstanceService, emulator: Emulator
) -> None:
    emulator.images.fail_next = 1
    key = key_where(service, status="RUNNING")
    [outcome] = await service.save_image([key], "too-big", "v1", "demo-team")
    assert not outcome.ok
    assert outcome.message == (
        f"image demo-team/too-big:v1 ended in CREATE_FAILED: {FAILED_MESSAGE}"
        " — The image could not be built; the notebook itself is unchanged."
    )


async def test_a_duplicate_tag_is_6737_with_its_meaning(service: InstanceService, clock: ManualClock) -> None:
    key = key_where(service, status="RUNNING")
    [first] = await service.save_image([key], "twice", "v1", "demo-team")
    assert first.ok
    [second] = await service.save_image([key], "twice", "v1", "demo-team")
    assert isinstance(second.error, ApiError) and second.error.code == "ModelArts.6737"
    assert second.message == (
        f"HTTP 400 ModelArts.6737: The image tag demo-team/twice:v1 already exists. — {second.error.meaning}"
    )
    assert second.error.meaning == "An image with this name and tag already exists in the organisation."


@pytest.mark.parametrize(
    ("name", "tag", "field"),
    [
        ("My-Env", "v1", "name"),
        ("-env", "v1", "name"),
        ("env-", "v1", "name"),
        ("a" * 129, "v1", "name"),
        ("env", "", "tag"),
        ("env", "v 1", "tag"),
    ],
)
async def test_the_name_rules_are_checked_before_anything_is_sent(
    service: InstanceService, emulator: Emulator, name: str, tag: str, field: str
) -> None:
    key = key_where(service, status="RUNNING")
    sent = len(emulator.requests)
    with pytest.raises(ValidationError) as caught:
        await service.save_image([key], name, tag, "demo-team")
    assert caught.value.field == field and len(emulator.requests) == sent
    assert key not in service.in_flight


async def test_a_stopped_notebook_is_refused_locally_and_the_server_says_6327_too(
    service: InstanceService, emulator: Emulator
) -> None:
    key = key_where(service, status="STOPPED")
    name = service.rows[key].display_name
    [outcome] = await service.save_image([key], "env", "v1", "demo-team")
    assert (outcome.skipped, outcome.message) == (True, f"{name} is STOPPED, not RUNNING")
    client = await service._client("p")
    with pytest.raises(ApiError) as caught:
        await client.create_image(key.partition("/")[2], "env", "v1", "demo-team")
    assert caught.value.code == "ModelArts.6327"


async def test_the_namespace_defaults_to_the_organisation_of_the_accounts_own_image(
    service: InstanceService, emulator: Emulator
) -> None:
    builtin = key_where(service, status="RUNNING", name="nlp-playground")
    [outcome] = await service.save_image([builtin], "env", "v1")
    assert isinstance(outcome.error, ValidationError) and outcome.error.field == "namespace"
    assert (
        outcome.message
        == "namespace: nlp-playground runs a built-in image: give the SWR organisation to save into"
    )
    own = next(i for i in emulator.images.all() if i.image.type == "DEDICATED")  # demo-team's image
    emulator.store.mutate(builtin.partition("/")[2], lambda rec, now: setattr(rec, "image_id", own.image.id))
    [saved] = await service.save_image([builtin], "env", "v2")
    assert (saved.ok, saved.message) == (True, "nlp-playground: image demo-team/env:v2 ACTIVE")


async def test_a_read_only_profile_refuses_save_image(
    emulator: Emulator, clock: ManualClock, sleep: ClockSleep
) -> None:
    svc = clock_service(emulator, clock, sleep, read_only=True)
    try:
        await svc.refresh()
        key = key_where(svc, status="RUNNING")
        sent = len(emulator.requests)
        [outcome] = await svc.save_image([key], "env", "v1", "demo-team")
    finally:
        await svc.aclose()
    assert outcome.skipped and outcome.message == "profile 'p' is read-only"
    assert len(emulator.requests) == sent
