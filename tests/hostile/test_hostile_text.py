"""Terminal escape injection: server text with control characters, through every surface.

An emulator is seeded with instances whose name, id, status, flavor, description, error code and
fail reason carry OSC 0 (set the title), OSC 52 (write the clipboard), OSC 8 (a hidden link),
``CSI 2J`` (clear the screen), a C1 CSI, BEL and a bare CR; its 5xx answers carry the same in
``error_msg``. A raw socket server adds what the emulator cannot send: a hostile image, error
code and ``X-Request-Id`` header. The TUI (table, details, log panel), the log file and the CLI
(human output, ``--json``, stderr, ``-v``) must never emit ESC, BEL, CR or another control
character, and must show each one visibly (``\\x1b``) instead of dropping it.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.hostile.rawserver import RawRequest, RawServer, http_answer
from tui.config.model import Config, Profile, UiSettings
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig
from tui.ui.app import ModelArtsApp, make_app
from tui.ui.screens.details import DetailsScreen
from tui.ui.widgets.instance_table import InstanceTable
from tui.ui.widgets.log_panel import LogPanel

OSC_TITLE = "\x1b]0;pwned\x07"
OSC_CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4K\x07"
OSC_LINK = "\x1b]8;;http://evil.example/\x1b\\here\x1b]8;;\x1b\\"
CLEAR = "\x1b[2J"
C1_CSI = "\x9b2J"
CR = "\rrewritten"
BIDI = "\u202egpj.exe"  # shows as "exe.jpg" where a terminal obeys the right-to-left override

NAME = f"nb-{OSC_TITLE}{CLEAR}{CR}{BIDI}"
DESCRIPTION = f"desc {OSC_CLIPBOARD}{OSC_LINK}\nforged line"
STATUS = f"RUN{CLEAR}NING\x07"
FLAVOR = f"gpu{C1_CSI}\x07"
CODE = f"ModelArts.{CLEAR}66"
REASON = f"no capacity{OSC_TITLE}\r\n2026-01-01 forged record"
ERROR_MSG = f"backend sad {OSC_CLIPBOARD}{CLEAR}\x07\rok"
HOSTILE_UID = "7d558ef8-c73d-11ea-964c-0255ac1001a1\x1b[2J"
IMAGE = f"img{OSC_TITLE}"
HEADER_ID = b"req-\xc2\x9b2J-\xc2\x9d0;title"  # C1 CSI / OSC as UTF-8: header values may carry bytes >= 0x80

INERT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""What must never come out (tab and newline are the output's own structure)."""
SHOWN = "\\x1b]0;pwned\\x07"
"""The OSC 0 title sequence as the user reads it."""


def assert_inert(text: str | bytes, where: str) -> None:
    """No control character other than tab and newline, and no ESC, BEL or CR byte."""
    data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
    for byte in (b"\x1b", b"\x07", b"\r"):
        assert byte not in data, f"{where}: {byte!r} came out"
    found = INERT.search(data.decode("utf-8", "replace"))
    assert found is None, f"{where}: control character {found.group()!r} came out"


def _seed(emu: Emulator) -> tuple[str, str]:
    """A v1 and a notebooks instance with hostile fields, plus one with a hostile id."""
    v1 = emu.store.add(NAME, description=DESCRIPTION, flavor=FLAVOR)
    nb = emu.store.add(f"nb2{C1_CSI}", family="notebooks", description=DESCRIPTION)

    def hostile(rec: Any, now: float) -> None:
        rec.status = STATUS
        rec.error_code = CODE
        rec.error_message = REASON

    emu.store.mutate(v1, hostile)
    emu.store.mutate(nb, hostile)
    record = emu.store.get(v1)
    assert record is not None
    emu.store.insert(dataclasses.replace(record, uid=HOSTILE_UID, name=f"by-id{OSC_LINK}"))
    return v1, nb


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(instances=0, seed=5)) as emulator:
        _seed(emulator)
        yield emulator


def _hostile_instance() -> dict[str, Any]:
    return {
        "id": f"DE-{HOSTILE_UID}",
        "name": NAME,
        "status": STATUS,
        "description": DESCRIPTION,
        "flavor": FLAVOR,
        "profile": {"provision": {"spec": {"params": {"image_name": IMAGE, "image_tag": CLEAR}}}},
        f"x-{OSC_TITLE}": CLEAR,
    }


def _answer(request: RawRequest, sock: socket.socket) -> None:
    headers = [(b"X-Request-Id", HEADER_ID), (b"Date", b"Tue, 01 Dec 2026 20:00:00 GMT\xc2\x9b")]
    if request.path.split("?")[0].endswith("/instances"):
        body = json.dumps({"instances": [_hostile_instance()], "total_count": 1}).encode()
        sock.sendall(http_answer(200, body, headers))
        return
    error = {"error_code": CODE, "error_msg": ERROR_MSG, "request_id": "r\x1b[2J"}
    sock.sendall(http_answer(400, json.dumps(error).encode(), headers, reason=b"Bad \xc2\x9bRequest"))


@pytest.fixture(scope="module")
def raw() -> Iterator[RawServer]:
    with RawServer(_answer) as server:
        yield server


# --- the TUI -----------------------------------------------------------------------------------
def _profile(name: str, url: str) -> Profile:
    return Profile(
        name=name,
        endpoint=url,
        iam_endpoint=url,
        project_id=DEMO_PROJECT_ID,
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
        notify_minutes=0,
    )


def _screen_text(app: ModelArtsApp) -> str:
    """Every character the screen would paint (segment texts; styles are the app's own escapes)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def _settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()


async def test_tui_table_details_log_panel_and_log_file(
    emu: Emulator, raw: RawServer, tmp_path: Path
) -> None:
    config = Config(
        profiles=(_profile("emu", emu.url), _profile("raw", raw.url)),
        ui=UiSettings(theme="textual-dark"),
    )
    app = make_app(config, tmp_path / "config.toml", log_dir=tmp_path / "logs", stable_log=True)
    async with app.run_test(size=(220, 50)) as pilot:
        await _settle(pilot)
        table = app.main_screen.query_one(InstanceTable)
        assert table.row_count == 4
        text = _screen_text(app)
        assert_inert(text, "the table")
        assert "\\x1b[2J" in text, "the control characters are shown, not dropped"
        emu.faults.fail_message, emu.faults.fail_next = ERROR_MSG, 4
        await pilot.press("r")
        await _settle(pilot)
        await pilot.press("l")
        await _settle(pilot)
        assert_inert(_screen_text(app), "the table and status after a failed refresh")
        panel = app.main_screen.query_one(LogPanel)
        logged = "\n".join(strip.text for strip in panel.lines)
        assert_inert(logged, "the log panel")
        assert "ModelArts.6102" in logged, "the failed calls are in the panel"
        for row in range(table.row_count):
            table.move_cursor(row=row, animate=False)
            await pilot.press("enter")
            await _settle(pilot)
            assert isinstance(app.screen, DetailsScreen)
            assert_inert(_screen_text(app), f"the details of row {row}")
            await pilot.press("escape")
            await _settle(pilot)
    log_file = (tmp_path / "logs" / "modelarts-tui.log").read_bytes()
    assert_inert(log_file, "the log file")
    assert b"backend sad \\x1b]52;c;" in log_file
    assert "req-\\x9b2J" in log_file.decode()
    for line in log_file.decode().splitlines():
        assert re.match(r"\d{4}-\d\d-\d\dT", line), f"a forged record line: {line!r}"


# --- the CLI -----------------------------------------------------------------------------------
def _cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = {
        **os.environ,
        "HUAWEICLOUD_SDK_AK": DEMO_AK,
        "HUAWEICLOUD_SDK_SK": DEMO_SK,
        "HUAWEICLOUD_SDK_PROJECT_ID": DEMO_PROJECT_ID,
        "MODELARTS_TUI_CONFIG": os.devnull + ".absent.toml",
        "COLUMNS": "200",
    }
    command = [str(Path(sys.executable).with_name("modelarts-tui")), *args]
    return subprocess.run(command, env=env, capture_output=True, timeout=60, check=False)


@pytest.mark.parametrize("verbose", [False, True])
def test_cli_list_human_output_stderr_and_records(emu: Emulator, raw: RawServer, verbose: bool) -> None:
    flags = ["-v"] if verbose else []
    for url in (emu.url, raw.url):
        done = _cli("list", "--endpoint", url, *flags)
        assert done.returncode == 0, done.stderr
        assert_inert(done.stdout, f"list from {url}")
        assert_inert(done.stderr, f"list stderr from {url}")
        assert SHOWN in done.stdout.decode()
    emu.faults.fail_message, emu.faults.fail_next = ERROR_MSG, 4
    failed = _cli("list", "--endpoint", emu.url, *flags)
    emu.faults.fail_next = 0
    assert failed.returncode == 1
    assert_inert(failed.stderr, "a failed list's stderr")
    assert "backend sad \\x1b]52;c;" in failed.stderr.decode()


def test_cli_show_and_its_error(emu: Emulator, raw: RawServer) -> None:
    v1 = next(r.v1_id for r in emu.store.all() if r.family == "devenv-v1" and r.uid != HOSTILE_UID)
    done = _cli("show", v1, "--endpoint", emu.url, "-v")
    assert done.returncode == 0, done.stderr
    assert_inert(done.stdout + done.stderr, "show")
    refused = _cli("show", "DE-7d558ef8-c73d-11ea-964c-0255ac100000", "--endpoint", raw.url, "-v")
    assert refused.returncode == 1
    assert_inert(refused.stdout + refused.stderr, "show refused by a hostile server")
    assert "backend sad" in refused.stderr.decode()
    assert "req=req-\\x9b2J" in refused.stderr.decode()


def test_cli_json_stays_valid_with_the_characters_escaped(emu: Emulator, raw: RawServer) -> None:
    for url in (emu.url, raw.url):
        done = _cli("list", "--endpoint", url, "--json")
        assert done.returncode == 0, done.stderr
        assert_inert(done.stdout, "list --json")
        listed = json.loads(done.stdout)
        escaped = NAME.replace("\x1b", "\\x1b").replace("\x07", "\\x07").replace("\r", "\\r")
        assert escaped.replace("\u202e", "\\u202e") in {i["name"] for i in listed}
    v1 = next(r.v1_id for r in emu.store.all() if r.name == NAME)
    shown = _cli("show", v1, "--endpoint", emu.url, "--json")
    assert shown.returncode == 0, shown.stderr
    assert_inert(shown.stdout, "show --json")
    assert json.loads(shown.stdout)["description"].startswith("desc \\x1b]52;c;")
