"""What every benchmark shares: the emulator as a process, the real app under a pty, /proc readings.

The app is measured as a separate process so that neither the emulator nor the benchmark itself
counts towards its CPU, memory or output: ``EmulatorProcess`` serves ``python -m tui emulator``,
``PtyApp`` runs ``python -m tui --endpoint URL`` on the slave side of a pseudo-terminal and reads
every byte the app writes from the master side, with a timestamp per chunk.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
COLUMNS, LINES = 120, 40
"""The pty size every app run gets: a common jump-host terminal window."""

DEMO_AK = "DEMOAKMODELARTSEMU01"
DEMO_SK = "demoSkModelArtsEmulatorPublicDemoKey0001"
DEMO_PROJECT_ID = "0123456789abcdef0123456789abcdef"
"""The emulator's public demo credentials (``tui.emulator.config``), repeated to keep this import-free."""


# --- /proc ---------------------------------------------------------------------------------------
def cpu_seconds(pid: int) -> float:
    """utime + stime of a whole process (every thread), in seconds."""
    with open(f"/proc/{pid}/stat", "rb") as handle:
        fields = handle.read().rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def _status_mb(pid: int, field_name: str) -> float:
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(field_name + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field_name} for pid {pid}")


def rss_mb(pid: int) -> float:
    """Resident memory of a process in MiB (VmRSS)."""
    return _status_mb(pid, "VmRSS")


def peak_rss_mb(pid: int) -> float:
    """The most resident memory the process ever had, in MiB (VmHWM)."""
    return _status_mb(pid, "VmHWM")


# --- the emulator as a process -------------------------------------------------------------------
class EmulatorProcess:
    """``python -m tui emulator --instances N --port 0`` until closed; ``url`` once it listens."""

    def __init__(
        self, instances: int, *, seed: int = 7, transition_s: float = 0.5, latency_ms: float = 0.0
    ) -> None:
        self.args = [
            PYTHON,
            "-m",
            "tui",
            "emulator",
            "--instances",
            str(instances),
            "--seed",
            str(seed),
            "--transition-seconds",
            str(transition_s),
            "--latency-ms",
            str(latency_ms),
        ]
        self.url = ""
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> EmulatorProcess:
        self._proc = subprocess.Popen(
            self.args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env({})
        )
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        match = re.search(r"listening on (\S+)", line)
        if match is None:
            err = self._proc.stderr.read() if self._proc.stderr else ""
            self.close()
            raise RuntimeError(f"emulator did not start: {line!r} {err[-500:]}")
        self.url = match.group(1)
        # Keep draining stdout so the emulator never blocks on a full pipe.
        threading.Thread(target=self._proc.stdout.read, daemon=True).start()
        return self

    @property
    def pid(self) -> int:
        """The emulator process's id (for its CPU time)."""
        assert self._proc is not None
        return self._proc.pid

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUAWEICLOUD_", "MODELARTS_TUI_"))}
    env.update(PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
    env.update(extra)
    return env


# --- the real app under a pty --------------------------------------------------------------------
@dataclass
class Output:
    """Every chunk the app wrote, with the monotonic time it was read."""

    chunks: list[tuple[float, bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def bytes_between(self, start: float, end: float) -> int:
        with self.lock:
            return sum(len(c) for t, c in self.chunks if start <= t < end)

    def largest_burst(self, start: float, end: float, gap: float = 0.05) -> int:
        """The most bytes written in one burst (chunks less than ``gap`` s apart) in the window."""
        with self.lock:
            chunks = [(t, len(c)) for t, c in self.chunks if start <= t < end]
        largest = current = 0
        last = float("-inf")
        for t, size in chunks:
            current = current + size if t - last < gap else size
            largest = max(largest, current)
            last = t
        return largest

    def text(self) -> str:
        with self.lock:
            return b"".join(c for _, c in self.chunks).decode("utf-8", "replace")

    def first_time(self, needle: bytes, since: int = 0) -> float | None:
        """When ``needle`` first appeared in the stream (it may span chunks)."""
        with self.lock:
            chunks = list(self.chunks)
        seen = b""
        for t, chunk in chunks:
            seen = seen[-len(needle) :] + chunk
            if needle in seen:
                return t
        return None


class PtyApp:
    """The real app on a pty of ``COLUMNS`` x ``LINES`` against ``url``; every output byte is kept."""

    def __init__(
        self,
        url: str,
        *,
        extra_args: tuple[str, ...] = (),
        columns: int = COLUMNS,
        lines: int = LINES,
        launcher: tuple[str, ...] = ("-m", "tui"),
        config_text: str = "",
    ) -> None:
        self.url = url
        self.config_text = config_text
        """Written to the app's config file (0600) before it starts; empty: no file."""
        self.extra_args = extra_args
        self.launcher = launcher
        self.size = (columns, lines)
        self.output = Output()
        self.started_at = 0.0
        self.pid = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._master = -1
        self._reader: threading.Thread | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        self._stop = threading.Event()

    def __enter__(self) -> PtyApp:
        self._tmp = tempfile.TemporaryDirectory(prefix="modelarts-bench-")
        home = Path(self._tmp.name)
        if self.config_text:
            (home / "config.toml").write_text(self.config_text, encoding="utf-8")
            (home / "config.toml").chmod(0o600)
        env = _env(
            {
                "HUAWEICLOUD_SDK_AK": DEMO_AK,
                "HUAWEICLOUD_SDK_SK": DEMO_SK,
                "HUAWEICLOUD_SDK_PROJECT_ID": DEMO_PROJECT_ID,
                "MODELARTS_TUI_CONFIG": str(home / "config.toml"),
                "MODELARTS_TUI_STATE_DIR": str(home / "state"),
                "HOME": str(home),
                "TERM": "xterm-256color",
            }
        )
        for name in ("COLUMNS", "LINES", "COLORTERM", "TEXTUAL", "TEXTUAL_DEBUG"):
            env.pop(name, None)
        master, slave = os.openpty()
        columns, lines = self.size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        self._master = master
        args = [PYTHON, *self.launcher, "--endpoint", self.url, *self.extra_args]
        self.started_at = time.monotonic()
        self._proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.pid = self._proc.pid
        self._reader = threading.Thread(target=self._read, daemon=True, name="pty-reader")
        self._reader.start()
        return self

    def _read(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._master], [], [], 0.1)
            except (OSError, ValueError):
                return
            if not ready:
                continue
            try:
                chunk = os.read(self._master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.output.lock:
                self.output.chunks.append((time.monotonic(), chunk))

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def wait_for(self, needle: bytes, timeout: float) -> float:
        """The monotonic time ``needle`` first appeared; RuntimeError after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.output.first_time(needle)
            if found is not None:
                return found
            if not self.alive:
                break
            time.sleep(0.01)
        tail = self.output.text()[-800:]
        raise RuntimeError(
            f"{needle!r} never appeared within {timeout:g}s (app alive: {self.alive}): {tail!r}"
        )

    def press(self, keys: bytes) -> None:
        """Type ``keys`` into the app's terminal."""
        os.write(self._master, keys)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def rss_mb(self) -> float:
        return rss_mb(self.pid)

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                os.write(self._master, b"\x11")  # ctrl+q
            try:
                proc.wait(3)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(3)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait()
        self._stop.set()
        if self._reader is not None:
            self._reader.join(2)
        if self._master >= 0:
            with contextlib.suppress(OSError):
                os.close(self._master)
            self._master = -1
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
