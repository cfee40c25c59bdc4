"""Every exit code of the CLI and what the user reads with it, against the emulator over loopback.

--json on every command; local refusals (5) apart from API errors (1); the stop prompt, declined (6);
--wait through failed polls; --interval and --timeout checked before anything is sent; a closed
stdout (141) and ctrl+c (130) without a traceback; server text that cannot reach the terminal raw.
"""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.cli import main
from tui.cli.exits import Exit
from tui.config.model import Config, Profile
from tui.config.store import save_config
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "evil\x1b]0;pwned\x07\x1b[2J\rbox"


@pytest.fixture
def live() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(instances=0, seed=3, transition_seconds=0.3)) as emu:
        yield emu


def _profile(name: str, emu: Emulator, api: str) -> Profile:
    return Profile(
        name=name,
        project_id=DEMO_PROJECT_ID,
        endpoint=emu.url,
        iam_endpoint=emu.url,
        api=api,
        auth="aksk",
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
    )


@pytest.fixture
def config(live: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One v1 profile (the default) and one notebooks profile on the same emulator."""
    path = tmp_path / "config.toml"
    profiles = (_profile("v1", live, "devenv-v1"), _profile("nb", live, "notebooks"))
    save_config(Config(profiles=profiles, default_profile="v1"), path)
    monkeypatch.setenv("MODELARTS_TUI_CONFIG", str(path))
    return path


def _sent(emu: Emulator) -> list[str]:
    return [f"{r.method} {r.path}" for r in emu.requests if r.method != "GET"]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, json.loads(captured.out) if "--json" in argv else captured.out, captured.err


# --- --json on every command ---------------------------------------------------------------------
def test_json_on_list_show_start_stop_prolong_and_config(
    live: Emulator, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stopped = live.store.add("json-stopped", status="STOPPED")
    running = live.store.add("json-running", status="RUNNING", family="notebooks", auto_stop_s=7200)
    code, listed, _ = _run(capsys, "list", "--json", "--profile", "v1")
    assert code == 0 and {r["name"] for r in listed} == {"json-stopped", "json-running"}
    assert {r["profile"] for r in listed} == {"v1"}
    code, shown, _ = _run(capsys, "show", "--json", stopped)
    assert code == 0 and (shown["profile"], shown["id"], shown["status"]) == ("v1", stopped, "STOPPED")
    assert shown["image_profile"] and shown["image"] and shown["flavor_text"] == "CPU 2u"
    code, started, _ = _run(capsys, "start", "--json", stopped)
    assert code == 0 and started["action"] == "start"
    (result,) = started["results"]
    assert (result["profile"], result["id"], result["result"], result["exit"]) == ("v1", stopped, "sent", 0)
    code, prolonged, _ = _run(capsys, "prolong", "--json", "--profile", "nb", running, "--hours", "3")
    assert code == 0 and prolonged["results"][0]["result"] == "sent"
    code, stopped_json, _ = _run(capsys, "stop", "--json", "--yes", "--profile", "nb", running)
    assert code == 0 and stopped_json["results"][0]["name"] == "json-running"
    code, path, _ = _run(capsys, "config", "path", "--json")
    assert (code, path) == (0, {"path": str(config)})
    code, shown_config, _ = _run(capsys, "config", "show", "--json")
    assert code == 0 and [p["name"] for p in shown_config["config"]["profiles"]] == ["v1", "nb"]
    assert DEMO_SK not in json.dumps(shown_config)
    code, checked, _ = _run(capsys, "config", "check", "--json")
    assert code == 0 and (checked["ok"], checked["profiles"], checked["problems"]) == (True, 2, [])


# --- 5: refused locally, apart from 1: the API said no ------------------------------------------
@pytest.mark.parametrize(
    ("status", "family", "argv", "words"),
    [
        ("RUNNING", "devenv-v1", ["start"], "is already RUNNING"),
        ("STOPPED", "notebooks", ["prolong", "--hours", "2", "--profile", "nb"], "is STOPPED, not RUNNING"),
        ("RUNNING", "devenv-v1", ["prolong", "--hours", "2"], "prolong needs the notebooks API"),
    ],
    ids=["start-running", "prolong-stopped", "prolong-v1"],
)
def test_a_local_refusal_exits_5_and_sends_nothing(
    live: Emulator,
    config: Path,
    capsys: pytest.CaptureFixture[str],
    status: str,
    family: str,
    argv: list[str],
    words: str,
) -> None:
    target = live.store.add("refused-box", status=status, family=family)
    code, out, err = _run(capsys, *argv, target)
    assert code == Exit.REFUSED == 5
    assert err.startswith("refused, nothing sent: refused-box") and words in err
    assert out == "" and _sent(live) == []
    code, record, _ = _run(capsys, *argv, target, "--json")
    assert code == 5 and record["results"][0]["result"] == "refused"


def test_an_api_error_exits_1_and_says_it_once(
    live: Emulator, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = "DE-00000000-0000-0000-0000-000000000000"
    code, _, err = _run(capsys, "show", "--profile", "v1", missing)
    assert code == Exit.API == 1
    assert err == "modelarts-tui: HTTP 400 ModelArts.6309: The instance does not exist.\n"
    code, _, err = _run(capsys, "show", missing)  # two profiles: not listed in either is no instance
    assert code == Exit.USAGE
    assert (
        err == f"modelarts-tui: no instance with the id, short id or name {missing!r} in profile(s) v1, nb\n"
    )


def test_a_bad_target_or_option_exits_2_before_any_request(
    live: Emulator, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        ["start", "bad/../id"],
        ["show", "DE-00000000-0000-0000-0000-000000000000\n"],  # a trailing newline is no id
        ["start", "x", "--wait", "--interval", "0"],
        ["start", "x", "--wait", "--interval", "inf"],
        ["start", "x", "--wait", "--timeout", "-1"],
        ["stop", "x", "--yes", "--timeout", "nan"],
        ["prolong", "x", "--hours", "0"],
    ):
        assert main(argv) == Exit.USAGE == 2, argv
    err = capsys.readouterr().err
    assert "argument --interval: '0' is not between 0.1 and 300" in err
    assert "argument --interval: 'inf' is not between 0.1 and 300" in err
    assert "argument --timeout: '-1' is not between 0.1 and 86400" in err
    assert "argument --hours: '0' is not between 1 and 72" in err
    assert live.requests == []


def test_wait_timeout_exits_3_and_a_failed_state_exits_4(
    config: Path, live: Emulator, capsys: pytest.CaptureFixture[str]
) -> None:
    doomed = live.store.add("doomed", status="STOPPED", fail_start=True)
    code, _, err = _run(capsys, "start", doomed, "--wait", "--interval", "0.1", "--timeout", "20")
    assert code == Exit.FAILED == 4 and "doomed ended in START_FAILED" in err
    live.store.transition_seconds = 60
    slow = live.store.add("slow", status="STOPPED")
    code, _, err = _run(capsys, "start", slow, "--wait", "--interval", "0.1", "--timeout", "0.3")
    assert code == Exit.TIMEOUT == 3 and "slow is STARTING after 0.3s, not RUNNING" in err


# --- the stop prompt on a terminal (6 when declined) ---------------------------------------------
def _env(tmp_path: Path, config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env.update(MODELARTS_TUI_CONFIG=str(config), PYTHONUNBUFFERED="1", NO_PROXY="127.0.0.1")
    return env


def _on_a_terminal(argv: list[str], answer: bytes, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    master, slave = pty.openpty()
    try:
        os.write(master, answer)  # waits in the terminal's line buffer until the prompt reads it
        return subprocess.run(
            [sys.executable, "-m", "tui", *argv],
            stdin=slave,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=60,
            check=False,
        )
    finally:
        os.close(slave)
        os.close(master)


def test_the_stop_prompt_lists_names_and_states_and_declining_exits_6(
    live: Emulator, config: Path, tmp_path: Path
) -> None:
    first = live.store.add("prompt-a", status="RUNNING")
    second = live.store.add("prompt-b", status="RUNNING")
    done = _on_a_terminal(["stop", "prompt-a", second], b"n\n", _env(tmp_path, config))
    assert done.returncode == Exit.DECLINED == 6, done.stderr
    assert done.stderr.splitlines() == [
        "Stop 2 instance(s):",
        f"  prompt-a (RUNNING)  {first}  [v1]",
        f"  prompt-b (RUNNING)  {second}  [v1]",
        "Stop them? [y/N] stop declined: nothing sent",
    ]
    assert _sent(live) == []
    done = _on_a_terminal(["stop", "prompt-a"], b"y\n", _env(tmp_path, config))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "prompt-a: stopping (STOPPING)\n"
    assert _sent(live) == [f"POST /v1/{DEMO_PROJECT_ID}/demanager/instances/{first}/action"]


# --- 141 and 130: a closed pipe and ctrl+c end quietly -------------------------------------------
def test_a_closed_stdout_ends_quietly_with_141(live: Emulator, config: Path, tmp_path: Path) -> None:
    for number in range(40):
        live.store.add(f"many-{number:02d}", status="STOPPED")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "list"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp_path, config),
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head -0`: the reader is gone before the first line
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == Exit.PIPE_CLOSED == 141
    assert err == ""


def test_ctrl_c_during_wait_exits_130_without_a_traceback(
    live: Emulator, config: Path, tmp_path: Path
) -> None:
    live.store.transition_seconds = 120
    target = live.store.add("long-start", status="STOPPED")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "start", target, "--wait", "--interval", "0.2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path, config),
        cwd=ROOT,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "long-start: starting (STARTING)\n"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == Exit.INTERRUPTED == 130
    assert err == "interrupted\n"


def test_an_unusable_endpoint_is_one_line_per_profile_and_exit_2(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["list", "--endpoint", "http://[::1"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "v1: endpoint: 'http://[::1' is not a valid URL (Invalid IPv6 URL)\n"
        "nb: endpoint: 'http://[::1' is not a valid URL (Invalid IPv6 URL)\n"
    )


# --- server text never reaches the terminal raw --------------------------------------------------
def test_control_characters_in_server_text_never_reach_the_terminal(
    live: Emulator, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = live.store.add(HOSTILE, status="RUNNING", description="line\r\x1b[31mred\x9b")
    outputs = []
    for argv in (["list"], ["show", target], ["start", target], ["stop", "--yes", "--wait", target]):
        main(argv)
        captured = capsys.readouterr()
        outputs.append(captured.out + captured.err)
    text = "".join(outputs)
    assert "evil" in text and "box" in text
    assert not {"\x1b", "\x07", "\r", "\x9b"} & set(text), repr(text)
    for argv in (["list", "--json"], ["show", "--json", target]):
        assert main(argv) in (0, 5)
        raw = capsys.readouterr().out
        assert "\x1b" not in raw and "\x07" not in raw
        assert json.dumps(json.loads(raw))  # valid JSON
