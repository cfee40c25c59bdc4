"""JSON decoding of one big list answer: the stdlib against orjson and msgspec, in the same run.

The emulator runs as its own process with ``instances`` notebooks; one signed GET of the whole
v1 list (``limit=0``: all at once) gives the body the app would decode. Each decoder then reads the
same bytes ``--repeat`` times: the best wall time, and the peak of Python memory while decoding
(``tracemalloc``; the decoded objects are Python objects for all three). A library that is not
installed is reported as such (neither is a dependency: see README "Performance").
"""

from __future__ import annotations

import asyncio
import gc
import importlib
import json
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

from harness import EmulatorProcess


async def _body(url: str, instances: int) -> bytes:
    import httpx

    from tui.cli.app import demo_profile
    from tui.service.factory import build_auth

    profile = demo_profile(url)  # the v1 DevEnviron API: limit=0 is every instance in one answer
    path = f"/v1/{profile.project_id}/demanager/instances?de_type=Notebook&limit=0"
    async with httpx.AsyncClient(auth=build_auth(profile), timeout=300) as client:
        answer = await client.get(url.rstrip("/") + path)
        answer.raise_for_status()
        return answer.content


def _decoders() -> dict[str, Callable[[bytes], Any] | None]:
    found: dict[str, Callable[[bytes], Any] | None] = {"json (stdlib)": json.loads}
    for name, attr in (("orjson", "loads"), ("msgspec", "json.decode")):
        try:
            module: Any = importlib.import_module(name)
        except ImportError:
            found[name] = None
            continue
        for part in attr.split("."):
            module = getattr(module, part)
        found[name] = module
    return found


def _measure(decode: Callable[[bytes], Any], body: bytes, repeat: int) -> tuple[float, float]:
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        decode(body)
        best = min(best, time.perf_counter() - started)
    gc.collect()
    tracemalloc.start()
    value = decode(body)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del value
    return best, peak / 2**20


def main(argv: list[str]) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("instances", type=int)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with EmulatorProcess(args.instances) as emu:
        body = asyncio.run(_body(emu.url, args.instances))
    figures: dict[str, Any] = {"instances": args.instances, "body_mb": round(len(body) / 2**20, 2)}
    base = None
    for name, decode in _decoders().items():
        if decode is None:
            figures[name] = None
            continue
        seconds, peak_mb = _measure(decode, body, args.repeat)
        base = base or seconds
        figures[name] = {
            "s": round(seconds, 3),
            "peak_mb": round(peak_mb, 1),
            "vs_stdlib": round(base / seconds, 2),
        }
    print(json.dumps(figures))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
