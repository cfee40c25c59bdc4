"""``modelarts-tui ssh`` preflight against the emulator: each refusal's exact line, exit 2, nothing started."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui.cli import main
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig, ManualClock
from tui.emulator.record import InstanceRecord
from tui.service.connect import ENABLE_SSH_HINT


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """On a clock that stands still: no state moves on its own while a refusal is checked."""
    with Emulator(EmulatorConfig(instances=12, seed=7, clock=ManualClock(time.time()))) as running:
        yield running


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    folder = tmp_path / "keys"
    folder.mkdir()
    key = folder / "KeyPair-demo.pem"
    key.write_text("a key\n")
    key.chmod(0o600)
    return folder


def _config(
    tmp_path: Path, emu: Emulator, keys: Path, monkeypatch: pytest.MonkeyPatch, api: str = "notebooks"
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[[profiles]]\n"
        f'name = "demo"\napi = "{api}"\nendpoint = "{emu.url}"\nproject_id = "{DEMO_PROJECT_ID}"\n'
        f'ak = "{DEMO_AK}"\nsk = "{DEMO_SK}"\nkey_dir = "{keys}"\n'
    )
    path.chmod(0o600)
    monkeypatch.setenv("MODELARTS_TUI_CONFIG", str(path))
    monkeypatch.setenv("MODELARTS_TUI_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture
def nb(tmp_path: Path, emu: Emulator, keys: Path, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    _config(tmp_path, emu, keys, monkeypatch)
    return emu


def _rec(emu: Emulator, status: str, *, ssh: bool = True) -> InstanceRecord:
    return next(r for r in emu.store.all() if r.status == status and r.ssh == ssh)


def _writes(emu: Emulator) -> list[str]:
    return [f"{r.method} {r.path}" for r in emu.requests if r.method != "GET"]


def _refused(args: list[str], capfd: pytest.CaptureFixture[str]) -> str:
    assert main(args) == 2
    captured = capfd.readouterr()
    assert captured.out == ""
    return captured.err


def test_not_running_without_start(nb: Emulator, capfd: pytest.CaptureFixture[str]) -> None:
    rec = _rec(nb, "STOPPED")
    assert _refused(["ssh", rec.name], capfd) == (
        f"modelarts-tui: {rec.name} is STOPPED, not RUNNING; pass --start to start it and wait\n"
    )
    assert _writes(nb) == []


@pytest.mark.parametrize("start", [[], ["--start"]])
def test_no_ssh_endpoint_says_how_to_enable_one(
    nb: Emulator, start: list[str], capfd: pytest.CaptureFixture[str]
) -> None:
    rec = _rec(nb, "RUNNING", ssh=False)
    if start:
        nb.store.set_status(rec.uid, "STOPPED")
    assert _refused(["ssh", rec.name, *start], capfd) == (
        f"modelarts-tui: {rec.name} has no SSH endpoint: {ENABLE_SSH_HINT}\n"
    )
    assert _writes(nb) == []


@pytest.mark.parametrize("start", [[], ["--start"]])
def test_key_file_missing(
    nb: Emulator, keys: Path, start: list[str], capfd: pytest.CaptureFixture[str]
) -> None:
    (keys / "KeyPair-demo.pem").unlink()
    rec = _rec(nb, "STOPPED" if start else "RUNNING")
    assert _refused(["ssh", rec.name, *start], capfd) == (
        f"modelarts-tui: key file not found: {keys}/KeyPair-demo.pem (key pair KeyPair-demo; "
        "set key_dir in the profile or pass --identity FILE)\n"
    )
    assert _writes(nb) == []


@pytest.mark.parametrize("start", [[], ["--start"]])
def test_key_file_readable_by_others(
    nb: Emulator, keys: Path, start: list[str], capfd: pytest.CaptureFixture[str]
) -> None:
    key = keys / "KeyPair-demo.pem"
    key.chmod(0o640)
    rec = _rec(nb, "STOPPED" if start else "RUNNING")
    assert _refused(["ssh", rec.name, *start], capfd) == (
        f"modelarts-tui: key file {key} is readable by others (mode 0640): run chmod 600 {key}\n"
    )
    assert _writes(nb) == []


def test_identity_given_but_missing(nb: Emulator, tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    rec = _rec(nb, "RUNNING")
    assert _refused(["ssh", rec.name, "--identity", str(tmp_path / "gone.pem")], capfd) == (
        f"modelarts-tui: key file not found: {tmp_path}/gone.pem (given with --identity)\n"
    )


def test_no_ssh_on_path(
    nb: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    rec = _rec(nb, "STOPPED")
    assert _refused(["ssh", rec.name, "--start"], capfd) == (
        "modelarts-tui: no ssh client on PATH: install OpenSSH (apt install openssh-client)\n"
    )
    assert nb.requests == []  # refused before anything was asked


def test_a_v1_profile_exposes_no_ssh(
    tmp_path: Path,
    emu: Emulator,
    keys: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    _config(tmp_path, emu, keys, monkeypatch, api="devenv-v1")
    rec = next(r for r in emu.store.all() if r.status == "STOPPED")
    assert _refused(["ssh", rec.name, "--start"], capfd) == (
        f"modelarts-tui: {rec.name}: the v1 DevEnviron API exposes no SSH; use a notebooks-API profile\n"
    )
    assert _writes(emu) == []


def test_a_stopping_instance_with_start_is_refused_before_sending(
    nb: Emulator, capfd: pytest.CaptureFixture[str]
) -> None:
    rec = _rec(nb, "RUNNING")
    nb.store.set_status(rec.uid, "STOPPING")
    err = _refused(["ssh", rec.name, "--start"], capfd)
    assert err.startswith(f"modelarts-tui: cannot start it: {rec.name} is STOPPING")
    assert _writes(nb) == []


def test_a_remote_command_is_refused_by_other_commands(
    nb: Emulator, capfd: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", "--", "echo"]) == 2
    assert "unrecognized arguments: -- echo" in capfd.readouterr().err
