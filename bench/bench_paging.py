"""One full listing on the notebooks API (50 a page) with latency per request: concurrent vs sequential.

The emulator runs as its own process with ``--latency-ms``; this process lists every instance
with a fresh client, first with the pages after the first fetched at once (``PAGE_CONCURRENCY``),
then with one page at a time (the same code with the bound set to 1), in the same run. Figures:
the median wall time of each, their ratio, the round trips the concurrent one took (its wall time
over one request's), and the CPU the concurrent listing cost this process (the client: decode,
parse, httpx) and the emulator (every page answered): with the later pages in flight at once,
the wall time past two round trips is mostly the client's CPU. ``repeat_*``: the same figures for
a second concurrent listing on the same client, its connections open and its instance memo warm,
as every poll after the first is.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import replace
from typing import Any

from harness import EmulatorProcess, cpu_seconds

Figures = tuple[float, int, float, float]
"""One listing: wall time, instances, this process's CPU and the emulator's CPU meanwhile."""


async def _list(url: str, emulator_pid: int, repeat: bool = False) -> tuple[Figures, Figures | None]:
    """A fresh client's first listing and, with ``repeat``, its second one (memo warm)."""
    from tui.api.pool import HostPools
    from tui.api.runtime import Limits
    from tui.cli.app import demo_profile
    from tui.service.factory import build_client

    profile = replace(demo_profile(url), api="notebooks")
    pools = HostPools(Limits().per_host)  # the app's pool of that host, at its default bound
    async with build_client(profile, pools=pools) as client:

        async def once() -> Figures:
            started, cpu0, emu0 = time.perf_counter(), time.process_time(), cpu_seconds(emulator_pid)
            listed = await client.list_instances()
            took = time.perf_counter() - started
            return took, len(listed), time.process_time() - cpu0, cpu_seconds(emulator_pid) - emu0

        first = await once()
        again = await once() if repeat else None
    await pools.aclose()
    return first, again


def measure(url: str, tries: int, emulator_pid: int) -> dict[str, Any]:
    import tui.api.client_notebooks as nb
    from tui.api.runtime import Limits

    bound = nb.PAGE_CONCURRENCY
    runs: dict[str, list[float]] = {"concurrent": [], "sequential": []}
    client_cpu: list[float] = []
    emulator_cpu: list[float] = []
    repeats: list[Figures] = []
    count = 0
    for _ in range(tries):
        for mode in ("concurrent", "sequential"):
            nb.PAGE_CONCURRENCY = bound if mode == "concurrent" else 1
            (took, count, cpu, emu), again = asyncio.run(_list(url, emulator_pid, mode == "concurrent"))
            runs[mode].append(took)
            if again is not None:
                client_cpu.append(cpu)
                emulator_cpu.append(emu)
                repeats.append(again)
    nb.PAGE_CONCURRENCY = bound
    concurrent = statistics.median(runs["concurrent"])
    sequential = statistics.median(runs["sequential"])
    return {
        "instances": count,
        "pages": -(-count // 50),
        "page_concurrency": nb.page_bound(Limits().per_host),
        "concurrent_s": round(concurrent, 3),
        "sequential_s": round(sequential, 3),
        "speedup": round(sequential / concurrent, 2),
        "client_cpu_s": round(statistics.median(client_cpu), 3),
        "emulator_cpu_s": round(statistics.median(emulator_cpu), 3),
        "repeat_s": round(statistics.median(r[0] for r in repeats), 3),
        "repeat_client_cpu_s": round(statistics.median(r[2] for r in repeats), 3),
        "repeat_emulator_cpu_s": round(statistics.median(r[3] for r in repeats), 3),
    }


def main(argv: list[str]) -> None:
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("instances", type=int)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--tries", type=int, default=3)
    args = parser.parse_args(argv)
    with EmulatorProcess(args.instances, latency_ms=args.latency_ms) as emu:
        figures = measure(emu.url, args.tries, emu.pid)
    figures["latency_ms"] = args.latency_ms
    figures["round_trips"] = round(figures["concurrent_s"] / (args.latency_ms / 1000), 1)
    figures["repeat_round_trips"] = round(figures["repeat_s"] / (args.latency_ms / 1000), 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
