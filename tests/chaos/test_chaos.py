"""Chaos: many refresh cycles and start/stop actions while the emulator misbehaves on purpose.

Faults: 5xx answers, latency spikes beyond the client's 0.25 s timeout, throttling with Retry-After,
connections cut mid-answer and garbage bodies (HTML pages, cut-off JSON). Asserted after every step:

* nothing crashes: no service call raises, the app keeps running, no worker ends in error;
* every failure is explained: each failed call record and each failed outcome has a status or
  code and a meaning (never the catalogue's "unknown");
* a failed refresh keeps the profile's rows and marks the profile (stale), last-ok time unchanged;
* no action is duplicated: the emulator's handler ran at most once per intended action, even when
  the answer was dropped or garbled; and none is lost: an action reported done really happened;
* once the faults stop, a few refreshes make every row equal to the emulator's true state.

The bulk runs on the InstanceService directly (fast and exact); a smaller part drives the real app
through Pilot (keys and messages) with the same checks, plus the log panel and the stale marks.
The figures are printed (``-s``) and shown in the terminal summary.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from textual.worker import Worker, WorkerState

from tui.config.model import Config, Profile, UiSettings
from tui.core.callfmt import explain_call
from tui.core.error_codes import UNKNOWN
from tui.core.models import FAMILY_NOTEBOOKS, FAMILY_V1, ApiCall, Phase, phase_of
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig, ManualClock
from tui.emulator.state import nb_status, uid_of, v1_status
from tui.service import ActionOutcome, InstanceService, RefreshResult, describe_error
from tui.ui.app import make_app
from tui.ui.messages import ActionRequested, ActionsFinished
from tui.ui.widgets.instance_table import InstanceTable
from tui.ui.widgets.log_panel import LogPanel

TIMEOUT_S = 0.25
SPIKE_MS = 400.0
SERVICE_STEPS = 80
PILOT_CYCLES = 12
TARGETS = {"start": {Phase.STARTING, Phase.RUNNING, Phase.QUEUED}, "stop": {Phase.STOPPING, Phase.STOPPED}}
SUMMARIES: list[str] = []
"""Read by conftest.pytest_terminal_summary."""


@pytest.fixture
def emulator_config(clock: ManualClock) -> EmulatorConfig:
    return EmulatorConfig(clock=clock, instances=12, seed=11, transition_seconds=3.0)


def profiles(emu: Emulator) -> list[Profile]:
    common: dict[str, Any] = {
        "project_id": DEMO_PROJECT_ID,
        "endpoint": emu.url,
        "iam_endpoint": emu.url,
        "ak": DEMO_AK,
        "sk": Secret(DEMO_SK),
        "notify_minutes": 0,
    }
    return [Profile(name="v1", api=FAMILY_V1, **common), Profile(name="nb", api=FAMILY_NOTEBOOKS, **common)]


@dataclass
class Tally:
    """What happened, for the summary line and the assertion messages."""

    faults: Counter[str] = field(default_factory=Counter)
    refreshes: int = 0
    failed_refreshes: int = 0
    actions: int = 0
    actions_ok: int = 0
    actions_failed: int = 0
    actions_refused: int = 0
    crashes: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    unexplained: list[str] = field(default_factory=list)
    unlogged: list[str] = field(default_factory=list)
    not_stale: list[str] = field(default_factory=list)
    converged_after: int | None = None
    retry_after_waits: int = 0

    def line(self, what: str, requests: int) -> str:
        f = self.faults
        return (
            f"chaos[{what}]: {self.refreshes} refreshes ({self.failed_refreshes} failed), {requests} requests, "
            f"faults injected {sum(f.values())} (5xx {f['5xx']}, 429 {f['429']}, dropped {f['dropped']}, "
            f"garbage {f['garbage']}, latency spikes {f['spike']}), Retry-After waits {self.retry_after_waits}, "
            f"actions {self.actions} ({self.actions_ok} ok, {self.actions_failed} failed, "
            f"{self.actions_refused} refused locally), crashes {len(self.crashes)}, "
            f"lost {len(self.lost)}, duplicated {len(self.duplicated)}, unexplained failures "
            f"{len(self.unexplained)}, unlogged failures {len(self.unlogged)}, "
            f"converged after {self.converged_after} refreshes"
        )


class Rig:
    """The emulator with its fault dice and its action handler instrumented; the checks per step."""

    def __init__(self, emu: Emulator, calls: list[ApiCall]) -> None:
        self.emu = emu
        self.calls = calls
        self.tally = Tally()
        self.performed: list[tuple[str, str, bool]] = []  # (uid, verb, applied) each time the handler ran
        self._lock = threading.Lock()
        self._instrument()

    def _count(self, name: str) -> None:
        with self._lock:
            self.tally.faults[name] += 1

    def _instrument(self) -> None:
        injector = self.emu.app.injector
        for method, name, hit in (
            ("throttle", "429", lambda r: r is not None),
            ("failure", "5xx", lambda r: r is not None),
            ("garbage", "garbage", lambda r: r is not None),
            ("drop", "dropped", bool),
            ("delay_s", "spike", lambda d: d * 1000 >= SPIKE_MS),
        ):
            original = getattr(injector, method)

            def wrapped(
                *args: Any, _o: Callable[..., Any] = original, _n: str = name, _h: Callable[[Any], bool] = hit
            ) -> Any:
                result = _o(*args)
                if _h(result):
                    self._count(_n)
                return result

            setattr(injector, method, wrapped)
        store = self.emu.store
        original_action = store.action

        def recorded(
            instance_id: str,
            action: str,
            now: float,
            lease_s: float | None = None,
            failure: tuple[str, str] | None = None,
        ) -> tuple[str, str]:
            try:
                result = original_action(instance_id, action, now, lease_s, failure)
            except Exception:
                with self._lock:
                    self.performed.append((uid_of(instance_id), action, False))
                raise
            with self._lock:
                self.performed.append((uid_of(instance_id), action, True))
            return result

        store.action = recorded  # type: ignore[method-assign]  # the store's own method, wrapped to record

    def start_faults(self) -> None:
        f = self.emu.faults
        f.fail_rate, f.drop_rate, f.garbage_rate = 0.10, 0.07, 0.07
        f.latency_spike_ms, f.latency_spike_rate = SPIKE_MS, 0.05
        f.retry_after_s = 1

    async def quiesce(self) -> None:
        """Wait until the emulator has answered every request the client sent (timed-out ones too)."""
        deadline = time.monotonic() + 5
        while len(self.emu.requests) < len(self.calls) and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        assert len(self.emu.requests) == len(self.calls), (len(self.emu.requests), len(self.calls))

    # --- checks ------------------------------------------------------------------------------
    def check_calls(self, calls: list[ApiCall]) -> None:
        for call in calls:
            if call.ok:
                continue
            explained = explain_call(call)
            if not explained or explained.startswith(UNKNOWN.meaning):
                self.tally.unexplained.append(
                    f"call {call.method} {call.path} {call.status} {call.error_code}"
                )
            if call.status is None and not call.message:
                self.tally.unexplained.append(f"call without status or message: {call}")

    def check_refresh(
        self, before: dict[str, Any], last_ok: dict[str, float | None], result: RefreshResult
    ) -> None:
        self.tally.refreshes += 1
        keys = {r.key for r in result.rows}
        for status in result.profiles:
            if status.ok:
                continue
            self.tally.failed_refreshes += 1
            if status.error is None or not status.error.meaning:
                self.tally.unexplained.append(f"refresh of {status.name}: {status.error!r}")
            old = {k for k, r in before.items() if r.profile == status.name}
            if not old <= keys or status.count != len(old) or status.last_ok_at != last_ok.get(status.name):
                self.tally.not_stale.append(f"{status.name}: rows or last-ok lost on a failed refresh")

    def check_logged(self, result: RefreshResult, calls: list[ApiCall]) -> None:
        """A failed refresh left a failed call record of that profile's list (in the log)."""
        for status in result.profiles:
            if status.ok:
                continue
            marker = "/notebooks" if status.name == "nb" else "/demanager/"
            if not any(not c.ok for c in calls if marker in c.path):
                self.tally.unlogged.append(f"{status.name}: {status.error!r} with no failed call record")

    def check_outcomes(
        self,
        intended: list[tuple[str, str]],
        outcomes: list[ActionOutcome],
        performed: list[tuple[str, str, bool]],
    ) -> None:
        by_key = {o.key: o for o in outcomes}
        for key, verb in intended:
            self.tally.actions += 1
            uid = uid_of(key.split("/", 1)[1])
            handled = [p for p in performed if p[0] == uid and p[1] == verb]
            if len(handled) > 1:
                self.tally.duplicated.append(f"{verb} {key}: the handler ran {len(handled)} times")
            outcome = by_key.get(key)
            if outcome is None or outcome.skipped:
                self.tally.actions_refused += 1
                continue
            if outcome.ok:
                self.tally.actions_ok += 1
                rec = self.emu.store.get(uid)
                if rec is None or phase_of(rec.status) not in TARGETS[verb]:
                    self.tally.lost.append(f"{verb} {key}: reported done, instance is {rec and rec.status}")
                continue
            self.tally.actions_failed += 1
            error = outcome.error
            if error is None or not error.meaning or error.meaning not in describe_error(error):
                self.tally.unexplained.append(f"{verb} {key}: {outcome.message}")

    def converged(self, rows: Any) -> list[str]:
        """Rows whose status differs from the emulator's, as ``key: ours != true``."""
        wrong = []
        for row in rows.values():
            rec = self.emu.store.get(row.instance.id)
            truth = None if rec is None else (nb_status if row.profile == "nb" else v1_status)(rec.status)
            if row.gone or row.instance.status != truth:
                wrong.append(f"{row.key}: {row.instance.status} != {truth}")
        return wrong


def _pick(rng: random.Random, svc: InstanceService, verb: str, taken: set[str], most: int) -> list[str]:
    """Up to ``most`` rows the action may go to, one per instance (both profiles list every instance)."""
    wanted = Phase.STOPPED if verb == "start" else Phase.RUNNING
    by_uid: dict[str, str] = {}
    for k, r in sorted(svc.rows.items()):
        uid = uid_of(r.instance.id)
        if r.instance.phase is wanted and svc.refusal(k, verb) is None and uid not in taken:
            by_uid.setdefault(uid, k)
    chosen = rng.sample(sorted(by_uid.values()), min(most, len(by_uid)))
    taken.update(uid_of(k.split("/", 1)[1]) for k in chosen)
    return chosen


# --- the bulk: the service under chaos -----------------------------------------------------------
async def test_service_survives_chaos_and_converges(emulator: Emulator, clock: ManualClock) -> None:
    calls: list[ApiCall] = []
    waits: list[float] = []

    async def quick_sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(min(seconds, 0.02))  # the wait is recorded; the test need not sit it out

    rig = Rig(emulator, calls)
    rng = random.Random(20240615)
    svc = InstanceService(
        profiles(emulator), on_call=calls.append, clock=clock, timeout=TIMEOUT_S, sleep=quick_sleep
    )
    try:
        await svc.refresh()
        rig.start_faults()
        for _ in range(SERVICE_STEPS):
            if rng.random() < 0.15:
                emulator.faults.throttle_next = rng.randint(1, 3)
            first_call, first_performed = len(calls), len(rig.performed)
            before = dict(svc.rows)
            last_ok = {s.name: s.last_ok_at for s in svc.statuses}
            try:
                result = await svc.refresh()
                rig.check_refresh(before, last_ok, result)
                rig.check_logged(result, calls[first_call:])
                intended: list[tuple[str, str]] = []
                outcomes: list[ActionOutcome] = []
                if rng.random() < 0.5:
                    taken: set[str] = set()
                    for verb in ("start", "stop"):
                        keys = _pick(rng, svc, verb, taken, rng.randint(0, 2))
                        intended += [(k, verb) for k in keys]
                        outcomes += await (svc.start(keys) if verb == "start" else svc.stop(keys))
            except Exception as exc:  # the service promises never to raise
                rig.tally.crashes.append(f"{type(exc).__name__}: {exc}")
                continue
            await rig.quiesce()
            rig.check_calls(calls[first_call:])
            rig.check_outcomes(intended, outcomes, rig.performed[first_performed:])
            clock.advance(rng.uniform(0.5, 2.5))

        emulator.faults.clear()
        for attempt in range(1, 6):
            clock.advance(4)  # past every transition
            result = await svc.refresh()
            if all(s.ok for s in result.profiles) and not rig.converged(svc.rows):
                rig.tally.converged_after = attempt
                break
        wrong = rig.converged(svc.rows)
    finally:
        await svc.aclose()
    rig.tally.retry_after_waits = sum(1 for w in waits if w == 1.0)
    summary = rig.tally.line("service", len(emulator.requests))
    SUMMARIES.append(summary)
    print("\n" + summary)
    t = rig.tally
    assert not t.crashes, f"{summary}\n{t.crashes}"
    assert not t.duplicated and not t.lost, f"{summary}\n{t.duplicated}\n{t.lost}"
    assert not t.unexplained and not t.unlogged, f"{summary}\n{t.unexplained[:5]}\n{t.unlogged[:5]}"
    assert not t.not_stale, f"{summary}\n{t.not_stale}"
    assert not wrong and t.converged_after is not None and t.converged_after <= 3, f"{summary}\n{wrong}"
    for kind in ("5xx", "429", "dropped", "garbage", "spike"):
        assert t.faults[kind] > 0, f"no {kind} fault was injected: {summary}"
    assert t.failed_refreshes and t.actions_ok and t.actions_failed, summary
    assert t.retry_after_waits > 0, f"Retry-After was not honoured: {summary}"
    assert any(c.status is None and f"within {TIMEOUT_S:g}s" in (c.message or "") for c in calls), (
        "no timeout was seen"
    )


# --- the app under chaos, through Pilot ----------------------------------------------------------
async def test_app_survives_chaos_and_shows_the_truth(
    emulator: Emulator, clock: ManualClock, tmp_path: Path
) -> None:
    calls: list[ApiCall] = []
    rig = Rig(emulator, calls)
    rng = random.Random(7)
    worker_errors: list[str] = []
    holder: dict[str, Any] = {}

    def on_call(call: ApiCall) -> None:
        calls.append(call)
        holder["app"].record_call(call)

    waits: list[float] = []

    async def quick_sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(min(seconds, 0.02))

    svc = InstanceService(
        profiles(emulator), on_call=on_call, clock=clock, timeout=TIMEOUT_S, sleep=quick_sleep
    )
    config = Config(
        profiles=tuple(profiles(emulator)),
        ui=UiSettings(poll_interval_s=3600, fast_poll_interval_s=3600, theme="textual-dark"),
    )
    app = make_app(config, tmp_path / "config.toml", service=svc, clock=clock, log_dir=tmp_path / "logs")
    holder["app"] = app

    finished: dict[int, ActionOutcome] = {}

    def hook(message: Any) -> None:
        if isinstance(message, Worker.StateChanged) and message.state is WorkerState.ERROR:
            worker_errors.append(f"{message.worker.name}: {message.worker.error!r}")
        if isinstance(message, ActionsFinished):
            for outcome in message.outcomes:
                finished.setdefault(id(outcome), outcome)

    async def settle(pilot: Any) -> None:
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        await rig.quiesce()

    try:
        async with app.run_test(size=(140, 40), message_hook=hook) as pilot:
            await settle(pilot)
            table = app.main_screen.query_one(InstanceTable)
            rig.start_faults()
            for cycle in range(PILOT_CYCLES):
                if cycle % 4 == 1:
                    emulator.faults.throttle_next = 2
                first_call, first_performed, first_outcome = len(calls), len(rig.performed), len(finished)
                before = dict(svc.rows)
                last_ok = {s.name: s.last_ok_at for s in svc.statuses}
                await pilot.press("r")
                await settle(pilot)
                rig.tally.refreshes += 1
                rig.tally.failed_refreshes += sum(1 for s in svc.statuses if not s.ok)
                for status in svc.statuses:
                    if not status.ok:
                        old = {k for k, r in before.items() if r.profile == status.name}
                        if not old <= set(svc.rows) or status.last_ok_at != last_ok.get(status.name):
                            rig.tally.not_stale.append(status.name)
                intended: list[tuple[str, str]] = []
                taken: set[str] = set()
                starts = _pick(rng, svc, "start", taken, 1)
                if starts:  # the key, as a user does: cursor on the row, then s
                    table.move_cursor(row=table.get_row_index(starts[0]), animate=False)
                    await pilot.press("s")
                    intended.append((starts[0], "start"))
                stops = _pick(rng, svc, "stop", taken, 1)
                if stops:  # past the confirmation dialog: the message it posts
                    app.main_screen.post_message(ActionRequested("stop", stops))
                    intended.append((stops[0], "stop"))
                await settle(pilot)
                rig.check_calls(calls[first_call:])
                outcomes = list(finished.values())[first_outcome:]
                rig.check_outcomes(intended, outcomes, rig.performed[first_performed:])
                clock.advance(rng.uniform(0.5, 2.0))
                assert app.is_running, "the app stopped under chaos"

            # A refresh that fails for both profiles after 90 s: their rows stay, marked stale.
            emulator.faults.clear()
            clock.advance(90)
            emulator.faults.fail_next = 8
            await pilot.press("r")
            await settle(pilot)
            stale_cells = [table.get_cell(k, "status").plain for k in svc.rows]
            emulator.faults.clear()
            panel = "\n".join(strip.text for strip in app.main_screen.query_one(LogPanel).lines)

            for attempt in range(1, 6):
                clock.advance(4)
                await pilot.press("r")
                await settle(pilot)
                if all(s.ok for s in svc.statuses) and not rig.converged(svc.rows):
                    rig.tally.converged_after = attempt
                    break
            wrong = rig.converged(svc.rows)
            shown = table.rows_by_key()
            mismatched = [k for k, r in svc.rows.items() if shown[k].instance.status != r.instance.status]
            assert app.is_running
    finally:
        await svc.aclose()
    rig.tally.retry_after_waits = sum(1 for w in waits if w == 1.0)
    summary = rig.tally.line("app", len(emulator.requests))
    SUMMARIES.append(summary)
    print("\n" + summary)
    t = rig.tally
    assert not worker_errors, f"{summary}\n{worker_errors}"
    assert not t.duplicated and not t.not_stale and not t.unexplained, f"{summary}\n{t}"
    # "~1m": the row's data is a minute old; a long status may be cut to fit ("…").
    assert stale_cells and all("~1m" in c or c.endswith("…") for c in stale_cells), (
        f"{summary}\n{stale_cells}"
    )
    assert sum("~1m" in c for c in stale_cells) * 2 >= len(stale_cells), f"{summary}\n{stale_cells}"
    assert "✗" in panel and "APIGW.0308" in panel and "throttling threshold" in panel, summary
    assert not wrong and not mismatched and t.converged_after is not None, f"{summary}\n{wrong}\n{mismatched}"
    assert not t.lost and not t.crashes, f"{summary}\n{t.lost}"
    assert sum(t.faults.values()) > 0 and t.actions > 0 and t.actions_ok > 0, summary
