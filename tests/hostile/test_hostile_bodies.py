"""Unbounded bodies, unbounded messages and endless answers, from real sockets on 127.0.0.1.

* a gzip bomb: 1 MB on the wire that unpacks to 1 GiB (it took the CLI to 3.19 GB RSS);
* an endless chunked answer;
* a 20 MB ``error_msg`` with line breaks (it went to stderr whole, and the log file grew to 80 MB
  despite its 1 MB rotation, with forged lines);
* a server that drips one byte every 0.1 s, each read well within the timeout.

Each must end with a clear error, bounded memory, bounded output, one line per log record, and
within the request deadline.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import subprocess
import sys
import textwrap
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.rawserver import RawRequest, RawServer, http_answer
from tui.config.model import Config, Profile, UiSettings
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK
from tui.ui.app import make_app

GIB = 1 << 30
CRC32_OF_1_GIB_OF_ZEROS = 0x5B64C2B0


def gzip_bomb() -> bytes:
    """1 GiB of zeros, gzip'd to about 1 MB: one block, repeated (each 1 MiB of zeros compresses alike)."""
    zeros = bytes(1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    first = packer.compress(zeros) + packer.flush(zlib.Z_SYNC_FLUSH)
    again = packer.compress(zeros) + packer.flush(zlib.Z_SYNC_FLUSH)
    final_block = packer.flush(zlib.Z_FINISH)[:-8]  # without the trailer of what it saw (2 MiB)
    return first + again * 1023 + final_block + struct.pack("<II", CRC32_OF_1_GIB_OF_ZEROS, GIB % 2**32)


BOMB = gzip_bomb()
HUGE_MESSAGE = "A" * 10_000_000 + "\n2026-12-01T00:00:00 GET /forged 200 1ms\n" + "B" * 10_000_000


def _bomb(request: RawRequest, sock: socket.socket) -> None:
    sock.sendall(http_answer(200, BOMB, [(b"Content-Encoding", b"gzip")]))


def _endless(request: RawRequest, sock: socket.socket) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    piece = b"10000\r\n" + b"[" * 0x10000 + b"\r\n"
    for _ in range(100_000):  # 6.5 GB at most, if nobody stops reading
        sock.sendall(piece)


def _huge_error(request: RawRequest, sock: socket.socket) -> None:
    body = json.dumps({"error_code": "ModelArts.6102", "error_msg": HUGE_MESSAGE}).encode()
    sock.sendall(http_answer(500, body))


@pytest.fixture
def serve(request: pytest.FixtureRequest) -> Iterator[Any]:
    servers: list[RawServer] = []

    def start(answer: Any) -> RawServer:
        server = RawServer(answer).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__()


def _config(tmp_path: Path, url: str, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        textwrap.dedent(f"""\
            [[profiles]]
            name = "hostile"
            endpoint = "{url}"
            project_id = "{DEMO_PROJECT_ID}"
            ak = "{DEMO_AK}"
            sk = "{DEMO_SK}"
            """)
        + extra
    )
    path.chmod(0o600)
    return path


PEAK = "import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)"


def _cli_peak(config: Path, *args: str) -> tuple[subprocess.CompletedProcess[bytes], int]:
    """The CLI run in a wrapper that prints the CLI's peak RSS (KiB)."""
    command = [sys.executable, "-c", PEAK, str(Path(sys.executable).with_name("modelarts-tui")), *args]
    env = {**os.environ, "MODELARTS_TUI_CONFIG": str(config)}
    done = subprocess.run(command, env=env, capture_output=True, timeout=120, check=False)
    peak_kib, code = done.stdout.split()[-2:]
    done.returncode = int(code)
    return done, int(peak_kib)


def test_a_gzip_bomb_stops_at_the_cap_with_bounded_memory(serve: Any, tmp_path: Path) -> None:
    server = serve(_bomb)
    done, peak_kib = _cli_peak(_config(tmp_path, server.url), "list", "-v")
    assert done.returncode == 1
    stderr = done.stderr.decode()
    assert "the answer is larger than 256 MB (max_answer_mb); stopped reading it" in stderr
    assert "MemoryError" not in stderr and "Traceback" not in stderr
    assert peak_kib < 1024 * 1024, f"peak RSS {peak_kib / 1024:.0f} MB"
    print(f"\ngzip bomb 1 MB -> 1 GiB, cap 256 MB: peak RSS {peak_kib / 1024:.0f} MB")


def test_the_cap_is_configurable_and_holds_for_an_endless_chunked_answer(serve: Any, tmp_path: Path) -> None:
    server = serve(_endless)
    done, peak_kib = _cli_peak(_config(tmp_path, server.url, "max_answer_mb = 8\n"), "list")
    assert done.returncode == 1
    assert "the answer is larger than 8 MB (max_answer_mb)" in done.stderr.decode()
    assert peak_kib < 512 * 1024, f"peak RSS {peak_kib / 1024:.0f} MB"


def test_a_huge_error_message_is_bounded_on_stderr_and_in_the_record(serve: Any, tmp_path: Path) -> None:
    server = serve(_huge_error)
    done, _ = _cli_peak(_config(tmp_path, server.url), "list", "-v")
    assert done.returncode == 1
    stderr = done.stderr.decode()
    assert len(done.stderr) < 12_000, f"{len(done.stderr):,} bytes on stderr"
    assert "more characters not shown" in stderr
    for line in stderr.splitlines():
        assert "/forged" not in line or not line.startswith("2026-12-01T00:00:00")


async def test_a_huge_error_message_keeps_the_log_file_small_and_one_line_a_record(
    serve: Any, tmp_path: Path
) -> None:
    server = serve(_huge_error)
    profile = Profile(
        name="hostile",
        endpoint=server.url,
        project_id=DEMO_PROJECT_ID,
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
        notify_minutes=0,
    )
    config = Config(profiles=(profile,), ui=UiSettings(theme="textual-dark"))
    app = make_app(config, tmp_path / "config.toml", log_dir=tmp_path / "logs")
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        for _ in range(2):
            await pilot.press("r")
            for _ in range(3):
                await pilot.pause()
                await app.workers.wait_for_complete()
    log_file = tmp_path / "logs" / "modelarts-tui.log"
    size = log_file.stat().st_size
    lines = log_file.read_text().splitlines()
    assert len(server.requests) == 3
    assert size < 3 * 6_000, f"log file {size:,} bytes"
    assert len(lines) == 3, lines[:5]
    for line in lines:
        assert line.startswith(("20", "19")) and " 500 " in line
        assert "more characters not shown" in line
    print(f"\n20 MB error_msg x3 refreshes: log file {size:,} bytes")


def _drip(request: RawRequest, sock: socket.socket) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(100_000):  # until the client hangs up (the send then fails)
        sock.sendall(b" ")
        time.sleep(0.1)


def test_a_dripping_answer_ends_at_the_request_deadline(serve: Any, tmp_path: Path) -> None:
    server = serve(_drip)
    config = _config(tmp_path, server.url, "request_deadline = 1.5\n")
    done, _ = _cli_peak(config, "list", "-v")
    assert done.returncode == 1
    stderr = done.stderr.decode()
    assert "within the request deadline of 1.5s (request_deadline)" in stderr
    assert len(server.requests) == 1, "a timed-out GET is not sent again"
