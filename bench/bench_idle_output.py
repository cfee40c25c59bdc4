"""Bytes an idle app writes to its terminal over 60 simulated seconds (issue 11: slow SSH links).

The real app (the factory, the emulator over HTTP, 200 instances) runs under a driver that counts
every byte Textual would send to the terminal. The clock is the emulator's ManualClock: each
simulated second moves it by one and runs the screen's tick, and every 10 s that tick starts a poll
(the default interval), which is waited for. Nothing is pressed. Prints one JSON line:
``{"idle_sim_s": 60, "idle_sim_bytes": N, "idle_sim_writes": W, "size": [80, 24]}``.

    python bench/bench_idle_output.py [--seconds 60] [--instances 200] [--size 80x24]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual.drivers.headless_driver import HeadlessDriver  # noqa: E402

from tui.config.model import Config, Profile, UiSettings  # noqa: E402
from tui.core.secret import Secret  # noqa: E402
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig, ManualClock  # noqa: E402
from tui.ui.app import make_app  # noqa: E402

POLL_S = 10


class CountingDriver(HeadlessDriver):
    """A headless driver that is not headless to the app: it paints, and each write is counted."""

    written = 0
    writes = 0

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        CountingDriver.written += len(data.encode("utf-8"))
        CountingDriver.writes += 1


async def idle(seconds: int, instances: int, size: tuple[int, int]) -> dict[str, object]:
    clock = ManualClock()
    with (
        Emulator(EmulatorConfig(clock=clock, instances=instances)) as emu,
        tempfile.TemporaryDirectory() as tmp,
    ):
        profile = Profile(
            name="demo",
            endpoint=emu.url,
            iam_endpoint=emu.url,
            project_id=DEMO_PROJECT_ID,
            ak=DEMO_AK,
            sk=Secret(DEMO_SK),
        )
        ui = UiSettings(poll_interval_s=3600, fast_poll_interval_s=3600)  # polls are run below, on the clock
        app = make_app(
            Config(profiles=(profile,), ui=ui), Path(tmp) / "config.toml", clock=clock, log_dir=Path(tmp)
        )
        app.driver_class = CountingDriver
        async with app.run_test(headless=False, size=size) as pilot:
            await _settle(pilot)
            screen = app.main_screen
            CountingDriver.written = CountingDriver.writes = 0
            for second in range(1, seconds + 1):
                clock.advance(1)
                if second % POLL_S == 0:
                    screen._last_poll = float("-inf")  # the tick starts a poll, as its timer would
                screen._tick()
                await _settle(pilot)
            return {
                "idle_sim_s": seconds,
                "idle_sim_bytes": CountingDriver.written,
                "idle_sim_writes": CountingDriver.writes,
                "size": list(size),
            }


async def _settle(pilot: object) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--instances", type=int, default=200)
    parser.add_argument("--size", default="80x24")
    args = parser.parse_args()
    columns, lines = (int(x) for x in args.size.split("x"))
    print(json.dumps(asyncio.run(idle(args.seconds, args.instances, (columns, lines)))))


if __name__ == "__main__":
    main()
