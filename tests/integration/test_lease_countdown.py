"""The auto-stop countdown, right: create_at + duration - now, corrected for a skewed local clock."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tui.config.model import Profile
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, ManualClock
from tui.service import InstanceService, row_key


def _profile(emu: Emulator, api: str) -> Profile:
    return Profile(
        name="nb",
        project_id=DEMO_PROJECT_ID,
        endpoint=emu.url,
        iam_endpoint=emu.url,
        api=api,
        auth="aksk",
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
    )


@pytest.mark.parametrize("api", ["notebooks", "devenv-v1"])
@pytest.mark.parametrize("skew_s", [0, -300, 420])
async def test_remaining_time_matches_the_server_whatever_the_local_clock(
    emulator: Emulator, clock: ManualClock, api: str, skew_s: int
) -> None:
    instance_id = emulator.store.add(
        "lease-box", status="RUNNING", family=api, auto_stop_s=3600, remain_s=1500
    )

    def local() -> float:
        return clock() + skew_s

    svc = InstanceService([_profile(emulator, api)], clock=local)
    try:
        await svc.refresh()
        row = svc.rows[row_key("nb", instance_id)]
        assert row.instance.auto_stop is not None
        left = row.instance.auto_stop.remaining_s(int(local() * 1000))
        assert left is not None and abs(left - 1500) <= 2, (api, skew_s, left)
        clock.advance(600)
        left = row.instance.auto_stop.remaining_s(int(local() * 1000))
        assert left is not None and abs(left - 900) <= 2
    finally:
        await svc.aclose()


async def test_prolong_restarts_the_lease_from_now(emulator: Emulator, clock: ManualClock) -> None:
    instance_id = emulator.store.add(
        "lease-box", status="RUNNING", family="notebooks", auto_stop_s=3600, remain_s=300
    )
    svc = InstanceService([_profile(emulator, "notebooks")], clock=clock)
    key = row_key("nb", instance_id)
    try:
        await svc.refresh()
        (outcome,) = await svc.prolong([key], 3)
        assert outcome.ok, outcome.message
        await svc.refresh()
        auto = svc.rows[key].instance.auto_stop
        assert auto is not None and auto.remaining_s(int(clock() * 1000)) == 3 * 3600
        assert any(r.method == "PATCH" and r.path.endswith("/lease") for r in emulator.requests)
    finally:
        await svc.aclose()


async def test_prolong_refused_locally_on_stopped_and_on_v1(emulator: Emulator, clock: ManualClock) -> None:
    stopped = emulator.store.add("stopped-nb", status="STOPPED", family="notebooks")
    svc = InstanceService([_profile(emulator, "notebooks")], clock=clock)
    try:
        await svc.refresh()
        sent = len(emulator.requests)
        (outcome,) = await svc.prolong([row_key("nb", stopped)], 2)
        assert outcome.skipped and "not RUNNING" in outcome.message
        assert len(emulator.requests) == sent
        svc.set_profiles([replace(_profile(emulator, "devenv-v1"))])
        await svc.refresh()
        running = next(k for k, r in svc.rows.items() if r.instance.status == "RUNNING")
        (outcome,) = await svc.prolong([running], 2)
        assert outcome.skipped and "notebooks API" in outcome.message
    finally:
        await svc.aclose()
