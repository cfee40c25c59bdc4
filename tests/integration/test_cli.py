"""The headless CLI against the emulator over loopback: output, exit codes, --wait, config errors."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.cli import main
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig

SECRET_SK = "Sk-CLI-TEST-zq8w1x4k7m2n5b9v3c6x"


@pytest.fixture
def live() -> Iterator[Emulator]:
    """An emulator on the real clock with quick transitions, for --wait."""
    with Emulator(EmulatorConfig(instances=6, seed=3, transition_seconds=0.4)) as emu:
        yield emu


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Environment credentials and a config path that does not exist."""
    monkeypatch.setenv("HUAWEICLOUD_SDK_AK", DEMO_AK)
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", DEMO_SK)
    monkeypatch.setenv("HUAWEICLOUD_SDK_PROJECT_ID", DEMO_PROJECT_ID)
    path = tmp_path / "config.toml"
    monkeypatch.setenv("MODELARTS_TUI_CONFIG", str(path))
    return path


def _status(emu: Emulator, instance_id: str) -> str:
    rec = emu.store.get(instance_id)
    assert rec is not None
    return rec.status


def _pick(emu: Emulator, status: str) -> str:
    for rec in emu.store.all():
        if rec.status == status and rec.family == "devenv-v1":
            return rec.id
    return emu.store.add(f"cli-{status.lower()}", status=status)


def test_list_json_with_endpoint_and_env_credentials(
    live: Emulator, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", "--endpoint", live.url, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {i["id"] for i in listed} >= {r.id for r in live.store.all() if r.family == "devenv-v1"}
    assert all({"id", "name", "status"} <= set(i) for i in listed)
    assert not env.exists(), "a headless run must not create a config file"


def test_list_status_filter_and_order(live: Emulator, env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "list",
        "--endpoint",
        live.url,
        "--json",
        "--status",
        "RUNNING",
        "--sort",
        "name",
        "--order",
        "desc",
    ]
    assert main(args) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed and {i["status"] for i in listed} == {"RUNNING"}
    names = [i["name"] for i in listed]
    assert names == sorted(names, reverse=True)


def test_start_wait_reaches_running_and_stop_wait_reaches_stopped(
    live: Emulator, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instance_id = _pick(live, "STOPPED")
    base = ["--endpoint", live.url, "--wait", "--interval", "0.1", "--timeout", "20"]
    assert main(["start", instance_id, *base]) == 0
    assert _status(live, instance_id) == "RUNNING"
    assert "RUNNING" in capsys.readouterr().out
    assert main(["stop", instance_id, "--yes", *base]) == 0
    assert _status(live, instance_id) == "STOPPED"
    posts = [r for r in live.requests if r.method == "POST"]
    assert len(posts) == 2


def test_wait_timeout_exits_3(env: Path) -> None:
    with Emulator(EmulatorConfig(instances=2, seed=1, transition_seconds=30)) as emu:
        instance_id = emu.store.add("slow-box", status="STOPPED")
        code = main(
            ["start", instance_id, "--endpoint", emu.url, "--wait", "--timeout", "0.3", "--interval", "0.1"]
        )
    assert code == 3


def test_failed_start_exits_4(live: Emulator, env: Path) -> None:
    instance_id = live.store.add("doomed-box", status="STOPPED", fail_start=True)
    code = main(
        ["start", instance_id, "--endpoint", live.url, "--wait", "--timeout", "20", "--interval", "0.1"]
    )
    assert code == 4
    assert _status(live, instance_id) == "START_FAILED"


def test_start_on_running_sends_nothing_and_exits_5(
    live: Emulator, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A local refusal has its own exit code (issue 11), apart from an API error (1)."""
    instance_id = _pick(live, "RUNNING")
    assert main(["start", instance_id, "--endpoint", live.url]) == 5
    assert "already RUNNING" in capsys.readouterr().err
    assert not [r for r in live.requests if r.method == "POST"]


def test_implausible_id_is_refused_before_any_request(
    live: Emulator, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["start", "../../etc", "--endpoint", live.url]) == 2
    assert "instance id" in capsys.readouterr().err
    assert live.requests == []


def test_unknown_instance_is_an_api_error_with_its_meaning(
    live: Emulator, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["show", "DE-00000000-0000-0000-0000-000000000000", "--endpoint", live.url]) == 1
    err = capsys.readouterr().err
    assert "ModelArts.6309" in err and "does not exist" in err


def test_stop_off_terminal_without_yes_refuses(live: Emulator, env: Path) -> None:
    instance_id = _pick(live, "RUNNING")
    assert main(["stop", instance_id, "--endpoint", live.url]) == 2
    assert not [r for r in live.requests if r.method == "POST"]


def test_wrong_sk_exits_1_with_the_gateway_meaning(
    live: Emulator, env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUAWEICLOUD_SDK_SK", SECRET_SK)
    assert main(["list", "--endpoint", live.url, "-v"]) == 1
    err = capsys.readouterr().err
    assert "APIGW.0301" in err
    assert SECRET_SK not in err


def test_verbose_prints_call_records_without_secrets(
    live: Emulator, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", "--endpoint", live.url, "-v"]) == 0
    captured = capsys.readouterr()
    assert "GET /v1/" in captured.err and " 200 " in captured.err
    assert DEMO_SK not in captured.err + captured.out


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('[[profiles]]\nname = "a"\ncloud = "otc"\nregion = "eu-de\n', 4, "not valid TOML"),
        ('[[profiles]]\nname = "a"\nregoin = "eu-de"\n', 3, "regoin"),
        ('[[profiles]]\nname = "a"\nread_only = "yes"\n', 3, "read_only"),
    ],
    ids=["broken", "misspelt", "mistyped"],
)
def test_bad_config_exits_2_with_path_and_line_and_is_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, line: int, words: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    before = (path.read_bytes(), os.stat(path).st_mtime_ns)
    assert main(["list", "--config", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{line}" in err and words in err
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == before


def test_config_path_and_show_mask_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        f'[[profiles]]\nname = "p"\nproject_id = "{DEMO_PROJECT_ID}"\nauth = "aksk"\nak = "{DEMO_AK}"\nsk = "{SECRET_SK}"\n'
    )
    monkeypatch.setenv("MODELARTS_TUI_CONFIG", str(path))
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(path)
    assert main(["config", "show"]) == 0
    out = capsys.readouterr().out
    assert 'name = "p"' in out and SECRET_SK not in out
    assert main(["config", "check"]) == 0


def test_bad_project_id_in_list_is_a_usage_error_before_any_request(
    live: Emulator, env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", "--endpoint", live.url, "--project-id", "not-a-project"]) == 2
    assert "project_id" in capsys.readouterr().err
    assert live.requests == []


def test_insecure_profile_warns_on_stderr(
    live: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.toml"
    path.write_text(
        f'[[profiles]]\nname = "p"\nproject_id = "{DEMO_PROJECT_ID}"\nendpoint = "{live.url}"\n'
        f'auth = "aksk"\nak = "{DEMO_AK}"\nsk = "{DEMO_SK}"\ninsecure = true\n'
    )
    assert main(["list", "--config", str(path)]) == 0
    assert "warning:" in capsys.readouterr().err
