"""The real ``modelarts-tui --demo`` in a pty at 80x24 under tmux (issue 11): after ``s`` on a
stopped row the POST line shows in the log panel, whole, with nothing covering it.

A private tmux server (``-L``) and a temporary HOME: the user's tmux and config are never touched.
Skipped when tmux is not installed. The polls have a generous overall timeout (a loaded machine);
the time from ``s`` to the POST line on screen is printed, not asserted.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")
ROOT = Path(__file__).resolve().parents[2]
OVERALL_S = 60.0
POST_LINE = re.compile(r"^\d\d:\d\d:\d\d +\d{3} POST +/v\S+/(action|start)\b")


class Tmux:
    """One private tmux server holding one 80x24 session."""

    def __init__(self, home: Path) -> None:
        self.socket = f"modelarts-tui-test-{uuid.uuid4().hex[:8]}"
        self.home = home
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TMUX_TMPDIR": str(home),
        }

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [str(TMUX), "-L", self.socket, "-f", "/dev/null", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return done.stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-x", "80", "-y", "24", "-s", "app", command)

    def screen(self) -> list[str]:
        return self.run("capture-pane", "-p", "-t", "app").splitlines()

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "app", *keys)

    def until(self, check: Callable[[list[str]], bool], what: str) -> list[str]:
        deadline = time.monotonic() + OVERALL_S
        lines: list[str] = []
        while time.monotonic() < deadline:
            lines = self.screen()
            if check(lines):
                return lines
            time.sleep(0.05)
        raise AssertionError(f"never on screen: {what}\n" + "\n".join(lines))

    def kill(self) -> None:
        subprocess.run(
            [str(TMUX), "-L", self.socket, "kill-server"], env=self.env, capture_output=True, timeout=30
        )


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    home = tmp_path / "home"
    home.mkdir()
    server = Tmux(home)
    yield server
    server.kill()


def test_s_on_the_demo_shows_the_post_line_in_the_log_panel_uncovered(tmux: Tmux, tmp_path: Path) -> None:
    state = tmp_path / "state"
    command = (
        f"cd {ROOT} && PYTHONPATH={ROOT} MODELARTS_TUI_CONFIG={tmp_path / 'config.toml'} "
        f"MODELARTS_TUI_STATE_DIR={state} {sys.executable} -m tui --demo --transition-seconds 0.5"
    )
    tmux.start(command)
    tmux.until(lambda lines: any("○ STOPPED" in line for line in lines), "the demo's table")
    tmux.keys("/")
    tmux.keys("-l", "status:stopped")
    tmux.keys("Enter")
    tmux.until(
        lambda lines: any("filter: status:stopped" in line for line in lines), "the filter in the header"
    )
    sent = time.monotonic()
    tmux.keys("s")
    lines = tmux.until(lambda lines: any(POST_LINE.match(line) for line in lines), "the POST line")
    print(f"s -> POST line on screen: {time.monotonic() - sent:.2f} s")
    log_top = next(i for i, line in enumerate(lines) if line.startswith("─API log"))
    post = next(i for i, line in enumerate(lines) if POST_LINE.match(line))
    assert log_top < post < len(lines) - 1  # in the log panel, above the footer
    assert not any(ch in "╭╮╰╯│" for line in lines[log_top:] for ch in line)  # no dialog or toast over it
    assert lines[-1].startswith("? Help"), "\n".join(lines)
