"""Write screenshots/*.svg: the screens the snapshot tests compare, drawn by the same code.

    python screenshots/make.py            # every scenario
    python screenshots/make.py main-80x24 # some of them

Each scenario (tests/ui/scenarios.py) runs the real app from ``make_app`` on the emulator with the
fixtures' data (seed 7, a ManualClock), in UTC, so the pictures match the snapshots.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT)]

from tests.ui.scenarios import SCENARIOS, build  # noqa: E402
from tui.emulator import Emulator, EmulatorConfig, ManualClock  # noqa: E402


async def draw(name: str, out: Path) -> Path:
    """Run scenario ``name`` and save its screen as ``out/<name>.svg``."""
    clock = ManualClock()
    with Emulator(EmulatorConfig(clock=clock)) as emulator, tempfile.TemporaryDirectory() as folder:
        app, scenario = build(name, emulator, clock, Path(folder))
        async with app.run_test(size=scenario.size, notifications=True) as pilot:
            await scenario.before(pilot, emulator, clock)
            await pilot.pause()
            path = app.save_screenshot(filename=f"{name}.svg", path=str(out))
    return Path(path)


def main(argv: list[str]) -> int:
    os.environ["TZ"] = "UTC"
    time.tzset()
    names = argv or sorted(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        print(
            f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(sorted(SCENARIOS))}",
            file=sys.stderr,
        )
        return 2
    for name in names:
        print(asyncio.run(draw(name, HERE)).relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
