"""The CLI's save-image, tag, untag, list --tag, the admin scope and start --until-available against the
emulator: output, --json, exit codes. The commands' Runtime sleeps on the emulator's ManualClock
(``tui.cli.scope.make_runtime``), so builds, backoff and freed capacity cost no real time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.nb_helpers import ClockSleep
from tui.cli import main
from tui.cli import scope as cli_scope
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig, ManualClock
from tui.emulator.images import FAILED_MESSAGE
from tui.service import Runtime

FLAVOR = "modelarts.vm.gpu.v100"


@pytest.fixture
def sleep(clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> ClockSleep:
    moved = ClockSleep(clock)
    monkeypatch.setattr(cli_scope, "make_runtime", lambda: Runtime(clock=clock, sleep=moved))
    return moved


def write_config(tmp_path: Path, emu: Emulator, **extra: object) -> Path:
    lines = [
        "[[profiles]]",
        'name = "p"',
        'api = "notebooks"',
        f'endpoint = "{emu.url}"',
        f'iam_endpoint = "{emu.url}"',
        f'project_id = "{DEMO_PROJECT_ID}"',
        f'ak = "{DEMO_AK}"',
        f'sk = "{DEMO_SK}"',
        *(f"{k} = {json.dumps(v)}" for k, v in extra.items()),
    ]
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return path


@pytest.fixture
def config(tmp_path: Path, emulator: Emulator, sleep: ClockSleep) -> str:
    return str(write_config(tmp_path, emulator))


def _named(emu: Emulator, status: str, flavor: str | None = None) -> str:
    return next(
        r.name
        for r in emu.store.all()
        if r.status == status and r.family == "notebooks" and flavor in (None, r.flavor)
    )


def _posts(emu: Emulator, suffix: str) -> int:
    return sum(r.method == "POST" and r.path.endswith(suffix) for r in emu.requests)


def test_save_image_wait_json_follows_to_active(
    emulator: Emulator, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = _named(emulator, "RUNNING")
    args = [
        "save-image",
        name,
        "--name",
        "my-env",
        "--tag",
        "v1",
        "--namespace",
        "demo-team",
        "--wait",
        "--json",
    ]
    assert main(["--config", config, *args]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["result"], record["exit"], record["message"]) == (
        "sent",
        0,
        f"{name}: image demo-team/my-env:v1 ACTIVE",
    )
    assert {k: record["image"][k] for k in ("name", "tag", "namespace", "status")} == {
        "name": "my-env",
        "tag": "v1",
        "namespace": "demo-team",
        "status": "ACTIVE",
    }


def test_save_image_without_wait_ends_while_it_builds(
    emulator: Emulator, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = _named(emulator, "RUNNING")
    assert (
        main(
            [
                "--config",
                config,
                "save-image",
                name,
                "--name",
                "env",
                "--tag",
                "v1",
                "--namespace",
                "demo-team",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == f"{name}: image demo-team/env:v1 building\n"


def test_save_image_exit_codes(emulator: Emulator, config: str, capsys: pytest.CaptureFixture[str]) -> None:
    running, stopped = _named(emulator, "RUNNING"), _named(emulator, "STOPPED")
    base = ["--config", config, "save-image"]
    assert main([*base, running, "--name", "Bad_Name", "--tag", "v1", "--namespace", "demo-team"]) == 2
    assert "is not a valid image name: lower-case letters" in capsys.readouterr().err
    assert _posts(emulator, "/create-image") == 0
    assert main([*base, stopped, "--name", "env", "--tag", "v1", "--namespace", "demo-team"]) == 5
    assert capsys.readouterr().err == f"refused, nothing sent: {stopped} is STOPPED, not RUNNING\n"
    emulator.images.fail_next = 1
    assert main([*base, running, "--name", "big", "--tag", "v1", "--namespace", "demo-team", "--wait"]) == 4
    assert f"image demo-team/big:v1 ended in CREATE_FAILED: {FAILED_MESSAGE}" in capsys.readouterr().err
    assert main([*base, running, "--name", "big", "--tag", "v1", "--namespace", "demo-team"]) == 1
    assert (
        "ModelArts.6737: The image tag demo-team/big:v1 already exists. — An image with this name and tag"
        in (capsys.readouterr().err)
    )


def test_tag_untag_and_list_by_tag(
    emulator: Emulator, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = [r.name for r in emulator.store.all() if r.status == "RUNNING"][:2]
    assert main(["--config", config, "tag", first, "team=cv", "cost=gpu"]) == 0
    assert capsys.readouterr().out == f"{first}: tagged: cost=gpu team=cv\n"
    assert main(["--config", config, "tag", second, "team=nlp", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["tags"] == {"team": "nlp"}
    assert main(["--config", config, "list", "--tag", "team=cv", "--json"]) == 0
    assert [(i["name"], i["tags"]) for i in json.loads(capsys.readouterr().out)] == [
        (first, {"cost": "gpu", "team": "cv"})
    ]
    assert main(["--config", config, "list", "--tag", "team", "--json"]) == 0
    assert sorted(i["name"] for i in json.loads(capsys.readouterr().out)) == sorted([first, second])
    assert main(["--config", config, "untag", first, "cost"]) == 0
    assert capsys.readouterr().out == f"{first}: untagged: team=cv\n"
    assert main(["--config", config, "show", first]) == 0
    assert "tags         team=cv\n" in capsys.readouterr().out


def test_bad_tags_and_read_only(
    tmp_path: Path, emulator: Emulator, sleep: ClockSleep, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(write_config(tmp_path, emulator))
    name = _named(emulator, "RUNNING")
    assert main(["--config", config, "tag", name, "team"]) == 2
    assert capsys.readouterr().err.strip().endswith("tag: 'team' is not key=value")
    ro = str(write_config(tmp_path, emulator, read_only=True))
    assert main(["--config", ro, "tag", name, "team=cv"]) == 5
    assert main(["--config", ro, "untag", name, "team"]) == 5
    assert (
        main(["--config", ro, "save-image", name, "--name", "e", "--tag", "v", "--namespace", "demo-team"])
        == 5
    )
    assert capsys.readouterr().err.count("refused, nothing sent: profile 'p' is read-only") == 3
    assert not any("/tags/" in r.path or "create-image" in r.path for r in emulator.requests)


def test_scope_all_lists_an_owner_column(
    tmp_path: Path, emulator: Emulator, sleep: ClockSleep, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(write_config(tmp_path, emulator, scope="all"))
    assert main(["--config", config, "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["NAME", "ID", "STATUS", "FLAVOR", "AUTO-STOP", "AGE", "OWNER"]
    llm = next(line for line in lines if line.startswith("llm-finetune "))
    assert llm.split()[-1] == "alice"
    assert main(["--config", config, "list", "--json"]) == 0
    owners = {i["name"]: i["owner"] for i in json.loads(capsys.readouterr().out)}
    assert owners["ascend-bench"] == "carol" and owners[_named(emulator, "RUNNING")] == "demo-user"


def test_scope_all_as_a_non_admin_is_exit_1_with_the_message(
    tmp_path: Path, clock: ManualClock, sleep: ClockSleep, capsys: pytest.CaptureFixture[str]
) -> None:
    with Emulator(EmulatorConfig(clock=clock, admin=False)) as emu:
        config = str(write_config(tmp_path, emu, scope="all"))
        assert main(["--config", config, "list"]) == 1
    assert (
        "p: HTTP 403 ModelArts.0108: this account cannot list other users' notebooks"
        in capsys.readouterr().err
    )


def test_start_until_available_succeeds_once_capacity_frees(
    emulator: Emulator, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = _named(emulator, "STOPPED", FLAVOR)
    emulator.capacity.sell_out(FLAVOR, 40)
    assert main(["--config", config, "start", name, "--until-available", "--timeout", "600"]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{name}: started\n"
    assert captured.err.splitlines() == [
        f"{name}: attempt 1 found no capacity (ModelArts.6329 The flavor is sold out.); next in 15s",
        f"{name}: attempt 2 found no capacity (ModelArts.6329 The flavor is sold out.); next in 30s",
    ]
    assert [r.status for r in emulator.store.all() if r.name == name] == ["RUNNING"]


def test_start_until_available_times_out_with_exit_3(
    emulator: Emulator, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = _named(emulator, "STOPPED", FLAVOR)
    emulator.capacity.sell_out(FLAVOR)
    assert main(["--config", config, "start", name, "--until-available", "--timeout", "20", "--json"]) == 3
    record = json.loads(capsys.readouterr().out)["results"][0]
    assert (record["result"], record["exit"]) == ("failed", 3)
    assert record["message"].startswith(
        f"{name}: no capacity after 3 attempts in 20s (last: ModelArts.6329"
    )  # 0, 15, 20 s


def test_resize_whose_stop_outlasts_the_timeout_exits_3_naming_the_step_and_state(
    emulator: Emulator, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "busy-gpu"
    emulator.store.add(name, "RUNNING", "notebooks", FLAVOR)
    args = ["--config", config, "resize", name, "--flavor", "modelarts.vm.gpu.t4", "--interval", "0.5"]
    assert main([*args, "--timeout", "1", "--json"]) == 3  # the emulator's stop takes 3 s
    [record] = json.loads(capsys.readouterr().out)["results"]
    assert (record["result"], record["exit"]) == ("failed", 3)
    assert record["message"].startswith(
        f"step 2/5 (wait until STOPPED) failed: {name} is still STOPPING after 1s"
    )
    assert _posts(emulator, "/start") == 0  # nothing was changed or started after it
    assert not [r for r in emulator.requests if r.method == "PUT"]
    assert main([*args, "--timeout", "0"]) == 2
    assert "argument --timeout: '0' is not between 0.1 and 86400" in capsys.readouterr().err


def test_untag_json_prints_the_tags_left(
    emulator: Emulator, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = _named(emulator, "RUNNING")
    assert main(["--config", config, "tag", name, "team=cv", "cost=gpu"]) == 0
    capsys.readouterr()
    assert main(["--config", config, "untag", name, "cost", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["name"], record["tags"]) == (name, {"team": "cv"})
    assert (
        main(["--config", config, "untag", name, "nope=", "--json"]) == 0
    )  # an absent key: nothing to remove
    assert json.loads(capsys.readouterr().out)["tags"] == {"team": "cv"}


def test_show_names_the_step_a_start_is_at(
    emulator: Emulator, config: str, capsys: pytest.CaptureFixture[str]
) -> None:
    name = _named(emulator, "STOPPED")
    assert main(["--config", config, "start", name]) == 0
    capsys.readouterr()
    assert main(["--config", config, "show", name]) == 0  # the ManualClock stands: still step 1 of 4
    assert "status       STARTING (step 1/4 Allocating storage)\n" in capsys.readouterr().out
    assert main(["--config", config, "show", name, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["status"], record["progress"]) == ("STARTING", "1/4 Allocating storage")
