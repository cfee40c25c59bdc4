"""Discovery against the emulator: one credential -> every project IAM lists -> one working profile each."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest

from tui.api.iam import Project, parse_projects
from tui.config.model import Config, Profile
from tui.core.errors import AuthError, ResponseError
from tui.core.models import ApiCall
from tui.core.secret import Secret
from tui.emulator import (
    DEMO_AK,
    DEMO_DOMAIN,
    DEMO_PASSWORD,
    DEMO_PROJECT_ID,
    DEMO_SK,
    DEMO_USER,
    Emulator,
    EmulatorConfig,
    ManualClock,
)
from tui.service import InstanceService
from tui.service.onboarding import add_profiles, discover, modelarts_cloud, project_profile


def _aksk(emu: Emulator, **kw: object) -> Profile:
    fields: dict[str, object] = {
        "ak": DEMO_AK,
        "sk": Secret(DEMO_SK),
        "endpoint": emu.url,
        "iam_endpoint": emu.url,
    }
    return Profile(name="start", **{**fields, **kw})  # type: ignore[arg-type]


async def test_one_aksk_lists_the_projects_signed_and_gets_a_working_profile(
    emulator: Emulator, clock: ManualClock, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    calls: list[ApiCall] = []
    found = await discover(_aksk(emulator), on_call=calls.append, sleep=no_sleep, clock=clock)
    (profile,) = found.profiles()
    assert (profile.name, profile.cloud, profile.region, profile.project_id) == (
        "otc-eu-de",
        "otc",
        "eu-de",
        DEMO_PROJECT_ID,
    )
    assert (profile.endpoint, profile.iam_endpoint) == (emulator.url, emulator.url), "overrides kept"
    assert (profile.ak, profile.sk, profile.api) == (DEMO_AK, Secret(DEMO_SK), "devenv-v1")
    assert profile.imported_from == "discovered from profile start"
    assert found.found[0].note == "devenv-v1 API answered (12 instances)"
    assert [(c.method, c.path.split("?")[0], c.status) for c in calls] == [
        ("GET", "/v3/projects", 200),
        ("GET", f"/v1/{DEMO_PROJECT_ID}/demanager/instances", 200),
    ]
    iam_request = next(r for r in emulator.requests if r.path == "/v3/projects")
    assert iam_request.headers["authorization"].startswith("SDK-HMAC-SHA256 Access=" + DEMO_AK)
    assert "x-project-id" not in iam_request.headers, "an account-wide query"
    assert DEMO_SK not in repr(calls)


async def test_a_password_profile_lists_its_projects_with_a_token(
    emulator: Emulator, clock: ManualClock, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    calls: list[ApiCall] = []
    source = Profile(
        name="pw",
        auth="password",
        domain=DEMO_DOMAIN,
        user=DEMO_USER,
        password=Secret(DEMO_PASSWORD),
        endpoint=emulator.url,
        iam_endpoint=emulator.url,
        api="notebooks",
    )
    found = await discover(source, on_call=calls.append, sleep=no_sleep, clock=clock)
    (profile,) = found.profiles()
    assert (profile.name, profile.auth, profile.project_id, profile.api) == (
        "otc-eu-de",
        "password",
        DEMO_PROJECT_ID,
        "notebooks",
    ), "the source's own family is tried first"
    paths = [c.path.split("?")[0] for c in calls]
    # A token for IAM, then the probe's own client signs in for the project it found.
    assert paths == [
        "/v3/auth/tokens",
        "/v3/auth/projects",
        "/v3/auth/tokens",
        f"/v1/{DEMO_PROJECT_ID}/notebooks",
    ]
    assert DEMO_PASSWORD not in repr(calls)


async def test_the_profile_gets_the_family_that_answers(
    emulator: Emulator, clock: ManualClock, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    def on_call(call: ApiCall) -> None:
        if call.path.startswith("/v3/projects"):  # from now on the v1 list is refused 4 times (1 + 3 retries)
            emulator.faults.throttle_next = 4

    found = await discover(_aksk(emulator), on_call=on_call, sleep=no_sleep, clock=clock)
    (profile,) = found.profiles()
    assert profile.api == "notebooks" and found.found[0].note == "notebooks API answered (12 instances)"


async def test_a_project_no_family_answers_for_is_skipped_with_both_reasons(
    emulator: Emulator, clock: ManualClock, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    def on_call(call: ApiCall) -> None:
        if call.path.startswith("/v3/projects"):
            emulator.faults.throttle_next = 8

    found = await discover(_aksk(emulator), on_call=on_call, sleep=no_sleep, clock=clock)
    assert found.profiles() == []
    (skipped,) = found.skipped()
    assert skipped.note.startswith("neither API family answered: devenv-v1: ")
    assert "; notebooks: " in skipped.note and "APIGW.0308" in skipped.note


@pytest.mark.parametrize(
    ("project_name", "reason"),
    [
        ("eu-nl", "no ModelArts endpoint in eu-nl (Open Telekom Cloud offers ModelArts only in eu-de)"),
        ("MOS", "'MOS' is not a region project (no ModelArts)"),
        ("eu-west-0", "no ModelArts endpoint is known for region eu-west-0"),
    ],
)
def test_regions_without_modelarts_are_listed_as_skipped(
    project_name: str, reason: str, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    with Emulator(EmulatorConfig(project_name=project_name, instances=1)) as emu:
        import asyncio

        found = asyncio.run(discover(_aksk(emu), sleep=no_sleep))
    assert found.profiles() == [] and [(f.project.name, f.note) for f in found.skipped()] == [
        (project_name, reason)
    ]


async def test_a_huawei_region_gets_a_huawei_profile_through_the_same_override(
    no_sleep: Callable[[float], Awaitable[None]],
) -> None:
    with Emulator(EmulatorConfig(project_name="cn-north-4", instances=2)) as emu:
        found = await discover(_aksk(emu), sleep=no_sleep)
        url = emu.url
    (profile,) = found.profiles()
    assert (profile.name, profile.cloud, profile.region, profile.endpoint) == (
        "huawei-cn-north-4",
        "huawei",
        "cn-north-4",
        url,
    )


async def test_a_refused_credential_is_an_error_naming_iam(
    emulator: Emulator, clock: ManualClock, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    with pytest.raises(AuthError) as caught:
        await discover(_aksk(emulator, sk=Secret("WrongSkDiscovery-0001")), sleep=no_sleep, clock=clock)
    assert caught.value.endpoint.endswith("/v3/projects") and caught.value.status == 401
    assert "WrongSkDiscovery" not in str(caught.value)


def test_projects_are_parsed_from_untrusted_text() -> None:
    data = {
        "projects": [
            {"id": DEMO_PROJECT_ID, "name": "eu-de_team\x1b[31m", "enabled": True, "domain_id": "d"},
            {"id": "", "name": "no-id"},
            {"name": "no-id-either"},
            "not an object",
            {"id": "f" * 32, "name": "cn-north-4", "enabled": False},
        ]
    }
    assert parse_projects(data) == [
        Project(DEMO_PROJECT_ID, "eu-de_team?[31m", True, "d", ""),
        Project("f" * 32, "cn-north-4", False),
    ]
    with pytest.raises(ResponseError, match="no 'projects' list"):
        parse_projects({"projects": {}}, "iam.example/v3/projects")
    with pytest.raises(ResponseError, match="expected the project list as a JSON object"):
        parse_projects([], "iam.example/v3/projects")


def test_a_sub_project_maps_to_its_region_and_real_endpoints_are_not_carried_over() -> None:
    source = Profile(name="s", endpoint="https://modelarts.eu-de.otc.t-systems.com", ak="AK", sk=Secret("s"))
    sub = project_profile(source, Project("a" * 32, "eu-de_team"), "otc")
    assert (sub.name, sub.region, sub.project_id, sub.endpoint) == ("otc-eu-de_team", "eu-de", "a" * 32, "")
    lab = project_profile(
        replace(source, endpoint="https://lab.example:8443"), Project("b" * 32, "eu-de"), "otc"
    )
    assert lab.endpoint == "https://lab.example:8443"
    assert [modelarts_cloud(r) for r in ("eu-de", "eu-nl", "cn-north-4", "ap-southeast-1", "xx-yy-1")] == [
        "otc",
        None,
        "huawei",
        "huawei",
        None,
    ]


def test_adding_twice_adds_nothing_the_second_time() -> None:
    profiles = [Profile(name="otc-eu-de"), Profile(name="huawei-cn-north-4")]
    first = add_profiles(Config(profiles=(Profile(name="mine"),)), profiles)
    assert first.config.names() == ("mine", "otc-eu-de", "huawei-cn-north-4") and first.existing == ()
    again = add_profiles(first.config, profiles)
    assert (
        again.config == first.config
        and again.added == ()
        and again.existing == ("otc-eu-de", "huawei-cn-north-4")
    )


async def test_one_aksk_gives_n_profiles_that_all_list_instances(
    clock: ManualClock, no_sleep: Callable[[float], Awaitable[None]]
) -> None:
    """The emulator serving three regions on one port: one AK/SK, three working profiles."""
    regions = ("eu-de", "cn-north-4", "ap-southeast-1")
    with Emulator(EmulatorConfig(projects=regions, clock=clock, instances=4)) as emu:
        found = await discover(_aksk(emu), sleep=no_sleep, clock=clock)
        profiles = found.profiles()
        assert [p.name for p in profiles] == ["otc-eu-de", "huawei-cn-north-4", "huawei-ap-southeast-1"]
        assert [(p.cloud, p.region) for p in profiles] == [
            ("otc", "eu-de"),
            ("huawei", "cn-north-4"),
            ("huawei", "ap-southeast-1"),
        ]
        assert len({p.project_id for p in profiles}) == 3 and all(p.endpoint == emu.url for p in profiles)
        service = InstanceService(profiles, clock=clock, sleep=no_sleep)
        try:
            result = await service.refresh()
        finally:
            await service.aclose()
    assert all(status.error is None for status in result.profiles), result
    listed = {
        name: sum(1 for r in service.rows.values() if r.profile == name)
        for name in (p.name for p in profiles)
    }
    assert listed == dict.fromkeys(listed, 4), listed  # instances=4 in each project
    assert len({r.instance.id for r in service.rows.values()}) == 12, "each profile lists its own project"
