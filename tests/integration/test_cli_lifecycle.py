"""``create``, ``delete`` and ``resize`` from the command line against the emulator over loopback:
output, ``--json``, ``--wait`` and exit codes. The emulator runs on the real clock with 0.3 s
transitions, so ``--wait`` and the steps of a resize finish quickly."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.cli import main
from tui.config.model import Config, Profile
from tui.config.store import save_config
from tui.core.models import FAMILY_NOTEBOOKS
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig

PYTORCH = "278e88d1-5b71-4766-8502-b3ba72e824d9"
T4, V100 = "modelarts.vm.gpu.t4", "modelarts.vm.gpu.v100"


@pytest.fixture
def live() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(instances=0, seed=3, transition_seconds=0.3)) as emu:
        yield emu


def _write(path: Path, emu: Emulator, **changes: object) -> Path:
    profile = Profile(
        name="nb",
        project_id=DEMO_PROJECT_ID,
        endpoint=emu.url,
        iam_endpoint=emu.url,
        api=FAMILY_NOTEBOOKS,
        auth="aksk",
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
        **changes,  # type: ignore[arg-type]
    )
    save_config(Config(profiles=(profile,)), path)
    return path


@pytest.fixture
def config(live: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = _write(tmp_path / "config.toml", live)
    monkeypatch.setenv("MODELARTS_TUI_CONFIG", str(path))
    return path


def _create_args(name: str = "cli-made", *more: str) -> list[str]:
    return ["create", name, "--flavor", T4, "--image", PYTORCH, "--storage", "20", *more]


def test_create_wait_json_reaches_running(
    live: Emulator, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _create_args(
        "cli-made", "--auto-stop-hours", "3", "--key-pair", "my-key", "--wait", "--interval", "0.1"
    )
    assert main([*args, "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    [rec] = [r for r in live.store.all() if r.name == "cli-made"]
    assert record == {
        "action": "create",
        "profile": "nb",
        "id": rec.uid,
        "name": "cli-made",
        "flavor": T4,
        "image_id": PYTORCH,
        "result": "sent",
        "message": "cli-made: creating (CREATING)",
        "error_code": None,
        "status": "RUNNING",
        "wait": {"result": "reached", "message": "cli-made: RUNNING"},
        "exit": 0,
    }
    assert (rec.volume_size, rec.auto_stop_duration_s, rec.key_pair_names) == (20, 3 * 3600, ("my-key",))


def test_create_by_image_label_and_a_taken_name_exits_1_with_the_meaning(
    live: Emulator, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    label = "pytorch1.8-cuda10.2-cudnn7-ubuntu18.04:3.3.2-release_v1"
    assert main(["create", "twice", "--flavor", T4, "--image", label]) == 0
    assert capsys.readouterr().out == "twice: creating (CREATING)\n"
    assert main(["create", "twice", "--flavor", T4, "--image", label]) == 1
    err = capsys.readouterr().err
    assert "ModelArts.6301" in err and "An instance with this name already exists." in err


def test_create_from_copies_the_settings_under_a_new_name(live: Emulator, config: Path) -> None:
    assert (
        main(
            _create_args(
                "original", "--auto-stop-type", "IDLE", "--key-pair", "k1", "--allow-ip", "192.0.2.9"
            )
        )
        == 0
    )
    assert main(["create", "copy", "--from", "original"]) == 0
    [original] = [r for r in live.store.all() if r.name == "original"]
    [copy] = [r for r in live.store.all() if r.name == "copy"]
    assert (copy.flavor, copy.image_id, copy.volume_size) == (T4, PYTORCH, 20)
    assert (copy.key_pair_names, copy.allowed_ips) == (("k1",), ("192.0.2.9",))
    assert copy.uid != original.uid


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "bad name!", "--flavor", T4, "--image", PYTORCH], "name: only letters, digits, - and _"),
        (["create", "x", "--flavor", "modelarts.vm.kunpeng.4u", "--image", PYTORCH], "does not fit"),
        (["create", "x", "--flavor", T4], "give --flavor and --image, or --from EXISTING"),
        (["create", "x", "--flavor", T4, "--image", "no-such:image"], "no image 'no-such:image'"),
    ],
)
def test_create_input_is_checked_before_anything_is_sent(
    live: Emulator, config: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(args) == 2
    assert message in capsys.readouterr().err
    assert [r for r in live.requests if r.method == "POST"] == []


def test_a_sold_out_flavor_is_6329_and_a_read_only_profile_refuses_with_5(
    live: Emulator, tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["create", "x", "--flavor", "modelarts.vm.gpu.a100", "--image", PYTORCH]) == 1
    assert "ModelArts.6329" in capsys.readouterr().err
    posts = [r for r in live.requests if r.method == "POST"]
    read_only = _write(tmp_path / "ro.toml", live, read_only=True)
    assert main(["--config", str(read_only), *_create_args("y")]) == 5
    assert capsys.readouterr().err == "refused, nothing sent: profile 'nb' is read-only\n"
    assert [r for r in live.requests if r.method == "POST"] == posts


def test_delete_off_a_terminal_needs_yes_then_wait_until_gone(
    live: Emulator, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doomed = live.store.add("doomed", "STOPPED", FAMILY_NOTEBOOKS)
    done = subprocess.run(
        [sys.executable, "-m", "tui", "delete", "doomed"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={"MODELARTS_TUI_CONFIG": str(config), "PATH": ""},
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr == "modelarts-tui: delete: not on a terminal; pass --yes to delete without asking\n"
    assert live.store.get(doomed) is not None
    assert main(["delete", "doomed", "--yes", "--wait", "--interval", "0.1", "--json"]) == 0
    [result] = json.loads(capsys.readouterr().out)["results"]
    assert (result["result"], result["status"], result["wait"]["message"]) == (
        "sent",
        "DELETED",
        "doomed: deleted",
    )
    assert live.store.get(doomed) is None


def test_delete_on_a_terminal_asks_for_the_name(
    live: Emulator, config: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keep = live.store.add("keep-me", "RUNNING", FAMILY_NOTEBOOKS)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stdin, "readline", lambda: "keep\n")  # not the whole name
    assert main(["delete", "keep-me"]) == 6
    err = capsys.readouterr().err
    assert "Delete 1 instance(s) with their storage; this cannot be undone:" in err
    assert f"  keep-me (RUNNING)  {keep}  [nb]" in err
    assert err.endswith("Type the instance's name (keep-me) to delete: delete declined: nothing sent\n")
    monkeypatch.setattr(sys.stdin, "readline", lambda: "keep-me\n")
    assert main(["delete", "keep-me"]) == 0
    assert [r.method for r in live.requests if r.method == "DELETE"] == ["DELETE"]


def test_resize_of_a_running_instance_stops_changes_and_starts_it(
    live: Emulator, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    busy = live.store.add("busy-gpu", "RUNNING", FAMILY_NOTEBOOKS, V100)
    assert main(["resize", "busy-gpu", "--flavor", T4, "--interval", "0.1"]) == 0
    said = capsys.readouterr()
    assert said.out == "busy-gpu: resized (RUNNING)\n"
    assert said.err.splitlines() == [
        "busy-gpu: resize step 1/5: stop it",
        "busy-gpu: resize step 2/5: wait until STOPPED",
        f"busy-gpu: resize step 3/5: change the flavor to {T4}",
        "busy-gpu: resize step 4/5: start it again",
        "busy-gpu: resize step 5/5: wait until RUNNING",
    ]
    record = live.store.get(busy)
    assert record is not None and (record.status, record.flavor) == ("RUNNING", T4)
    assert main(["resize", "busy-gpu", "--storage", "60", "--json"]) == 0
    [result] = json.loads(capsys.readouterr().out)["results"]
    assert (result["message"], result["status"], result["flavor"]) == (
        "busy-gpu: resized (RUNNING)",
        "RUNNING",
        T4,
    )
    assert (result["result"], result["error_code"], result["exit"]) == ("sent", None, 0)
    assert [r.path.rsplit("/", 1)[-1] for r in live.requests if r.method in ("POST", "PUT")] == [
        "stop",
        busy,
        "start",
        busy,
    ]


def test_resize_6792_exits_1_a_shrink_or_no_option_exits_2(
    live: Emulator, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live.store.add("idle-gpu", "STOPPED", FAMILY_NOTEBOOKS, V100, storage=("evs", "/w", 50))
    assert main(["resize", "idle-gpu", "--flavor", "modelarts.kat1.xlarge"]) == 1
    told, failed = capsys.readouterr().err.splitlines()
    assert told == "idle-gpu: resize step 1/1: change the flavor to modelarts.kat1.xlarge"
    assert failed.startswith(
        "step 1/1 (change the flavor to modelarts.kat1.xlarge) failed: HTTP 400 ModelArts.6792: "
    )
    assert failed.endswith("Changing the flavor is not supported. The instance was left STOPPED.")
    assert main(["resize", "idle-gpu", "--storage", "40"]) == 2
    assert capsys.readouterr().err == "storage: storage only grows: more than the current 50 GB\n"
    assert main(["resize", "idle-gpu"]) == 2
    assert capsys.readouterr().err == "modelarts-tui: resize: give --flavor, --storage or both\n"
    assert main(["resize", "idle-gpu", "--storage", "80"]) == 0
    done = capsys.readouterr()
    assert done.out == "idle-gpu: resized (STOPPED)\n"
    assert done.err == "idle-gpu: resize step 1/1: grow the storage to 80 GB\n"
