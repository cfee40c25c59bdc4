"""One slow profile must not hold up the others (issue 10, point 2).

The second profile's endpoint is a real socket server on 127.0.0.1 written here: it reads the
request, then drips its answer one byte every 0.4 s (about 80 s for the whole of it). Each profile
refreshes as its own task with its own deadline: the healthy profile's rows arrive and update while
the dripping one is out, and when its deadline fires it is failed and its connection dropped.

The deadline is waited out by the runtime's ``alarm``, which these tests replace by an event they
set, so nothing here depends on how fast the machine is; the CLI test, which runs the real
command, uses a 1 s deadline from the config file and asserts counts (bytes the server got out
before the client hung up), never times.
"""

from __future__ import annotations

import asyncio
import json
import select
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tui.cli import main
from tui.config.model import Config, Profile, UiSettings
from tui.core.errors import RequestTimeoutError
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig, ManualClock
from tui.service import InstanceService, Limits, Runtime
from tui.service.models import ProfileRefresh
from tui.ui.app import make_app

DRIP_S = 0.4
BODY = json.dumps({"instances": [{"id": "never-arrives", "name": "slow"}], "total": 1}).encode()
ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    + f"Content-Length: {len(BODY)}\r\n\r\n".encode()
    + BODY
)


class DripServer:
    """Accepts connections; after each request's head, sends ``ANSWER`` one byte per ``DRIP_S``."""

    def __init__(self) -> None:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self.requests = 0
        self.sent = 0
        """Bytes of answers sent, all connections together."""
        self.hung_up = threading.Event()
        """Set when a client closed its connection before the whole answer was out."""
        self.asked = threading.Event()
        """Set when a second request came (a failed profile asked again)."""
        self.first = threading.Event()
        """Set when the first request's head was read (the healthy answer may come before it)."""
        self.finished = False
        """True if an answer was ever sent whole (it takes about 80 s)."""
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self) -> None:
        self._sock.settimeout(0.1)
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                head += chunk
            self.requests += 1
            self.first.set()
            if self.requests > 1:
                self.asked.set()
            for index in range(len(ANSWER)):
                readable, _, _ = select.select([conn], [], [], DRIP_S)  # the drip, and a hang-up check
                if self._stop.is_set():
                    return
                if readable and not conn.recv(1):
                    self.hung_up.set()
                    return
                try:
                    conn.sendall(ANSWER[index : index + 1])
                except OSError:
                    self.hung_up.set()
                    return
                self.sent += 1
            self.finished = True

    def close(self) -> None:
        self._stop.set()
        self._sock.close()
        for thread in self._threads:
            thread.join(timeout=2)


@pytest.fixture
def stack() -> Iterator[ExitStack]:
    with ExitStack() as found:
        yield found


@pytest.fixture
def drip() -> Iterator[DripServer]:
    server = DripServer()
    yield server
    server.close()


def healthy_profile(emu: Emulator) -> Profile:
    return Profile(
        name="healthy",
        project_id=DEMO_PROJECT_ID,
        endpoint=emu.url,
        iam_endpoint=emu.url,
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
        notify_minutes=0,
    )


def dripping_profile(server: DripServer) -> Profile:
    return Profile(
        name="dripping",
        project_id=DEMO_PROJECT_ID,
        endpoint=server.url,
        auth="token",
        token=Secret("token-of-the-dripping-profile"),
        notify_minutes=0,
    )


class Alarm:
    """The runtime's ``alarm``: every deadline asked for is recorded and fires when ``fire`` is called."""

    def __init__(self) -> None:
        self.asked: list[float] = []
        self._event = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        await self._event.wait()

    def fire(self) -> None:
        self._event.set()

    def rearm(self) -> None:
        """Deadlines asked for from now on wait for the next ``fire``."""
        self._event = asyncio.Event()


@pytest.fixture
async def service(
    emulator: Emulator, drip: DripServer, clock: ManualClock, no_sleep: Callable[[float], Awaitable[None]]
) -> AsyncIterator[tuple[InstanceService, Alarm]]:
    alarm = Alarm()
    runtime = Runtime(clock=clock, sleep=no_sleep, alarm=alarm, limits=Limits(refresh_deadline=7))
    svc = InstanceService([dripping_profile(drip), healthy_profile(emulator)], runtime=runtime)
    yield svc, alarm
    await svc.aclose()


async def test_the_healthy_profile_arrives_and_updates_while_the_other_drips(
    service: tuple[InstanceService, Alarm], emulator: Emulator, drip: DripServer
) -> None:
    svc, alarm = service
    arrived: list[ProfileRefresh] = []
    healthy_in = asyncio.Event()

    def on_profile(update: ProfileRefresh) -> None:
        arrived.append(update)
        healthy_in.set()

    first = asyncio.create_task(svc.refresh(on_profile=on_profile))
    await healthy_in.wait()
    assert [u.name for u in arrived] == ["healthy"] and arrived[0].status.ok
    assert await asyncio.to_thread(drip.first.wait, 30), "the dripping profile never asked"
    emulated = {r.name for r in emulator.store.all()}
    assert {r.instance.name for r in svc.rows.values()} == emulated
    assert drip.requests == 1 and drip.sent < len(ANSWER) and not first.done()

    emulator.store.add("arrived-meanwhile", status="RUNNING")
    second = await svc.refresh()  # the next round: the dripping profile is still out, not asked again
    assert [s.name for s in second.profiles if s.ok] == ["healthy"]
    assert "arrived-meanwhile" in {r.instance.name for r in second.rows}
    assert drip.requests == 1 and not first.done()

    alarm.fire()
    result = await first
    assert not drip.finished, "the refresh waited for the dripping answer"
    status = {s.name: s for s in result.profiles}
    assert status["healthy"].ok
    failed = status["dripping"]
    assert not failed.ok and isinstance(failed.error, RequestTimeoutError)
    assert failed.error.message == (
        f"profile 'dripping': no whole listing from {drip.url} within the refresh deadline of 7s "
        "(refresh_deadline)"
    )
    assert alarm.asked == [7, 7, 7]  # each profile's own deadline: two in the first round, one in the second
    assert await asyncio.to_thread(drip.hung_up.wait, 30), "the dripping connection was left open"
    assert not drip.finished and drip.sent < len(ANSWER)

    alarm.rearm()
    healthy_in.clear()
    again = asyncio.create_task(svc.refresh(on_profile=on_profile))  # a failed one is asked again
    assert await asyncio.to_thread(drip.asked.wait, 30) and drip.requests == 2
    await healthy_in.wait()  # the alarm ends every deadline still running: the healthy one first
    alarm.fire()
    assert [s.name for s in (await again).profiles if not s.ok] == ["dripping"]


def test_cli_list_prints_the_healthy_profile_and_reports_the_dripping_one(
    drip: DripServer,
    tmp_path: Path,
    stack: ExitStack,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    emulator = stack.enter_context(Emulator(EmulatorConfig(instances=4, seed=5)))  # the real clock
    config = tmp_path / "config.toml"
    config.write_text(
        "[ui]\nrefresh_deadline = 1\n\n"
        f'[[profiles]]\nname = "dripping"\nendpoint = "{drip.url}"\nproject_id = "{DEMO_PROJECT_ID}"\n'
        'auth = "token"\ntoken = "token-of-the-dripping-profile"\n\n'
        f'[[profiles]]\nname = "healthy"\nendpoint = "{emulator.url}"\niam_endpoint = "{emulator.url}"\n'
        f'project_id = "{DEMO_PROJECT_ID}"\nak = "{DEMO_AK}"\nsk = "{DEMO_SK}"\n',
        encoding="utf-8",
    )
    config.chmod(0o600)
    monkeypatch.setenv("MODELARTS_TUI_CONFIG", str(config))

    assert main(["list"]) == 1
    out, errors = capsys.readouterr()
    emulated = emulator.store.all()
    lines = out.splitlines()
    assert lines[0].split()[0] == "PROFILE" and len(lines) == 1 + len(emulated)
    assert {line.split()[0] for line in lines[1:]} == {"healthy"}
    assert all(any(r.name in line for line in lines) for r in emulated)
    assert errors.splitlines() == [
        f"dripping: profile 'dripping': no whole listing from {drip.url} within the refresh deadline "
        "of 1s (refresh_deadline) — No answer arrived within the timeout."
    ]
    assert not drip.finished and drip.requests == 1
    # The drip cannot go faster than a byte per 0.4 s: what got out bounds how long the client waited.
    assert drip.sent <= 1 / DRIP_S + 2


async def _until(pilot: Pilot[Any], check: Callable[[], bool], what: str) -> None:
    """Let the app run until ``check()`` holds (it waits for the work, it asserts no time)."""
    for _ in range(600):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


async def test_tui_shows_the_healthy_rows_while_the_other_profile_drips(
    emulator: Emulator,
    drip: DripServer,
    clock: ManualClock,
    tmp_path: Path,
    no_sleep: Callable[[float], Awaitable[None]],
) -> None:
    alarm = Alarm()
    ui = UiSettings(
        theme="textual-dark", poll_interval_s=3600, fast_poll_interval_s=3600, refresh_deadline_s=7
    )
    config = Config(profiles=(dripping_profile(drip), healthy_profile(emulator)), ui=ui)
    runtime = Runtime(sleep=no_sleep, alarm=alarm)
    app = make_app(
        config, tmp_path / "config.toml", clock=clock, runtime=runtime, log_dir=tmp_path, stable_log=True
    )
    table_names = lambda: {r.instance.name for r in app.main_screen.table.rows_by_key().values()}  # noqa: E731
    async with app.run_test(size=(120, 30)) as pilot:
        emulated = {r.name for r in emulator.store.all()}
        await _until(pilot, lambda: table_names() == emulated, "the healthy profile's rows in the table")
        assert drip.requests == 1 and not drip.hung_up.is_set()  # the dripping listing is still out
        shown = app.main_screen.table
        assert {r.profile for r in shown.rows_by_key().values()} == {"healthy"}

        assert "⟳ refreshing" in app.main_screen.header.text  # the dripping listing is still out
        before = shown.cursor_row
        await pilot.press("down")  # keys are handled while it drips
        assert shown.cursor_row == before + 1

        emulator.store.add("arrived-meanwhile", status="RUNNING")
        await pilot.press("r")  # the next round updates the healthy profile; the dripping one is left out
        await _until(pilot, lambda: "arrived-meanwhile" in table_names(), "the healthy profile updated")
        assert drip.requests == 1

        alarm.fire()
        await _until(pilot, lambda: any(not s.ok for s in app.main_screen.statuses), "the deadline reported")
        failed = {s.name: s for s in app.main_screen.statuses if not s.ok}
        assert list(failed) == ["dripping"] and isinstance(failed["dripping"].error, RequestTimeoutError)
        await pilot.pause()
        header = app.main_screen.header.text
        assert "✗ dripping: never ok — RequestTimeoutError" in header and "healthy" in header
        assert "⟳ refreshing" not in header
        assert await asyncio.to_thread(drip.hung_up.wait, 30)
        assert not drip.finished
