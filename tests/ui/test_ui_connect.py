"""Pilot: ``c`` hands the terminal to the system ssh (App.suspend) and says how the session ended;
on a STOPPED row it asks, starts, waits (the row shows the start's steps) and connects; a v1 row,
a row without an SSH endpoint and a missing key are refused with nothing started or run.

``ssh`` is a recording stub script first on PATH (it writes its argv and exits 7), except in the
last test, where the real system ssh connects to the asyncssh server of the integration tests.
The headless driver cannot suspend, so it is told it can: suspend and resume then run for real.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.drivers.headless_driver import HeadlessDriver

from tests.integration.nb_helpers import ClockSleep
from tests.integration.ssh_server import ssh_server
from tests.ui.uihelpers import NO_TIMER_POLLS, MakeApp, cell, emulator_profile, log_text, put_cursor, settle
from tui.emulator import Emulator, EmulatorConfig, ManualClock
from tui.service import Runtime
from tui.ui.app import ModelArtsApp
from tui.ui.screens.confirm import ConfirmModal

KEY_PAIR = "KeyPair-demo"
STUB_EXIT = 7


@dataclass
class Terminal:
    """The stub ssh's record, the key folder, the state folder and what the app's suspend did."""

    record: Path
    stub: Path
    keys: Path
    state: Path
    events: list[str]

    def argv(self) -> list[str]:
        return self.record.read_text().splitlines() if self.record.exists() else []

    def watch(self, app: ModelArtsApp) -> None:
        """Record each suspend and resume of the app."""
        app.app_suspend_signal.subscribe(app, lambda _: self.events.append("suspend"))
        app.app_resume_signal.subscribe(app, lambda _: self.events.append("resume"))


@pytest.fixture
def terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Terminal]:
    monkeypatch.setattr(HeadlessDriver, "can_suspend", property(lambda self: True))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "ssh-argv"
    stub = bin_dir / "ssh"
    stub.write_text(f'#!/bin/sh\nprintf "%s\\n" "$0" "$@" > "{record}"\nexit ${{STUB_EXIT:-{STUB_EXIT}}}\n')
    stub.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / f"{KEY_PAIR}.pem").write_text("not a real key: the stub never reads it\n")
    (keys / f"{KEY_PAIR}.pem").chmod(0o600)
    state = Path(tempfile.mkdtemp(prefix="mt-", dir="/tmp"))  # a socket path must stay short
    monkeypatch.setenv("MODELARTS_TUI_STATE_DIR", str(state))
    try:
        yield Terminal(record, stub, keys, state, [])
    finally:
        shutil.rmtree(state, ignore_errors=True)


def _nb_app(make_app: MakeApp, emulator: Emulator, keys: Path, **kwargs: Any) -> ModelArtsApp:
    profile = emulator_profile(emulator, api="notebooks", key_dir=str(keys))
    return make_app([profile], ui=NO_TIMER_POLLS, **kwargs)


def _key(app: ModelArtsApp, name: str) -> str:
    return next(k for k, r in app.service.rows.items() if r.instance.name == name)


def _posts(emulator: Emulator) -> list[str]:
    return [r.path for r in emulator.requests if r.method in ("POST", "PUT", "PATCH", "DELETE")]


def _expected_argv(terminal: Terminal, app: ModelArtsApp, key: str) -> list[str]:
    instance = app.service.rows[key].instance
    ssh = instance.ssh
    assert ssh is not None
    return [
        str(terminal.stub),
        *("-o", f"Port={ssh.port}", "-o", "User=ma-user"),
        *("-o", f"IdentityFile={terminal.keys / (KEY_PAIR + '.pem')}", "-o", "IdentitiesOnly=yes"),
        *("-o", f"UserKnownHostsFile={terminal.state}/ssh/known_hosts/demo.{instance.id}"),
        *("-o", "StrictHostKeyChecking=accept-new", "-o", "ConnectTimeout=30"),
        *("-o", "ServerAliveInterval=60", "-o", "ServerAliveCountMax=3", "-o", "ControlMaster=auto"),
    ]


async def test_c_on_a_running_row_suspends_runs_the_planned_ssh_and_says_how_it_ended(
    make_app: MakeApp, emulator: Emulator, terminal: Terminal
) -> None:
    app = _nb_app(make_app, emulator, terminal.keys)
    async with app.run_test(size=(100, 30)) as pilot:
        terminal.watch(app)
        await settle(pilot)
        key = _key(app, "llm-eval-74")
        put_cursor(app, key)
        await pilot.press("c")
        await settle(pilot)
        argv = terminal.argv()
        host = app.service.rows[key].instance.ssh.host  # type: ignore[union-attr]
        assert argv[:-6] == _expected_argv(terminal, app, key)
        assert argv[-6] == "-o" and argv[-5].startswith(f"ControlPath={terminal.state}/ssh/cm/")
        assert argv[-4:] == ["-o", "ControlPersist=10m", "--", host]
        assert host.startswith("198.51.100.")
        assert terminal.events == ["suspend", "resume"]
        assert app.main_screen.flash_line.text == f"llm-eval-74: ssh ended with exit {STUB_EXIT}"
        assert f"llm-eval-74: ssh ended with exit {STUB_EXIT}" in log_text(app)
        assert app.screen is app.main_screen and app.main_screen.table.row_count == 12  # the table intact
        assert cell(app, key, "status") == "● RUNNING"
        assert _posts(emulator) == []


async def test_c_on_a_stopped_row_asks_starts_waits_with_progress_then_connects(
    make_app: MakeApp, emulator: Emulator, clock: ManualClock, terminal: Terminal
) -> None:
    seen_cells: list[str] = []

    class Watching(ClockSleep):
        async def __call__(self, seconds: float) -> None:
            seen_cells.append(cell(app, key, "status"))  # what the row shows while the start is waited for
            await super().__call__(seconds)

    app = _nb_app(make_app, emulator, terminal.keys, runtime=Runtime(sleep=Watching(clock)))
    async with app.run_test(size=(100, 30)) as pilot:
        terminal.watch(app)
        await settle(pilot)
        key = _key(app, "cv-lab-gpu")
        put_cursor(app, key)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        assert _posts(emulator) == [] and terminal.argv() == []
        await pilot.press("left", "enter")  # from Cancel to "Start and connect"
        await settle(pilot)
        instance_id = app.service.rows[key].instance.id
        assert _posts(emulator) == [f"/v1/{emulator.config.project_id}/notebooks/{instance_id}/start"]
        assert seen_cells and seen_cells[0] == "◐ 1/4 Allocating storage…"
        log = log_text(app)
        assert "cv-lab-gpu: start step 1/4 Allocating storage" in log
        instance = app.service.rows[key].instance
        assert instance.status == "RUNNING"
        assert terminal.argv()[-1] == instance.ssh.host  # type: ignore[union-attr]
        assert f"Port={instance.ssh.port}" in terminal.argv()  # type: ignore[union-attr]
        assert terminal.events == ["suspend", "resume"]
        assert app.main_screen.flash_line.text == f"cv-lab-gpu: ssh ended with exit {STUB_EXIT}"


async def test_c_on_a_starting_row_waits_without_asking_then_connects(
    make_app: MakeApp, emulator: Emulator, clock: ManualClock, terminal: Terminal
) -> None:
    app = _nb_app(make_app, emulator, terminal.keys, runtime=Runtime(sleep=ClockSleep(clock)))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        key = _key(app, "asr-whisper-8")
        emulator.store.set_status(key.partition("/")[2], "STARTING")  # started elsewhere
        await pilot.press("r")
        await settle(pilot)
        assert cell(app, key, "status") == "◐ 1/4 Allocating storage"  # the start's step, on its way
        put_cursor(app, key)
        await pilot.press("c")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)
        assert _posts(emulator) == []  # nothing started: it was on its way
        assert app.service.rows[key].instance.status == "RUNNING"
        assert terminal.argv()[-1] == app.service.rows[key].instance.ssh.host  # type: ignore[union-attr]
        assert app.main_screen.flash_line.text == f"asr-whisper-8: ssh ended with exit {STUB_EXIT}"


async def test_c_on_a_row_that_stopped_since_the_poll_starts_nothing(
    make_app: MakeApp, emulator: Emulator, terminal: Terminal
) -> None:
    app = _nb_app(make_app, emulator, terminal.keys)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        key = _key(app, "llm-eval-74")
        emulator.store.set_status(key.partition("/")[2], "STOPPED")  # the table still says RUNNING
        put_cursor(app, key)
        await pilot.press("c")
        await settle(pilot)
        assert app.main_screen.flash_line.text == (
            "Connect: nothing sent — llm-eval-74 is STOPPED now; c again offers to start it"
        )
        assert _posts(emulator) == [] and terminal.argv() == []
        assert cell(app, key, "status") == "○ STOPPED"


async def test_c_on_a_stopped_row_cancelled_starts_nothing(
    make_app: MakeApp, emulator: Emulator, terminal: Terminal
) -> None:
    app = _nb_app(make_app, emulator, terminal.keys)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        key = _key(app, "cv-lab-gpu")
        put_cursor(app, key)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("enter")  # Cancel is focused
        await settle(pilot)
        assert _posts(emulator) == [] and terminal.argv() == []
        assert cell(app, key, "status") == "○ STOPPED"


@pytest.mark.parametrize(
    ("api", "name", "said"),
    [
        (
            "devenv-v1",
            "llm-eval-74",
            "llm-eval-74: the v1 DevEnviron API exposes no SSH; use a notebooks-API profile",
        ),
        (
            "notebooks",
            "nlp-playground",
            "nlp-playground has no SSH endpoint: enable Remote SSH with a key pair for it in the ModelArts "
            "console (images that support SSH offer it), or create the notebook with an SSH endpoint",
        ),
    ],
)
async def test_c_refuses_a_v1_row_and_a_row_without_ssh(
    make_app: MakeApp, emulator: Emulator, terminal: Terminal, api: str, name: str, said: str
) -> None:
    profile = emulator_profile(emulator, api=api, key_dir=str(terminal.keys))
    app = make_app([profile], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(100, 30)) as pilot:
        terminal.watch(app)
        await settle(pilot)
        put_cursor(app, _key(app, name))
        await pilot.press("c")
        await settle(pilot)
        assert app.main_screen.flash_line.text == f"Connect: nothing sent — {said}"
        assert f"connect refused: {said}" in log_text(app)
        assert terminal.argv() == [] and terminal.events == [] and _posts(emulator) == []


async def test_c_with_no_key_file_names_the_path_and_starts_nothing(
    make_app: MakeApp, emulator: Emulator, terminal: Terminal, tmp_path: Path
) -> None:
    empty = tmp_path / "no-keys"
    empty.mkdir()
    app = _nb_app(make_app, emulator, empty)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        put_cursor(app, _key(app, "cv-lab-gpu"))  # STOPPED: refused before it asks to start
        await pilot.press("c")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)
        assert app.main_screen.flash_line.text == (
            f"Connect: nothing sent — key file not found: {empty}/{KEY_PAIR}.pem "
            f"(key pair {KEY_PAIR}; set key_dir in the profile or pass --identity FILE)"
        )
        assert terminal.argv() == [] and _posts(emulator) == []


async def test_ssh_failing_with_255_names_the_allowed_ips(
    make_app: MakeApp, emulator: Emulator, terminal: Terminal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STUB_EXIT", "255")
    app = _nb_app(make_app, emulator, terminal.keys)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        put_cursor(app, _key(app, "bert-finetune-6"))  # allowed from 192.0.2.0/24 only
        await pilot.press("c")
        await settle(pilot)
        said = (
            "bert-finetune-6: ssh ended with exit 255; it accepts SSH only from 192.0.2.0/24: "
            "is this machine's IP among them?"
        )
        assert app.main_screen.flash_line.text == said
        assert said in log_text(app)


async def test_c_on_a_stopped_row_of_a_read_only_profile_starts_nothing(
    make_app: MakeApp, emulator: Emulator, terminal: Terminal
) -> None:
    profile = emulator_profile(emulator, api="notebooks", key_dir=str(terminal.keys), read_only=True)
    app = make_app([profile], ui=NO_TIMER_POLLS)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        put_cursor(app, _key(app, "cv-lab-gpu"))
        await pilot.press("c")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal)
        assert (
            app.main_screen.flash_line.text
            == "Connect: nothing sent — cannot start it: profile 'demo' is read-only"
        )
        assert terminal.argv() == [] and _posts(emulator) == []


@pytest.mark.skipif(shutil.which("ssh") is None, reason="needs the OpenSSH client")
async def test_c_runs_the_real_system_ssh_against_a_real_server(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(HeadlessDriver, "can_suspend", property(lambda self: True))
    keys = tmp_path / "keys"
    keys.mkdir()
    state = Path(tempfile.mkdtemp(prefix="mt-", dir="/tmp"))
    monkeypatch.setenv("MODELARTS_TUI_STATE_DIR", str(state))
    with ssh_server(keys / f"{KEY_PAIR}.pem") as server:
        config = EmulatorConfig(clock=ManualClock(), ssh=server.address, key_pair=KEY_PAIR)
        with Emulator(config) as emu:
            app = _nb_app(make_app, emu, keys)
            try:
                async with app.run_test(size=(100, 30)) as pilot:
                    await settle(pilot)
                    put_cursor(app, _key(app, "llm-eval-74"))
                    await pilot.press("c")
                    await settle(pilot)
                    assert app.main_screen.flash_line.text == "llm-eval-74: ssh session ended (exit 0)"
            finally:
                for socket in (state / "ssh" / "cm").glob("*"):  # the shared master ControlPersist keeps
                    subprocess.run(
                        ["ssh", "-o", f"ControlPath={socket}", "-O", "exit", "x"],
                        capture_output=True,
                        timeout=30,
                        check=False,
                    )
                shutil.rmtree(state, ignore_errors=True)
    assert server.seen.logins == ["ma-user"]
    assert server.seen.commands == ["echo no-shell-here"]  # no command given: the server's shell stand-in


async def test_c_waits_through_reads_that_still_say_stopped_just_after_the_start(
    make_app: MakeApp, emulator: Emulator, clock: ManualClock, terminal: Terminal
) -> None:
    """The answer may lag the POST: a STOPPED read in the first seconds is not "not RUNNING"."""
    sleeps = 0

    class Lagging(ClockSleep):
        async def __call__(self, seconds: float) -> None:
            nonlocal sleeps
            sleeps += 1
            uid = key.partition("/")[2]
            if sleeps == 1:
                emulator.store.set_status(uid, "STOPPED")  # the next read says STOPPED after all
            elif sleeps == 2:
                emulator.store.set_status(uid, "STARTING")  # then it moves
            await super().__call__(seconds)

    app = _nb_app(make_app, emulator, terminal.keys, runtime=Runtime(sleep=Lagging(clock)))
    async with app.run_test(size=(100, 30)) as pilot:
        terminal.watch(app)
        await settle(pilot)
        key = _key(app, "cv-lab-gpu")
        put_cursor(app, key)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("left", "enter")  # "Start and connect"
        await settle(pilot)
        assert sleeps == 2  # a read said STOPPED after the start, and the wait went on
        assert app.service.rows[key].instance.status == "RUNNING"
        assert terminal.events == ["suspend", "resume"]
        assert app.main_screen.flash_line.text == f"cv-lab-gpu: ssh ended with exit {STUB_EXIT}"
