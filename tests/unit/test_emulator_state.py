"""The emulator's store and lifecycle without sockets: exact transition times, seed determinism, scale."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui.core.models import FAMILY_NOTEBOOKS
from tui.emulator import Emulator, EmulatorConfig, ManualClock
from tui.emulator.state import Conflict, InstanceStore, check_action, nb_status, v1_status
from tui.emulator.views import nb_view, v1_view

ROOT = Path(__file__).resolve().parents[2]


def _store(clock: ManualClock, transition: float = 3.0) -> InstanceStore:
    return InstanceStore(clock, transition)


def _status(store: InstanceStore, instance_id: str) -> str:
    record = store.get(instance_id)
    assert record is not None, f"{instance_id} is not in the store"
    return record.status


def test_start_completes_exactly_after_the_transition_time() -> None:
    clock = ManualClock()
    store = _store(clock)
    instance_id = store.add("a", "STOPPED", auto_stop_s=3600)
    store.action(instance_id, "start", clock())
    clock.advance(2.999)
    assert _status(store, instance_id) == "STARTING"
    clock.advance(0.001)
    record = store.get(instance_id)
    assert record is not None and record.status == "RUNNING"
    assert record.since == record.lease_start == clock()
    assert record.stop_at == clock() + 3600


def test_auto_stop_happens_at_the_planned_time_even_when_read_much_later() -> None:
    clock = ManualClock()
    store = _store(clock)
    instance_id = store.add("a", "RUNNING", auto_stop_s=3600, remain_s=60)
    planned = clock() + 60
    clock.advance(10_000)
    record = store.get(instance_id)
    assert record is not None and record.status == "STOPPED"
    assert record.since == planned + 3.0 and record.updated == planned + 3.0


def test_creating_runs_or_fails_and_zero_transition_is_immediate() -> None:
    clock = ManualClock()
    store = _store(clock, transition=0)
    instance_id = store.add("a", "CREATING")
    assert _status(store, instance_id) == "RUNNING"
    failing = store.add("b", "STOPPED", fail_start=True)
    store.action(failing, "start", clock())
    assert _status(store, failing) == "START_FAILED"
    store.set_fail_start(failing, False)
    store.action(failing, "start", clock())
    assert _status(store, failing) == "RUNNING"


def test_ids_in_both_forms_and_family_of_the_returned_id() -> None:
    store = _store(ManualClock())
    v1 = store.add("a")
    nb = store.add("b", family=FAMILY_NOTEBOOKS)
    assert v1.startswith("DE-") and not nb.startswith("DE-")
    assert store.get(v1.removeprefix("DE-")) is not None and store.get("DE-" + nb) is not None
    assert store.remove(nb) and store.get(nb) is None and not store.remove(nb)
    with pytest.raises(ValueError):
        store.add("c", "SLEEPING")
    with pytest.raises(ValueError):
        store.set_status(v1, "SLEEPING")


def test_status_names_map_between_families() -> None:
    assert nb_status("RESTARTING") == "STARTING" and nb_status("UNAVAILABLE") == "ERROR"
    assert v1_status("INIT") == "CREATING" and v1_status("ERROR") == "UNAVAILABLE"
    assert nb_status("RUNNING") == v1_status("RUNNING") == "RUNNING"


def test_delete_rules() -> None:
    check_action("STOPPED", "delete")
    check_action("START_FAILED", "delete")
    refusals = {
        "RUNNING": "ModelArts.6304",
        "STARTING": "ModelArts.6306",
        "STOPPING": "ModelArts.6308",
        "CREATING": "ModelArts.6357",
    }
    for status, code in refusals.items():
        with pytest.raises(Conflict) as caught:
            check_action(status, "delete")
        assert caught.value.code == code, status


def _digest(seed: int, start: float = 1_750_000_000.0) -> str:
    emu = Emulator(EmulatorConfig(clock=ManualClock(start), seed=seed, instances=40))
    now = emu.clock()
    views = [(v1_view(r, now, emu.context), nb_view(r, now, emu.context)) for r in emu.store.all()]
    return hashlib.sha256(json.dumps(views, sort_keys=True).encode()).hexdigest()


def test_the_same_seed_gives_identical_data_and_another_seed_does_not() -> None:
    assert _digest(7) == _digest(7)
    assert _digest(7) != _digest(8)


def test_seeded_data_does_not_depend_on_hash_randomisation() -> None:
    code = "from tests.unit.test_emulator_state import _digest; print(_digest(7))"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert outputs == {_digest(7)}


def test_ages_are_measured_back_from_the_clock_start() -> None:
    start = 1_800_000_000.0
    emu = Emulator(EmulatorConfig(clock=ManualClock(start), instances=30))
    for record in emu.store.all():
        assert start - 121 * 86400 < record.created < start
        assert record.updated <= start + 0.001


def test_five_thousand_instances_seed_and_a_page_of_a_thousand_renders() -> None:
    """Counts only: how long seeding and rendering take is a bench figure (bench/run.py), not a test."""
    emu = Emulator(EmulatorConfig(clock=ManualClock(), instances=5000))
    records = emu.store.all()
    page = json.dumps([v1_view(r, emu.clock(), emu.context) for r in records[:1000]])
    assert len(records) == 5000 and len({r.name for r in records}) == 5000
    assert len(page) > 1_000_000
