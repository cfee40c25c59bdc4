"""Tags and the admin scope through the client and the service on the emulator: add, overwrite, remove,
the rules checked locally, more than 20 refused by the server, `scope = "all"` with owners, the 403."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from tests.integration.nb_helpers import clock_service, key_where, nb_profile
from tui.api.client_images import ADMIN_DENIED, AdminListDeniedError
from tui.core.errors import ApiError, ValidationError
from tui.core.secret import Secret
from tui.core.tags import parse_keys, parse_pairs
from tui.emulator import Emulator, EmulatorConfig, ManualClock
from tui.service import InstanceService, Runtime

Sleep = Callable[[float], Awaitable[None]]


@pytest.fixture
async def service(emulator: Emulator, clock: ManualClock, no_sleep: Sleep) -> AsyncIterator[InstanceService]:
    svc = clock_service(emulator, clock, no_sleep)
    await svc.refresh()
    yield svc
    await svc.aclose()


async def test_tags_are_added_overwritten_and_removed_and_the_row_shows_them(
    service: InstanceService, emulator: Emulator
) -> None:
    key = key_where(service, status="STOPPED")
    name = service.rows[key].display_name
    [added] = await service.tag([key], parse_pairs(["team=cv", "cost=gpu"]))
    assert (added.ok, added.message) == (True, f"{name}: tagged")
    assert service.rows[key].instance.tags == (("cost", "gpu"), ("team", "cv"))
    [changed] = await service.tag([key], [("team", "nlp")])
    assert changed.ok and service.rows[key].instance.tags == (("cost", "gpu"), ("team", "nlp"))
    [removed] = await service.untag([key], parse_keys(["cost", "missing"]))
    assert (removed.ok, removed.message) == (True, f"{name}: untagged")
    assert service.rows[key].instance.tags == (("team", "nlp"),)
    bodies = [json.loads(r.body or b"{}") for r in emulator.requests if "/tags/" in r.path]
    assert bodies[-1] == {"tags": [{"key": "cost"}, {"key": "missing"}]}
    await service.refresh()
    assert service.rows[key].instance.tags == (("team", "nlp"),)


async def test_a_twenty_first_tag_is_refused_by_the_server_and_nothing_changes(
    service: InstanceService,
) -> None:
    key = key_where(service, status="RUNNING")
    [full] = await service.tag([key], [(f"k{i}", "v") for i in range(20)])
    assert full.ok and len(service.rows[key].instance.tags) == 20
    [over] = await service.tag([key], [("k20", "v")])
    assert isinstance(over.error, ApiError) and over.error.code == "ModelArts.0101"
    assert over.message.startswith("HTTP 400 ModelArts.0101: A notebook can have at most 20 tags.")


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["team"], "tag: 'team' is not key=value"),
        (["=cv"], "tag: a tag key is 1 to 36 characters, not ''"),
        (["a|b=1"], "tag: tag key 'a|b' must not contain |"),
        (["k=" + "x" * 44], "tag: the value of 'k' is at most 43 characters"),
        (["k=a/b"], "tag: the value of 'k' must not contain /"),
        ([], "tag: give at least one key=value"),
        ([f"k{i}=v" for i in range(21)], "tag: a notebook has at most 20 tags (21 given)"),
    ],
)
def test_the_tag_rules_are_checked_before_anything_is_sent(items: list[str], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_pairs(items)
    assert str(caught.value) == message


async def test_the_service_checks_tags_before_claiming(service: InstanceService, emulator: Emulator) -> None:
    key = key_where(service, status="RUNNING")
    sent = len(emulator.requests)
    with pytest.raises(ValidationError):
        await service.tag([key], [("bad*key", "v")])
    assert len(emulator.requests) == sent and key not in service.in_flight


async def test_a_read_only_profile_refuses_tag_and_untag(
    emulator: Emulator, clock: ManualClock, no_sleep: Sleep
) -> None:
    svc = clock_service(emulator, clock, no_sleep, read_only=True)
    try:
        await svc.refresh()
        key = key_where(svc, status="RUNNING")
        sent = len(emulator.requests)
        outcomes = [*(await svc.tag([key], [("a", "b")])), *(await svc.untag([key], ["a"]))]
    finally:
        await svc.aclose()
    assert [(o.skipped, o.message) for o in outcomes] == [(True, "profile 'p' is read-only")] * 2
    assert len(emulator.requests) == sent


async def test_scope_all_lists_every_users_notebooks_with_their_owner(
    emulator: Emulator, clock: ManualClock, no_sleep: Sleep
) -> None:
    own = clock_service(emulator, clock, no_sleep)
    admin = clock_service(emulator, clock, no_sleep, scope="all")
    try:
        mine, everyone = await own.refresh(), await admin.refresh()
    finally:
        await own.aclose()
        await admin.aclose()
    assert {r.instance.owner for r in mine.rows} == {"demo-user"}
    owners = {r.instance.name: r.instance.owner for r in everyone.rows}
    assert len(owners) == len(mine.rows) + 4
    assert {n: o for n, o in owners.items() if o != "demo-user"} == {
        "llm-finetune": "alice",
        "etl-notebook": "bob",
        "vision-demo": "alice",
        "ascend-bench": "carol",
    }
    assert [r.path for r in emulator.requests if r.method == "GET"] == [
        f"/v1/{own.profiles[0].project_id}/notebooks",
        f"/v1/{own.profiles[0].project_id}/notebooks/all",
    ]


async def test_a_non_admin_with_scope_all_gets_the_clear_message(clock: ManualClock, no_sleep: Sleep) -> None:
    with Emulator(EmulatorConfig(clock=clock, admin=False)) as emu:
        svc = InstanceService([nb_profile(emu, scope="all")], runtime=Runtime(clock=clock, sleep=no_sleep))
        try:
            result = await svc.refresh()
            again = await svc.refresh()
        finally:
            await svc.aclose()
    [status] = result.profiles
    assert isinstance(status.error, AdminListDeniedError)
    assert status.error.summary() == (
        f"HTTP 403 ModelArts.0108: {ADMIN_DENIED}"
        " — Listing every user's notebooks needs the ModelArts admin policy."
    )
    assert status.error.hint == 'Set scope = "own" for this profile, or ask an administrator for the policy.'
    assert svc.auth_paused("p") is None and not again.profiles[0].ok  # a 403 is not a bad credential


def test_scope_is_checked_in_the_config() -> None:
    from tui.config.model import Profile

    problems = Profile(name="p", ak="a", sk=Secret("s"), scope="everyone").validate()
    assert [(e.field, str(e)) for e in problems] == [("scope", "scope: 'everyone' is not one of own, all")]


async def test_scope_all_on_the_v1_api_is_a_clear_error(
    emulator: Emulator, clock: ManualClock, no_sleep: Sleep
) -> None:
    svc = InstanceService(
        [nb_profile(emulator, api="devenv-v1", scope="all")], runtime=Runtime(clock=clock, sleep=no_sleep)
    )
    try:
        result = await svc.refresh()
    finally:
        await svc.aclose()
    [status] = result.profiles
    assert str(status.error) == "scope: listing every user's notebooks needs the notebooks API"
    assert emulator.requests == []
