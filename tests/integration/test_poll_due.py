"""A poll leaves out the profiles listed a moment ago (``refresh(due_after=...)``); ``r`` does not."""

from __future__ import annotations

from tests.ui.uihelpers import emulator_profile
from tui.emulator import Emulator
from tui.service import InstanceService


def _lists(emulator: Emulator) -> int:
    return sum(1 for r in emulator.requests if r.method == "GET" and r.path.endswith("/instances"))


async def test_a_poll_leaves_out_profiles_just_listed_and_a_forced_refresh_lists_them(
    emulator: Emulator,
) -> None:
    service = InstanceService([emulator_profile(emulator, "a"), emulator_profile(emulator, "b")])
    try:
        await service.refresh()
        assert _lists(emulator) == 2
        result = await service.refresh(due_after=3600)
        assert _lists(emulator) == 2, "both were listed less than an hour ago"
        assert [s.name for s in result.profiles] == ["a", "b"], "their statuses still come back"
        await service.refresh(due_after=0)
        assert _lists(emulator) == 4
        await service.refresh(force=True, due_after=3600)
        assert _lists(emulator) == 6, "r lists every profile"
    finally:
        await service.aclose()
