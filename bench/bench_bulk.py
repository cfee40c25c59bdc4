"""Bulk start: one client starting N instances one after another, against ``InstanceService.start``.

Both runs go to the same emulator (latency added to every answer) in the same process, with every
instance reset to STOPPED before each run. The emulator's transitions are long, so a started
instance stays STARTING and a second POST for it would be visible (and refused) at once.
A third run repeats the service's start with the emulator throttling (429 + Retry-After).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass


@dataclass(frozen=True)
class BulkFigures:
    """Wall times, the speedup, POSTs per instance and the throttled run's outcome."""

    instances: int
    latency_ms: float
    sequential_s: float
    ours_s: float
    ours_ok: int
    duplicate_posts: int
    throttle_rps: float
    throttled_s: float
    throttled_started: int
    throttled_429: int
    throttled_duplicate_posts: int
    throttled_failed: tuple[str, ...]

    @property
    def speedup(self) -> float:
        return self.sequential_s / self.ours_s if self.ours_s else 0.0


def _duplicates(requests: list[object]) -> int:
    """POSTs the service accepted beyond one per instance (a 429 never reached it)."""
    accepted = Counter(
        getattr(r, "path", "")
        for r in requests
        if getattr(r, "method", "") == "POST" and getattr(r, "status", 0) != 429
    )
    return sum(count - 1 for count in accepted.values() if count > 1)


async def _measure(instances: int, latency_ms: float, throttle_rps: float) -> BulkFigures:
    from tui.cli.app import demo_profile
    from tui.core.models import FAMILY_V1
    from tui.emulator import Emulator, EmulatorConfig
    from tui.service import InstanceService, row_key
    from tui.service.factory import build_client

    # A third of the sample instances belong to the notebooks family, which a v1 list does not show.
    config = EmulatorConfig(
        instances=instances * 3 // 2 + 3, seed=7, transition_seconds=3600.0, latency_ms=latency_ms
    )
    with Emulator(config) as emu:
        ids = [rec.id for rec in emu.store.all() if rec.family == FAMILY_V1][:instances]

        def reset() -> None:
            for instance_id in ids:
                emu.store.set_status(instance_id, "STOPPED")

        profile = demo_profile(emu.url)
        keys = [row_key(profile.name, i) for i in ids]

        reset()
        async with build_client(profile) as client:
            await client.list_instances()  # connection and signing warmed up, as the service's are
            started = time.perf_counter()
            for instance_id in ids:
                await client.start(instance_id)
            sequential_s = time.perf_counter() - started

        reset()
        service = InstanceService([profile])
        try:
            await service.refresh()
            before = len(emu.requests)
            started = time.perf_counter()
            outcomes = await service.start(keys)
            ours_s = time.perf_counter() - started
            ours_ok = sum(1 for o in outcomes if o.ok)
            duplicates = _duplicates(emu.requests[before:])

            reset()
            await service.refresh()
            emu.faults.throttle_rps = throttle_rps
            before = len(emu.requests)
            started = time.perf_counter()
            outcomes = await service.start(keys)
            throttled_s = time.perf_counter() - started
            emu.faults.throttle_rps = 0.0
            answered = emu.requests[before:]
        finally:
            await service.aclose()
        moving = {"STARTING", "RUNNING"}
        throttled_started = sum(
            1 for i in ids if (rec := emu.store.get(i)) is not None and rec.status in moving
        )
        failed = tuple(o.message for o in outcomes if not o.ok)
        return BulkFigures(
            instances=instances,
            latency_ms=latency_ms,
            sequential_s=sequential_s,
            ours_s=ours_s,
            ours_ok=ours_ok,
            duplicate_posts=duplicates,
            throttle_rps=throttle_rps,
            throttled_s=throttled_s,
            throttled_started=throttled_started,
            throttled_429=sum(1 for r in answered if r.status == 429),
            throttled_duplicate_posts=_duplicates(answered),
            throttled_failed=failed,
        )


def measure(instances: int = 100, latency_ms: float = 100.0, throttle_rps: float = 10.0) -> BulkFigures:
    """Sequential vs bounded-concurrency start of ``instances``, then the start under throttling."""
    return asyncio.run(_measure(instances, latency_ms, throttle_rps))


def main(argv: list[str]) -> None:
    import argparse
    import json
    from dataclasses import asdict

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("instances", type=int)
    parser.add_argument("--latency-ms", type=float, default=100.0)
    parser.add_argument("--throttle-rps", type=float, default=10.0)
    args = parser.parse_args(argv)
    figures = measure(args.instances, args.latency_ms, args.throttle_rps)
    print(json.dumps({**asdict(figures), "speedup": figures.speedup}))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
