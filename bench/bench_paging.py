"""One full listing on the notebooks API (50 a page) with latency per request: concurrent vs sequential.

The emulator runs as its own process with ``--latency-ms``; this process lists every instance
with a fresh client, first with the pages after the first fetched at once (``PAGE_CONCURRENCY``),
then with one page at a time (the same code with the bound set to 1), in the same run. Figures:
the median wall time of each, their ratio, the round trips the concurrent one took (its wall time
over one request's) and the requests sent.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import replace
from typing import Any

from harness import EmulatorProcess


async def _list(url: str) -> tuple[float, int]:
    from tui.cli.app import demo_profile
    from tui.service.factory import build_client

    profile = replace(demo_profile(url), api="notebooks")
    async with build_client(profile) as client:
        started = time.perf_counter()
        listed = await client.list_instances()
        return time.perf_counter() - started, len(listed)


def measure(url: str, tries: int) -> dict[str, Any]:
    import tui.api.client_notebooks as nb

    bound = nb.PAGE_CONCURRENCY
    runs: dict[str, list[float]] = {"concurrent": [], "sequential": []}
    count = 0
    for _ in range(tries):
        for mode in ("concurrent", "sequential"):
            nb.PAGE_CONCURRENCY = bound if mode == "concurrent" else 1
            took, count = asyncio.run(_list(url))
            runs[mode].append(took)
    nb.PAGE_CONCURRENCY = bound
    concurrent = statistics.median(runs["concurrent"])
    sequential = statistics.median(runs["sequential"])
    return {
        "instances": count,
        "pages": -(-count // 50),
        "page_concurrency": bound,
        "concurrent_s": round(concurrent, 3),
        "sequential_s": round(sequential, 3),
        "speedup": round(sequential / concurrent, 2),
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
        figures = measure(emu.url, args.tries)
    figures["latency_ms"] = args.latency_ms
    figures["round_trips"] = round(figures["concurrent_s"] / (args.latency_ms / 1000), 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
