"""Region, project id and instance id are checked before any request, through the service, the client
and the CLI; a bad one is a message naming the field, and the emulator sees nothing at all."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from tui.api.auth import AkSkAuth, IamPasswordAuth
from tui.api.client import ModelArtsClient
from tui.cli import main
from tui.config.model import Config, Profile
from tui.config.store import save_config
from tui.core.errors import ValidationError
from tui.core.models import FAMILY_NOTEBOOKS
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator
from tui.service import InstanceService, row_key

BAD_INSTANCE_IDS = [
    "../../etc/passwd",
    "DE-1",
    "",
    "DE-x y z 123",
    "<script>alert(1)</script>",
    "DE-7d558ef8/../../v3/auth/tokens",
    "DE-%2e%2e%2f%2e%2e",
    "a" * 65,
    "DE-é-00000000",
]
BAD_PROJECT_IDS = [
    "../0123456789abcdef0123456789abcd",
    "0123456789ABCDEF0123456789ABCDEF",
    "12345",
    "0123456789abcdef0123456789abcdef/..",
    "0123456789abcdef0123456789abcdeg",
]


def profile(emu: Emulator, **changes: Any) -> Profile:
    base = Profile(
        name="p",
        project_id=DEMO_PROJECT_ID,
        endpoint=emu.url,
        iam_endpoint=emu.url,
        auth="aksk",
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
    )
    return replace(base, **changes)


# --- service --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"region": "moon-1", "endpoint": ""}, "region"),
        ({"region": "eu de"}, "region"),
        ({"cloud": "huawei", "region": "eu-de", "endpoint": ""}, "region"),
        *[({"project_id": bad}, "project_id") for bad in BAD_PROJECT_IDS],
    ],
)
async def test_service_refuses_a_bad_region_or_project_before_any_request(
    emulator: Emulator, changes: dict[str, Any], field: str
) -> None:
    svc = InstanceService([profile(emulator, **changes)])
    try:
        (status,) = (await svc.refresh()).profiles
        test = await svc.test_connection(profile(emulator, **changes))
    finally:
        await svc.aclose()
    assert isinstance(status.error, ValidationError) and status.error.field == field
    assert str(status.error).startswith(f"{field}: ")
    assert not test.ok and isinstance(test.error, ValidationError) and test.error.field == field
    assert emulator.requests == []


@pytest.mark.parametrize("bad", BAD_INSTANCE_IDS)
async def test_service_refuses_a_bad_instance_id_before_any_request(emulator: Emulator, bad: str) -> None:
    svc = InstanceService([profile(emulator)])
    try:
        outcomes = [*await svc.start([row_key("p", bad)]), *await svc.stop([row_key("p", bad)])]
        with pytest.raises(ValidationError) as caught:
            await svc.details(row_key("p", bad))
    finally:
        await svc.aclose()
    for outcome in outcomes:
        assert not outcome.ok and isinstance(outcome.error, ValidationError)
        assert outcome.error.field == "instance_id" and "instance_id" in outcome.message
    assert caught.value.field == "instance_id"
    assert emulator.requests == []


# --- client ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["../x", "a/b", "p?x=1", "p#f", " ", "x" * 65])
def test_client_refuses_a_bad_project_id(emulator: Emulator, bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ModelArtsClient(emulator.url, bad, AkSkAuth(DEMO_AK, Secret(DEMO_SK)))
    assert caught.value.field == "project_id"


@pytest.mark.parametrize("family", ["devenv-v1", FAMILY_NOTEBOOKS])
@pytest.mark.parametrize("bad", BAD_INSTANCE_IDS)
async def test_client_refuses_a_bad_instance_id(emulator: Emulator, bad: str, family: str) -> None:
    auth = AkSkAuth(DEMO_AK, Secret(DEMO_SK), project_id=DEMO_PROJECT_ID)
    async with ModelArtsClient(emulator.url, DEMO_PROJECT_ID, auth, family=family) as client:
        operations: list[Callable[[str], Awaitable[object]]] = [
            client.get_instance,
            client.start,
            client.stop,
            client.delete,
            lambda i: client.update(i, description="x"),
        ]
        if family == FAMILY_NOTEBOOKS:
            operations += [client.get_lease, lambda i: client.renew_lease(i, 2)]
        for operation in operations:
            with pytest.raises(ValidationError) as caught:
                await operation(bad)
            assert caught.value.field == "instance_id" and "instance_id" in str(caught.value)
    assert emulator.requests == []


async def test_a_project_id_named_by_iam_is_checked_before_it_goes_into_a_path() -> None:
    """IAM (or something posing as it) names a project id that would escape the path: refused."""
    sent: list[str] = []

    def iam(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        body = {"token": {"expires_at": "2099-01-01T00:00:00.000000Z", "project": {"id": "../../v3/users"}}}
        return httpx.Response(201, json=body, headers={"X-Subject-Token": "MIItokenFromFakeIam000000"})

    auth = IamPasswordAuth("https://iam.test", "d", "u", Secret("pw-validation"), project_name="eu-de")
    client = ModelArtsClient("https://modelarts.test", "", auth, transport=httpx.MockTransport(iam))
    async with client:
        with pytest.raises(ValidationError) as caught:
            await client.list_instances()
        with pytest.raises(ValidationError):
            await client.get_instance("DE-7d558ef8-c73d-11ea-964c-0255ac100033")
    assert caught.value.field == "project_id" and "../../v3/users" in str(caught.value)
    assert sent == ["/v3/auth/tokens"], "nothing went to ModelArts"


def test_client_refuses_a_bad_endpoint(emulator: Emulator) -> None:
    auth = AkSkAuth(DEMO_AK, Secret(DEMO_SK))
    for bad in ("ftp://x", "modelarts.eu-de.otc.t-systems.com", emulator.url + "?x=1", ""):
        with pytest.raises(ValidationError) as caught:
            ModelArtsClient(bad, DEMO_PROJECT_ID, auth)
        assert caught.value.field == "endpoint"


# --- CLI ------------------------------------------------------------------------------------------
@pytest.fixture
def cli_env(emulator: Emulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", DEMO_AK)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", DEMO_SK)
    monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", DEMO_PROJECT_ID)
    path = tmp_path / "config.toml"
    monkeypatch.setenv("MODELARTS_TUI_CONFIG", str(path))
    return path


@pytest.mark.parametrize("command", ["show", "start", "stop"])
@pytest.mark.parametrize("bad", ["../../etc/passwd", "DE-1", "<x>"])
def test_cli_refuses_a_bad_instance_id(
    emulator: Emulator, cli_env: Path, capsys: pytest.CaptureFixture[str], command: str, bad: str
) -> None:
    extra = ["--yes"] if command == "stop" else []
    assert main([command, "--endpoint", emulator.url, bad, *extra]) == 2
    err = capsys.readouterr().err
    assert "instance id" in err and repr(bad) in err
    assert emulator.requests == []


@pytest.mark.parametrize("bad", ["../x", "ABC", "0123456789abcdef0123456789abcdef/.."])
def test_cli_refuses_a_bad_project_id(
    emulator: Emulator, cli_env: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    for argv in (
        ["list", "--endpoint", emulator.url, "--project-id", bad],
        ["start", "--endpoint", emulator.url, "--project-id", bad, "DE-7d558ef8-c73d-11ea-964c-0255ac100033"],
    ):
        assert main(argv) != 0
        assert "project_id" in capsys.readouterr().err
    assert emulator.requests == []


def test_cli_refuses_a_profile_with_a_bad_region(
    emulator: Emulator, cli_env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save_config(Config(profiles=(profile(emulator, region="moon-1", endpoint=""),)), cli_env)
    assert main(["list", "--json"]) != 0
    assert "region: 'moon-1'" in capsys.readouterr().err
    assert main(["config", "check"]) == 2
    err = capsys.readouterr().err
    assert "profile 'p': region: 'moon-1' is not a region of Open Telekom Cloud" in err
    assert emulator.requests == []
