"""Requests and app CPU per refresh cycle, measured inside a headless app (``make_app().run_test()``).

The emulator runs in this process but in its own threads; the app (event loop, worker, table,
compositor) runs in the main thread, so ``time.thread_time()`` of the main thread is the app's
cost alone. Between cycles ``--changes`` instances (default 5) change status in the emulator so
cells really change; ``--changes 0`` is a refresh where nothing changed (the countdowns the
server sends, ``remain_time``, still move).
The app's one-second tick (which also starts polls) is paused, so every cycle is one we started.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHANGES_PER_CYCLE = 5


@dataclass(frozen=True)
class RefreshFigures:
    """One size: rows shown, HTTP requests per refresh, app CPU ms per cycle (every cycle)."""

    instances: int
    rows: int
    requests: list[int]
    cpu_ms: list[float]
    wall_ms: list[float]

    @property
    def cpu_ms_p50(self) -> float:
        return statistics.median(self.cpu_ms)

    @property
    def requests_per_refresh(self) -> int:
        return max(self.requests)


def _ticks(screen: Any) -> list[Any]:
    """The screen's interval timers (the tick that recounts countdowns and starts polls)."""
    return list(getattr(screen, "_timers", ()))


async def _measure(
    instances: int, cycles: int, seed: int, profiler: Any = None, changes: int = CHANGES_PER_CYCLE
) -> RefreshFigures:
    from tui.cli.app import demo_profile
    from tui.config.model import Config
    from tui.core.models import FAMILY_V1
    from tui.emulator import Emulator, EmulatorConfig
    from tui.ui.app import make_app
    from tui.ui.messages import InstancesRefreshed

    refreshed = asyncio.Event()

    def hook(message: object) -> None:
        if isinstance(message, InstancesRefreshed):
            refreshed.set()

    # Long transitions: nothing moves by itself, only the changes this benchmark makes.
    config = EmulatorConfig(instances=instances, seed=seed, transition_seconds=3600.0)
    with Emulator(config) as emu, tempfile.TemporaryDirectory(prefix="modelarts-bench-") as tmp:
        listed = [rec for rec in emu.store.all() if rec.family == FAMILY_V1]  # what a v1 profile lists
        ids = [rec.id for rec in listed if rec.status in ("RUNNING", "STOPPED")]
        app = make_app(
            Config(profiles=(demo_profile(emu.url),), default_profile="demo"),
            Path(tmp) / "config.toml",
            log_dir=Path(tmp) / "logs",
        )
        requests: list[int] = []
        cpu_ms: list[float] = []
        wall_ms: list[float] = []
        async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
            deadline = time.monotonic() + 120
            while not refreshed.is_set() and time.monotonic() < deadline:  # the first load
                await pilot.pause(0.05)
            if not refreshed.is_set():
                raise RuntimeError("the app never loaded the instances")
            await pilot.pause()
            screen = app.main_screen
            timers = _ticks(screen)
            for timer in timers:
                timer.pause()
            await pilot.pause()
            rows = len(screen.service.rows)
            for cycle in range(cycles):
                for k in range(changes):
                    target = ids[(cycle * changes + k * 7919) % len(ids)]
                    current = emu.store.get(target)
                    assert current is not None
                    emu.store.set_status(target, "STOPPED" if current.status == "RUNNING" else "RUNNING")
                await pilot.pause()
                refreshed.clear()
                before = len(emu.requests)
                if profiler is not None:
                    profiler.enable()
                wall0, cpu0 = time.perf_counter(), time.thread_time()
                screen.action_refresh_now()
                while not refreshed.is_set():
                    await asyncio.sleep(0.001)
                await pilot.pause()
                cpu_ms.append((time.thread_time() - cpu0) * 1000)
                wall_ms.append((time.perf_counter() - wall0) * 1000)
                if profiler is not None:
                    profiler.disable()
                requests.append(len(emu.requests) - before)
            for timer in timers:
                timer.resume()
            await pilot.press("q")
    return RefreshFigures(instances, rows, requests, cpu_ms, wall_ms)


def measure(
    instances: int, cycles: int = 15, seed: int = 7, profile: str = "", changes: int = CHANGES_PER_CYCLE
) -> RefreshFigures:
    """Run ``cycles`` refreshes of ``instances`` rows in a headless app and return the figures.

    ``changes``: instances whose status changes before each cycle. ``profile``: a file to write
    cProfile stats of the measured cycles to (to find what costs).
    """
    if not profile:
        return asyncio.run(_measure(instances, cycles, seed, changes=changes))
    import cProfile

    profiler = cProfile.Profile()
    figures = asyncio.run(_measure(instances, cycles, seed, profiler, changes=changes))
    profiler.dump_stats(profile)
    return figures


def main(argv: list[str]) -> None:
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("instances", type=int)
    parser.add_argument("--cycles", type=int, default=15)
    parser.add_argument("--profile", default="", help="write cProfile stats of the cycles to this file")
    parser.add_argument(
        "--changes", type=int, default=CHANGES_PER_CYCLE, help="instances changed before each cycle (0: none)"
    )
    args = parser.parse_args(argv)
    figures = measure(args.instances, args.cycles, profile=args.profile, changes=args.changes)
    print(
        json.dumps(
            {
                "instances": figures.instances,
                "changes": args.changes,
                "rows": figures.rows,
                "requests": figures.requests,
                "requests_per_refresh": figures.requests_per_refresh,
                "cpu_ms": [round(x, 2) for x in figures.cpu_ms],
                "cpu_ms_p50": figures.cpu_ms_p50,
                "wall_ms_p50": statistics.median(figures.wall_ms),
            }
        )
    )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
