"""``modelarts-tui emulator``: the first line, the credentials it prints, a clean Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, DEMO_TOKEN

ROOT = Path(__file__).resolve().parents[2]
LAUNCH = (
    "import argparse, sys\n"
    "from tui.emulator.cli import add_arguments, run\n"
    "parser = argparse.ArgumentParser()\n"
    "add_arguments(parser)\n"
    "sys.exit(run(parser.parse_args(sys.argv[1:])))\n"
)


def _start(*args: str) -> tuple[subprocess.Popen[str], list[str]]:
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "--port", "0", "--instances", "3", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None
    lines = [process.stdout.readline().rstrip("\n")]
    while not lines[-1].startswith("Press Ctrl-C"):
        lines.append(process.stdout.readline().rstrip("\n"))
        assert lines[-1] or process.poll() is None, lines
    return process, lines


def _interrupt(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=10)
    finally:
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_serves_until_ctrl_c_and_prints_the_demo_credentials() -> None:
    process, lines = _start()
    try:
        assert lines[0].startswith("listening on http://127.0.0.1:")
        url = lines[0].removeprefix("listening on ")
        text = "\n".join(lines)
        assert DEMO_AK in text and DEMO_SK in text and DEMO_PROJECT_ID in text and DEMO_TOKEN in text
        response = httpx.get(
            f"{url}/v1/{DEMO_PROJECT_ID}/demanager/instances?de_type=Notebook",
            headers={"X-Auth-Token": DEMO_TOKEN},
            timeout=5,
        )
        assert response.status_code == 200 and response.json()["total_count"] == 3
    finally:
        code = _interrupt(process)
    assert code == 0


def test_never_prints_a_secret_the_user_gave() -> None:
    process, lines = _start("--ak", "MYAK", "--sk", "my-very-secret-sk", "--token", "my-token")
    try:
        text = "\n".join(lines)
        assert "MYAK" in text
        assert "my-very-secret-sk" not in text and "my-token" not in text
        assert DEMO_SK not in text
    finally:
        assert _interrupt(process) == 0


def test_ak_without_sk_is_a_usage_error() -> None:
    result = subprocess.run(
        [sys.executable, "-c", LAUNCH, "--ak", "ONLYAK"], capture_output=True, text=True, cwd=ROOT, timeout=30
    )
    assert result.returncode == 2 and "--sk" in result.stderr
