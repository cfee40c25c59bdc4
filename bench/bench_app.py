"""The real app under a pty against the emulator as a separate process: startup, idle cost, memory.

startup   process start -> the first instance name in the app's output (a painted table with data)
idle      after the first paint and ``settle_s``: CPU (utime + stime of the app process only) and
          bytes written to the pty over ``window_s`` with the default poll interval
memory    VmRSS of the app process once the table holds every instance (and VmHWM, the peak)
rtt       one list round trip at the same size: a fresh client in this process, same emulator
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import asdict, dataclass

from harness import DEMO_PROJECT_ID, EmulatorProcess, PtyApp, peak_rss_mb

FIRST_NAME = b"asr-whisper"
"""The table is sorted by name; with 12 or more sample instances an ``asr-whisper-N`` is on top."""


@dataclass(frozen=True)
class AppFigures:
    """One run of the real app at one size."""

    instances: int
    startup_s: float
    rtt_s: float
    rss_mb: float
    peak_rss_mb: float
    idle_window_s: float = 0.0
    idle_cpu_percent: float = 0.0
    idle_bytes_per_min: float = 0.0
    idle_bytes_largest_write: int = 0


async def _list_once(url: str) -> float:
    from tui.cli.app import demo_profile
    from tui.service.factory import build_client

    profile = demo_profile(url)
    assert profile.project_id == DEMO_PROJECT_ID
    async with build_client(profile) as client:
        started = time.perf_counter()
        await client.list_instances()
        return time.perf_counter() - started


def round_trip(url: str, tries: int = 3) -> float:
    """Median wall time of one list call by a fresh client (connection set-up included)."""
    return statistics.median(asyncio.run(_list_once(url)) for _ in range(tries))


def run(
    instances: int,
    *,
    settle_s: float,
    window_s: float = 0.0,
    refreshes: int = 0,
    timeout_s: float = 60.0,
) -> AppFigures:
    """Start the emulator and the app; measure startup and memory, then ``window_s`` of idling.

    ``refreshes``: press ``r`` (refresh now) this many times, ``settle_s`` apart, before reading
    the memory: what a long session holds, not just the first load.
    """
    with EmulatorProcess(instances) as emu:
        rtt = round_trip(emu.url)
        with PtyApp(emu.url) as app:
            first = app.wait_for(FIRST_NAME, timeout_s)
            startup = first - app.started_at
            time.sleep(settle_s)
            for _ in range(refreshes):
                app.press(b"r")
                time.sleep(settle_s)
            if not app.alive:
                raise RuntimeError("the app exited while settling")
            rss = app.rss_mb()
            cpu_percent = bytes_per_min = 0.0
            largest = 0
            if window_s > 0:
                cpu0, t0 = app.cpu_seconds(), time.monotonic()
                time.sleep(window_s)
                cpu1, t1 = app.cpu_seconds(), time.monotonic()
                if not app.alive:
                    raise RuntimeError("the app exited while idling")
                cpu_percent = 100.0 * (cpu1 - cpu0) / (t1 - t0)
                written = app.output.bytes_between(t0, t1)
                bytes_per_min = written * 60.0 / (t1 - t0)
                largest = app.output.largest_burst(t0, t1)
                rss = app.rss_mb()
            peak = peak_rss_mb(app.pid)
    return AppFigures(
        instances=instances,
        startup_s=startup,
        rtt_s=rtt,
        rss_mb=rss,
        peak_rss_mb=peak,
        idle_window_s=window_s,
        idle_cpu_percent=cpu_percent,
        idle_bytes_per_min=bytes_per_min,
        idle_bytes_largest_write=largest,
    )


def main(argv: list[str]) -> None:
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("instances", type=int)
    parser.add_argument("--settle", type=float, default=5.0)
    parser.add_argument("--window", type=float, default=0.0)
    parser.add_argument("--refreshes", type=int, default=0, help="refreshes (key r) before reading memory")
    args = parser.parse_args(argv)
    figures = run(args.instances, settle_s=args.settle, window_s=args.window, refreshes=args.refreshes)
    print(json.dumps(asdict(figures)))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
