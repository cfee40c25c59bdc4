"""Every benchmark against the emulator: a table of figures and targets, then one JSON line.

    python bench/run.py            full sizes (about two and a half minutes on 2 cores)
    python bench/run.py --quick    smaller sizes and a 10 s idle window, for CI (under 60 s; no 20,000-row
                                   table and no JSON decoders)
    python bench/run.py --growth   full sizes, then refresh CPU and memory at 100/500/1,000/5,000 (3 min)

docs/PERFORMANCE.md explains each figure, the targets and what limits the missed ones.

Each benchmark runs in its own interpreter (``bench_*.py``, which prints one JSON line), one after
another, so none measures another's leftovers. The figures are printed, never asserted: a missed
target prints MISS and the exit code stays 0; a benchmark that crashes makes it 1. The last line
of the output is one JSON object (keys below in ``KEYS``; the same keys with ``--quick``, whose
sizes are in ``sizes``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable

FULL = {
    "refresh": 1000,
    "cycles": 15,
    "idle": 200,
    "window": 60.0,
    "settle": 20.0,
    "rss": 5000,
    "bulk": 100,
    "refreshes": 4,
    "paging": 1000,
    "profiles_first": 200,
    "profiles_keys": 1000,
    "rows_keys": 1000,
    "rss_big": 20000,
    "json": 20000,
}
QUICK = {
    "refresh": 300,
    "cycles": 8,
    "idle": 200,
    "window": 10.0,
    "settle": 3.0,
    "rss": 1000,
    "bulk": 30,
    "refreshes": 1,
    "paging": 300,
    "profiles_first": 20,
    "profiles_keys": 50,
    "rows_keys": 300,
    "rss_big": 0,
    "json": 0,
}
GROWTH = (100, 500, 1000, 5000)
BULK_LATENCY_MS = 100.0
BULK_THROTTLE_RPS = 10.0
STARTUP_BUDGET_S = 1.5

KEYS = (
    "requests_per_refresh_1000",
    "refresh_cpu_ms_p50_1000",
    "refresh_cpu_ms_p50_1000_5_changed",
    "idle_cpu_percent_200",
    "idle_terminal_bytes_per_min_200",
    "idle_sim_bytes_per_min_200",
    "bulk_start_speedup_100",
    "rss_mb_5000",
    "startup_to_table_s",
    "list_wall_s_1000_50ms",
    "list_speedup_vs_sequential_1000_50ms",
    "first_table_s_200_profiles",
    "key_latency_ms_p99_1000_rows",
    "key_latency_ms_p99_1000_profiles",
    "key_latency_ms_p99_1000_profiles_first_round",
    "rss_mb_20000",
    "startup_to_table_s_20000",
)
"""With ``--quick`` the ``_1000``/``_20000`` keys hold the quick sizes' figures (``sizes`` says which)."""


class BenchmarkCrashed(Exception):
    """A benchmark script exited non-zero or printed no JSON."""


def bench(script: str, *args: object, timeout: float = 600.0) -> tuple[dict[str, Any], float]:
    """Run ``bench/<script>`` with ``args``; its last stdout line as JSON, and the seconds it took."""
    started = time.monotonic()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    proc = subprocess.run(
        [PYTHON, str(HERE / script), *map(str, args)],
        cwd=HERE,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    took = time.monotonic() - started
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-12:]
        raise BenchmarkCrashed(
            f"{script} {' '.join(map(str, args))} exited {proc.returncode}:\n  " + "\n  ".join(tail)
        )
    try:
        return json.loads(lines[-1]), took
    except ValueError as error:
        raise BenchmarkCrashed(f"{script}: last line is not JSON ({error}): {lines[-1][:200]!r}") from None


@dataclass
class Line:
    """One row of the table: what, the figure, the target and whether it held."""

    what: str
    value: str
    target: str = ""
    held: bool | None = None

    def render(self) -> str:
        verdict = "" if self.held is None else ("held" if self.held else "MISS")
        return f"  {self.what:<46} {self.value:>16}   {self.target:<22} {verdict}"


class Report:
    """Collects figures, lines and crashes while the benchmarks run."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.figures: dict[str, Any] = {}
        self.crashed: list[str] = []
        self.missed: list[str] = []
        self.timings: dict[str, float] = {}

    def step(self, name: str, run: Callable[[], float]) -> None:
        print(f"... {name}", file=sys.stderr, flush=True)
        try:
            self.timings[name] = round(run(), 1)
        except (BenchmarkCrashed, subprocess.TimeoutExpired) as error:
            self.crashed.append(name)
            self.lines.append(Line(f"{name}: CRASHED", "—"))
            print(f"CRASHED {name}: {error}", file=sys.stderr, flush=True)

    def add(self, what: str, value: str, target: str = "", held: bool | None = None, key: str = "") -> None:
        self.lines.append(Line(what, value, target, held))
        if held is False:
            self.missed.append(key or what)


def run_all(quick: bool, growth: bool) -> int:
    sizes = QUICK if quick else FULL
    report = Report()
    out = report.figures
    out.update({key: None for key in KEYS})

    def refresh() -> float:
        n = sizes["refresh"]
        # Nothing changed (the wording and the target), then 5 changed (the figure before;
        # not with --quick, which must stay under a minute: its key is null there).
        data, took = bench("bench_refresh.py", n, "--cycles", sizes["cycles"], "--changes", 0)
        if quick:
            five, took5 = {"cpu_ms_p50": None}, 0.0
        else:
            five, took5 = bench("bench_refresh.py", n, "--cycles", sizes["cycles"], "--changes", 5)
        out["requests_per_refresh_1000"] = data["requests_per_refresh"]
        out["refresh_cpu_ms_p50_1000"] = round(data["cpu_ms_p50"], 1)
        out["refresh_cpu_ms_all_1000"] = data["cpu_ms"]
        if five["cpu_ms_p50"] is not None:
            out["refresh_cpu_ms_p50_1000_5_changed"] = round(five["cpu_ms_p50"], 1)
        report.add(
            f"HTTP requests per refresh, {n} instances",
            str(data["requests_per_refresh"]),
            "1",
            data["requests_per_refresh"] == 1,
            "requests_per_refresh_1000",
        )
        report.add(
            f"app CPU per refresh, {n} rows, none changed (p50)",
            f"{data['cpu_ms_p50']:.1f} ms",
            "<= 20 ms",
            data["cpu_ms_p50"] <= 20,
            "refresh_cpu_ms_p50_1000",
        )
        report.add(f"  wall time per refresh cycle, {n} rows (p50)", f"{data['wall_ms_p50']:.0f} ms")
        if five["cpu_ms_p50"] is not None:
            report.add(f"  app CPU per refresh, {n} rows, 5 changed (p50)", f"{five['cpu_ms_p50']:.1f} ms")
        return took + took5

    def idle() -> float:
        n = sizes["idle"]
        data, took = bench("bench_app.py", n, "--settle", sizes["settle"], "--window", sizes["window"])
        out["idle_cpu_percent_200"] = round(data["idle_cpu_percent"], 2)
        out["idle_terminal_bytes_per_min_200"] = round(data["idle_bytes_per_min"])
        out["startup_to_table_s"] = round(data["startup_s"], 3)
        out["startup_round_trip_s"] = round(data["rtt_s"], 3)
        out["rss_mb_200"] = round(data["rss_mb"], 1)
        budget = STARTUP_BUDGET_S + data["rtt_s"]
        window = f"{data['idle_window_s']:g} s"
        report.add(
            f"idle app CPU, {n} instances, {window} window",
            f"{data['idle_cpu_percent']:.2f} %",
            "< 1 % of a core",
            data["idle_cpu_percent"] < 1.0,
            "idle_cpu_percent_200",
        )
        report.add(
            f"idle terminal output, {n} instances",
            f"{data['idle_bytes_per_min']:.0f} B/min",
            "< 2048 B/min",
            data["idle_bytes_per_min"] < 2048,
            "idle_terminal_bytes_per_min_200",
        )
        report.add("  largest single repaint while idle", f"{data['idle_bytes_largest_write']} B")
        if not quick:  # the same minute on a simulated clock: what Textual writes, no pty timing
            sim, took_sim = bench("bench_idle_output.py", "--instances", n, "--size", "120x40")
            took += took_sim
            out["idle_sim_bytes_per_min_200"] = sim["idle_sim_bytes"]
            report.add(f"  simulated idle minute, {n} instances, 120x40", f"{sim['idle_sim_bytes']} B")
        report.add(
            f"start to first table with data, {n} instances",
            f"{data['startup_s']:.2f} s",
            f"< {budget:.2f} s (1.5 s + rtt)",
            data["startup_s"] < budget,
            "startup_to_table_s",
        )
        report.add("  one list round trip (rtt)", f"{data['rtt_s'] * 1000:.0f} ms")
        report.add(f"  resident memory, {n} instances", f"{data['rss_mb']:.1f} MB")
        return took

    def bulk() -> float:
        n = sizes["bulk"]
        data, took = bench(
            "bench_bulk.py", n, "--latency-ms", BULK_LATENCY_MS, "--throttle-rps", BULK_THROTTLE_RPS
        )
        out["bulk_start_speedup_100"] = round(data["speedup"], 2)
        out["bulk_duplicate_posts"] = data["duplicate_posts"]
        out["bulk_throttled_started"] = data["throttled_started"]
        out["bulk_throttled_all_started"] = data["throttled_started"] == n
        out["bulk_throttled_429"] = data["throttled_429"]
        report.add(
            f"bulk start of {n}, {BULK_LATENCY_MS:g} ms latency: speedup",
            f"{data['speedup']:.1f}x",
            ">= 6x",
            data["speedup"] >= 6,
            "bulk_start_speedup_100",
        )
        report.add("  sequential / ours", f"{data['sequential_s']:.2f} / {data['ours_s']:.2f} s")
        report.add(
            "  duplicate POSTs",
            str(data["duplicate_posts"] + data["throttled_duplicate_posts"]),
            "0",
            data["duplicate_posts"] + data["throttled_duplicate_posts"] == 0,
            "bulk_duplicate_posts",
        )
        report.add(
            f"  throttled at {BULK_THROTTLE_RPS:g} req/s: started",
            f"{data['throttled_started']}/{n}",
            "all",
            data["throttled_started"] == n,
            "bulk_throttled_all_started",
        )
        report.add(
            "  throttled run: 429 answers, wall time", f"{data['throttled_429']}, {data['throttled_s']:.1f} s"
        )
        return took

    def memory() -> float:
        n = sizes["rss"]
        data, took = bench("bench_app.py", n, "--settle", 3, "--refreshes", sizes["refreshes"])
        out["rss_mb_5000"] = round(data["rss_mb"], 1)
        out["rss_peak_mb_5000"] = round(data["peak_rss_mb"], 1)
        out["startup_to_table_s_5000"] = round(data["startup_s"], 3)
        report.add(
            f"memory (RSS), {n} instances, {sizes['refreshes']} refreshes",
            f"{data['rss_mb']:.1f} MB",
            "< 150 MB",
            data["rss_mb"] < 150,
            "rss_mb_5000",
        )
        report.add(f"  peak resident memory, {n} instances", f"{data['peak_rss_mb']:.1f} MB")
        report.add(
            f"start to first painted table, {n} instances",
            f"{data['startup_s']:.2f} s",
            "<= 1 s",
            data["startup_s"] <= 1,
            "startup_to_table_s_5000",
        )
        return took

    def paging() -> float:
        n = sizes["paging"]
        data, took = bench("bench_paging.py", n, "--latency-ms", 50)
        out["list_wall_s_1000_50ms"] = data["concurrent_s"]
        out["list_speedup_vs_sequential_1000_50ms"] = data["speedup"]
        report.add(
            f"full listing, notebooks API, {n} instances, 50 ms",
            f"{data['concurrent_s']:.2f} s",
            "<= 3 round trips",
            data["round_trips"] <= 3,
            "list_wall_s_1000_50ms",
        )
        report.add("  round trips of wall time (wall / 50 ms)", f"{data['round_trips']:g}")
        report.add(
            "  speedup vs sequential paging, same run",
            f"{data['speedup']:.2f}x",
            ">= 5x",
            data["speedup"] >= 5,
            "list_speedup_vs_sequential_1000_50ms",
        )
        report.add("  sequential / concurrent", f"{data['sequential_s']:.2f} / {data['concurrent_s']:.2f} s")
        return took

    def profiles() -> float:
        n, k = sizes["profiles_first"], sizes["profiles_keys"]
        first, t1 = bench("bench_profiles.py", n, "--latency-ms", 50, timeout=900)
        keys, t2 = bench("bench_profiles.py", k, timeout=900)
        out["first_table_s_200_profiles"] = first["first_table_s"]
        out["key_latency_ms_p99_1000_profiles"] = keys["key_p99_ms"]
        out["profile_cpu_ms_each"] = keys["cpu_ms_per_profile"]
        out["profile_rss_kb_each"] = keys["rss_kb_per_profile"]
        out["connections_per_host"] = first["per_host"]
        report.add(
            f"first full table, {n} profiles, 50 ms (pool {first['per_host']}/host)",
            f"{first['first_table_s']:.2f} s",
            "<= 2 s",
            first["first_table_s"] <= 2,
            "first_table_s_200_profiles",
        )
        report.add(
            f"key press during a refresh, {k} profiles (p99)",
            f"{keys['key_p99_ms']:.0f} ms",
            "<= 100 ms",
            keys["key_p99_ms"] <= 100,
            "key_latency_ms_p99_1000_profiles",
        )
        report.add(
            "  keys handled / p50 / max",
            f"{keys['keys_refresh']['keys']} / "
            f"{keys['keys_refresh']['p50_ms']:.0f} / {keys['keys_refresh']['max_ms']:.0f} ms",
        )
        out["key_latency_ms_p99_1000_profiles_first_round"] = keys["key_first_p99_ms"]
        report.add(
            f"key press during the first refresh, {k} profiles (p99)",
            f"{keys['key_first_p99_ms']:.0f} ms",
            "<= 100 ms",
            keys["key_first_p99_ms"] <= 100,
            "key_latency_ms_p99_1000_profiles_first_round",
        )
        report.add(f"  app CPU per profile, first load ({k})", f"{keys['cpu_ms_per_profile']:.1f} ms")
        report.add(f"  memory per profile, first load ({k})", f"{keys['rss_kb_per_profile']:.0f} KB")
        return t1 + t2

    def rows_keys() -> float:
        n = sizes["rows_keys"]
        rounds = 20 if n >= 1000 else 8
        data, took = bench("bench_profiles.py", 1, "--instances", n, "--rounds", rounds, timeout=900)
        out["key_latency_ms_p99_1000_rows"] = data["key_p99_ms"]
        report.add(
            f"key press during a refresh, {n} rows (p99)",
            f"{data['key_p99_ms']:.0f} ms",
            "<= 100 ms",
            data["key_p99_ms"] <= 100,
            "key_latency_ms_p99_1000_rows",
        )
        keys = data["keys_refresh"]
        report.add(
            "  keys handled / p50 / max", f"{keys['keys']} / {keys['p50_ms']:.0f} / {keys['max_ms']:.0f} ms"
        )
        return took

    def big() -> float:
        n = sizes["rss_big"]
        if not n:
            report.add("memory and first table at 20,000 instances", "full run only")
            return 0.0
        data, took = bench("bench_app.py", n, "--settle", 3, "--refreshes", 1, timeout=900)
        out["rss_mb_20000"] = round(data["rss_mb"], 1)
        out["startup_to_table_s_20000"] = round(data["startup_s"], 3)
        report.add(
            f"memory (RSS), {n} instances, 1 refresh",
            f"{data['rss_mb']:.1f} MB",
            "< 300 MB",
            data["rss_mb"] < 300,
            "rss_mb_20000",
        )
        report.add(
            f"start to first painted table, {n} instances",
            f"{data['startup_s']:.2f} s",
            "<= 3 s",
            data["startup_s"] <= 3,
            "startup_to_table_s_20000",
        )
        return took

    def decoders() -> float:
        n = sizes["json"]
        if not n:
            report.add("JSON decoders (stdlib, orjson, msgspec)", "full run only")
            return 0.0
        data, took = bench("bench_json.py", n, timeout=900)
        out["json_decode"] = data
        report.add(f"JSON decode, one list of {n} instances", f"{data['body_mb']:.1f} MB body")
        for name in ("json (stdlib)", "orjson", "msgspec"):
            got = data.get(name)
            value = "not installed" if got is None else f"{got['s']:.2f} s, {got['peak_mb']:.0f} MB"
            ratio = "" if got is None else f"{got['vs_stdlib']:.2f}x of stdlib"
            report.add(f"  {name}: time, peak memory", value, ratio)
        return took

    started = time.monotonic()
    report.step("notebooks paging", paging)
    report.step("many profiles (headless app)", profiles)
    report.step("refresh (headless app)", refresh)
    report.step("idle and startup (real app on a pty)", idle)
    report.step("bulk start", bulk)
    report.step("memory (real app on a pty)", memory)
    report.step("key latency, many rows (headless app)", rows_keys)
    report.step("big table (real app on a pty)", big)
    report.step("JSON decoders", decoders)

    growth_rows: list[dict[str, Any]] = []
    if growth:

        def grow() -> float:
            took = 0.0
            for n in GROWTH:
                refresh_data, t1 = bench("bench_refresh.py", n, "--cycles", 10)
                app_data, t2 = bench("bench_app.py", n, "--settle", 3, "--refreshes", 2)
                took += t1 + t2
                growth_rows.append(
                    {
                        "instances": n,
                        "refresh_cpu_ms_p50": round(refresh_data["cpu_ms_p50"], 1),
                        "refresh_wall_ms_p50": round(refresh_data["wall_ms_p50"], 1),
                        "rss_mb": round(app_data["rss_mb"], 1),
                        "startup_s": round(app_data["startup_s"], 2),
                    }
                )
            return took

        report.step("growth 100 -> 5,000", grow)
        out["growth"] = growth_rows

    total = time.monotonic() - started
    mode = "quick" if quick else "full"
    print(f"modelarts-tui benchmarks ({mode} sizes, {os.cpu_count()} cores, Python {sys.version.split()[0]})")
    print(f"  {'figure':<46} {'value':>16}   {'target':<22} verdict")
    for line in report.lines:
        print(line.render())
    if growth_rows:
        print("\nhow cost grows (app CPU per refresh cycle, resident memory, start to first table):")
        print(
            f"  {'instances':>9} {'refresh CPU p50':>16} {'refresh wall p50':>17} {'RSS':>9} {'startup':>8}"
        )
        for row in growth_rows:
            print(
                f"  {row['instances']:>9} {row['refresh_cpu_ms_p50']:>13.1f} ms {row['refresh_wall_ms_p50']:>14.0f} ms"
                f" {row['rss_mb']:>6.1f} MB {row['startup_s']:>6.2f} s"
            )
    timings = ", ".join(f"{name} {seconds:g} s" for name, seconds in report.timings.items())
    print(f"\ntimings: {timings}; total {total:.1f} s")
    if report.missed:
        print(f"targets missed: {', '.join(report.missed)}")
    if report.crashed:
        print(f"benchmarks crashed: {', '.join(report.crashed)}")
    out.update(
        quick=quick,
        sizes=sizes,
        targets_missed=report.missed,
        crashed=report.crashed,
        seconds=round(total, 1),
    )
    print(json.dumps(out, separators=(",", ":")))
    return 1 if report.crashed else 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="CI sizes: finishes in under 60 s")
    parser.add_argument(
        "--growth", action="store_true", help="also measure at 100, 500, 1,000 and 5,000 instances"
    )
    args = parser.parse_args()
    return run_all(args.quick, args.growth)


if __name__ == "__main__":
    sys.exit(main())
