"""Many profiles on one endpoint: first table, key latency during a refresh, cost per profile, quit.

The emulator runs as its own process (``EmulatorProcess``, optional latency per request); the app
runs headless in this process (``make_app().run_test()``) with ``profiles`` profiles ``p00000``…
that all point at it (the same project under other names, so each lists the same instances).

first     mount -> every profile's rows in (the first refresh round's end)
keys      a thread posts a key (down, up, …) into the app's loop every 100 ms, the way the terminal
          driver does, during ``--rounds`` more refresh rounds back to back (``r``; the first one is
          measured alone);
          latency = posted -> dispatched to the focused table (p50, p99, max, count)
cost      main-thread CPU and RSS growth of the first round, per profile
quit      with ``--quit``: the real app on a pty with that many profiles in its config file; ``q``
          pressed while the first round is out; seconds until the process has exited
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness import DEMO_AK, DEMO_SK, EmulatorProcess, PtyApp, rss_mb

KEY_EVERY_S = 0.1


class KeyProbe:
    """Posts keys from a thread at a steady pace; records when each reached the table."""

    def __init__(self, app: Any, loop: asyncio.AbstractEventLoop) -> None:
        from textual import events

        self._events = events
        self._app = app
        self._loop = loop
        self.posted: dict[int, float] = {}
        self.seen: dict[int, float] = {}
        self._keep: list[Any] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def hook(self, message: Any) -> None:
        if isinstance(message, self._events.Key) and id(message) in self.posted:
            self.seen[id(message)] = time.perf_counter()

    def _run(self) -> None:
        n = 0
        while not self._stop.wait(KEY_EVERY_S):
            key = self._events.Key("down" if n % 2 == 0 else "up", None)
            self._keep.append(key)
            self.posted[id(key)] = time.perf_counter()
            self._loop.call_soon_threadsafe(self._app.post_message, key)
            n += 1

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def latencies_ms(self) -> list[float]:
        return sorted((self.seen[k] - t) * 1000 for k, t in self.posted.items() if k in self.seen)

    def unhandled(self) -> int:
        return sum(1 for k in self.posted if k not in self.seen)


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def _summary(probe: KeyProbe) -> dict[str, Any]:
    lat = probe.latencies_ms()
    return {
        "keys": len(lat),
        "unhandled": probe.unhandled(),
        "p50_ms": round(statistics.median(lat), 1) if lat else 0.0,
        "p99_ms": round(_pct(lat, 0.99), 1),
        "max_ms": round(lat[-1], 1) if lat else 0.0,
    }


async def _measure(url: str, profiles: int, rounds: int = 1) -> dict[str, Any]:
    from tui.cli.app import demo_profile
    from tui.config.model import Config
    from tui.ui.app import make_app
    from tui.ui.messages import InstancesRefreshed

    base = demo_profile(url)
    config = Config(profiles=tuple(replace(base, name=f"p{i:05d}") for i in range(profiles)))
    refreshed = asyncio.Event()
    probe: KeyProbe | None = None

    def hook(message: object) -> None:
        if isinstance(message, InstancesRefreshed):
            refreshed.set()
        if probe is not None:
            probe.hook(message)

    with tempfile.TemporaryDirectory(prefix="modelarts-bench-") as tmp:
        rss0, cpu0 = rss_mb_self(), time.thread_time()
        app = make_app(config, Path(tmp) / "config.toml", log_dir=Path(tmp) / "logs")
        probe = KeyProbe(app, asyncio.get_running_loop())
        started = time.perf_counter()
        async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
            while not app.service.statuses:  # the first profile is in: keys during the rest of the round
                await asyncio.sleep(0.01)
            probe.start()
            while not refreshed.is_set():
                await asyncio.sleep(0.01)
            first_s = time.perf_counter() - started
            probe.stop()
            during_first = _summary(probe)
            cpu_s, rss_grew = time.thread_time() - cpu0, rss_mb_self() - rss0
            rows = len(app.service.rows)
            ok = sum(1 for s in app.service.statuses if s.ok)
            probe = KeyProbe(app, asyncio.get_running_loop())
            probe.start()
            wall0 = time.perf_counter()
            for _ in range(rounds):  # back to back, keys posted all along
                refreshed.clear()
                app.main_screen.action_refresh_now()
                while not refreshed.is_set():
                    await asyncio.sleep(0.01)
            again_s = (time.perf_counter() - wall0) / rounds
            probe.stop()
            await pilot.pause(0.2)
            again = _summary(probe)
            pools = app.service.pools.pools
            per_host = app.service.pools.per_host
            await pilot.press("q")
    return {
        "profiles": profiles,
        "rows": rows,
        "profiles_ok": ok,
        "first_table_s": round(first_s, 3),
        "refresh_s": round(again_s, 3),
        "keys_refresh": again,
        "key_p99_ms": again["p99_ms"],
        "keys_first": during_first,
        "key_first_p99_ms": during_first["p99_ms"],
        "cpu_ms_per_profile": round(cpu_s * 1000 / profiles, 3),
        "rss_kb_per_profile": round(rss_grew * 1024 / profiles, 1),
        "pools": pools,
        "per_host": per_host,
    }


def rss_mb_self() -> float:
    import os

    return rss_mb(os.getpid())


def quit_during_refresh(url: str, profiles: int, timeout_s: float = 60.0) -> dict[str, Any]:
    """The real app with ``profiles`` profiles in its config: ``q`` while the first round is out."""
    text = "".join(
        f'[[profiles]]\nname = "p{i:05d}"\nproject_id = "0123456789abcdef0123456789abcdef"\n'
        f'ak = "{DEMO_AK}"\nsk = "{DEMO_SK}"\n\n'
        for i in range(profiles)
    )
    with PtyApp(url, config_text=text) as app:
        app.wait_for(b"p0", timeout_s)  # a profile name painted: the app is up and refreshing
        pressed = time.monotonic()
        app.press(b"q")
        exited = None
        while time.monotonic() - pressed < timeout_s:
            if not app.alive:
                exited = time.monotonic() - pressed
                break
            time.sleep(0.01)
        rss = 0.0 if exited is not None else app.rss_mb()
    return {"quit_profiles": profiles, "quit_s": None if exited is None else round(exited, 3), "rss_mb": rss}


def main(argv: list[str]) -> None:
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("profiles", type=int)
    parser.add_argument("--instances", type=int, default=1, help="instances the emulator serves")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--rounds", type=int, default=1, help="refresh rounds while keys are posted")
    parser.add_argument("--quit", action="store_true", help="measure q on the real app instead")
    args = parser.parse_args(argv)
    with EmulatorProcess(args.instances, latency_ms=args.latency_ms) as emu:
        if args.quit:
            figures = quit_during_refresh(emu.url, args.profiles)
        else:
            figures = asyncio.run(_measure(emu.url, args.profiles, args.rounds))
    print(json.dumps(figures))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
