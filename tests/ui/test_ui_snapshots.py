"""One snapshot per screen, at 80x24 and wider, from the scenarios ``screenshots/make.py`` draws too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.ui.scenarios import SCENARIOS, build
from tui.emulator import Emulator, ManualClock


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_screen(name: str, snap_compare: Any, emulator: Emulator, clock: ManualClock, tmp_path: Path) -> None:
    app, scenario = build(name, emulator, clock, tmp_path)

    async def before(pilot: Pilot[Any]) -> None:
        await scenario.before(pilot, emulator, clock)

    assert snap_compare(app, terminal_size=scenario.size, run_before=before)
