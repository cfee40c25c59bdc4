"""The instance store and its lifecycle state machine, evaluated lazily on an injectable clock.

State is a function of time: a transitional status records when it ends, and every read first
"settles" the record up to the clock's now (STARTING -> RUNNING at ``since + transition``, a
RUNNING instance whose auto-stop time passed -> STOPPING at exactly that time -> STOPPED ...).
No background thread is needed, and a ``ManualClock`` makes every step deterministic.

Ids: one UUID per instance. The v1 family shows it as ``DE-<uuid>``; the notebooks family as the
bare ``<uuid>``. The store accepts either form everywhere.
"""

from __future__ import annotations

import copy
import random
import threading
import uuid
from collections.abc import Callable
from typing import TypeVar

from tui.core.models import FAMILY_NOTEBOOKS, FAMILY_V1
from tui.emulator.catalog import FLAVORS, default_profile
from tui.emulator.clock import Clock
from tui.emulator.record import (
    FAILURES,
    KNOWN_STATUSES,
    TRANSITIONAL,
    V1_PREFIX,
    Conflict,
    InstanceRecord,
    NotFound,
    check_action,
    nb_status,
    uid_of,
    v1_status,
)

T = TypeVar("T")

__all__ = [
    "KNOWN_STATUSES",
    "TRANSITIONAL",
    "V1_PREFIX",
    "Conflict",
    "InstanceRecord",
    "InstanceStore",
    "NotFound",
    "check_action",
    "flavor_known",
    "nb_status",
    "uid_of",
    "v1_status",
]


class InstanceStore:
    """Thread-safe instances keyed by UUID; every read settles state up to the clock's now."""

    def __init__(self, clock: Clock, transition_seconds: float, rng: random.Random | None = None) -> None:
        self.clock = clock
        self.transition_seconds = transition_seconds
        self.rng = rng or random.Random(0)
        self._lock = threading.RLock()
        self._records: dict[str, InstanceRecord] = {}

    # --- lifecycle -------------------------------------------------------------------------------
    def enter_status(self, rec: InstanceRecord, status: str, at: float) -> None:
        """Put ``rec`` in ``status`` as of ``at`` (starts the lease on RUNNING); caller holds the lock."""
        rec.status = status
        rec.since = at
        rec.updated = max(rec.updated, at)
        rec.ends_at = at + self.transition_seconds if status in TRANSITIONAL else None
        if status == "RUNNING":
            planned = rec.next_lease_s
            if planned is None:
                planned = rec.auto_stop_duration_s if rec.auto_stop_enable else 0
            rec.next_lease_s = None
            rec.lease_start = at
            rec.lease_updated = at
            rec.lease_enable = planned > 0
            rec.lease_duration_s = planned if planned > 0 else rec.auto_stop_duration_s
            rec.error_code = rec.error_message = ""
            rec.pending_failure = None
            rec.runs += 1
        elif status in FAILURES:
            rec.error_code, rec.error_message = rec.pending_failure or FAILURES[status]
            rec.pending_failure = None

    def snapshotting(self, rec: InstanceRecord, now: float) -> None:
        """A RUNNING ``rec`` saves an image for one transition, its run (lease, SSH port) untouched."""
        rec.status, rec.since, rec.updated = "SNAPSHOTTING", now, max(rec.updated, now)
        rec.ends_at = now + self.transition_seconds

    def _settle(self, rec: InstanceRecord, now: float) -> None:
        for _ in range(16):
            if rec.ends_at is not None and now >= rec.ends_at:
                at = rec.ends_at
                failing = rec.pending_failure is not None
                if rec.status in ("STARTING", "RESTARTING"):
                    self.enter_status(rec, "START_FAILED" if rec.fail_start or failing else "RUNNING", at)
                elif rec.status in ("CREATING", "INIT"):
                    self.enter_status(rec, "CREATE_FAILED" if rec.fail_create or failing else "RUNNING", at)
                elif rec.status == "STOPPING":
                    self.enter_status(rec, "STOPPED", at)
                elif rec.status == "SNAPSHOTTING":
                    rec.status, rec.since, rec.ends_at = "RUNNING", at, None  # the same run goes on
                else:  # DELETING
                    self.enter_status(rec, "DELETED", at)
                continue
            stop_at = rec.stop_at
            if stop_at is not None and now >= stop_at:
                self.enter_status(rec, "STOPPING", stop_at)
                continue
            return

    def _find(self, instance_id: str, now: float) -> InstanceRecord:
        rec = self._records.get(uid_of(instance_id))
        if rec is None:
            raise NotFound(instance_id)
        self._settle(rec, now)
        if rec.gone_at is not None and now >= rec.gone_at:
            del self._records[rec.uid]
            raise NotFound(instance_id)
        return rec

    # --- reads -----------------------------------------------------------------------------------
    def get(self, instance_id: str) -> InstanceRecord | None:
        """A copy of the instance (either id form) as of now, or None."""
        with self._lock:
            try:
                return copy.copy(self._find(instance_id, self.clock()))
            except NotFound:
                return None

    def all(self) -> list[InstanceRecord]:
        """Copies of the account user's instances as of now, in insertion order."""
        return self.snapshot(self.clock())

    def snapshot(self, now: float, everyone: bool = False) -> list[InstanceRecord]:
        """Copies of the user's instances (``everyone``: other users' too) settled up to ``now``."""
        with self._lock:
            return [copy.copy(rec) for rec in self._live(now, everyone)]

    def _live(self, now: float, everyone: bool) -> list[InstanceRecord]:
        """The live records ``snapshot`` lists, settled (the gone ones dropped); caller holds the lock."""
        live = []
        for rec in list(self._records.values()):
            self._settle(rec, now)
            if rec.gone_at is not None and now >= rec.gone_at:
                del self._records[rec.uid]
            elif everyone or not rec.owner:
                live.append(rec)
        return live

    def select(
        self,
        now: float,
        pick: Callable[[list[InstanceRecord]], tuple[list[InstanceRecord], int]],
        show: Callable[[InstanceRecord], T],
        everyone: bool = False,
    ) -> tuple[list[T], int]:
        """``pick`` (a filter, a sort and one page of them, and a count) run on the live records
        as ``snapshot`` would list them, and ``show`` (the answer's view) of each picked one, all
        under the lock: no record is copied (copying was most of a page's cost: a page of 50 out of
        1,000 copied all 1,000)."""
        with self._lock:
            picked, count = pick(self._live(now, everyone))
            return [show(rec) for rec in picked], count

    def __len__(self) -> int:
        return sum(1 for rec in self._records.values() if not rec.owner)

    def __contains__(self, instance_id: object) -> bool:
        return isinstance(instance_id, str) and uid_of(instance_id) in self._records

    # --- test and seed helpers ---------------------------------------------------------------------
    def new_uid(self) -> str:
        """A UUID from the store's seeded generator (same seed, same ids)."""
        with self._lock:
            return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def insert(self, rec: InstanceRecord) -> None:
        """Put a fully built record in (the seed uses this)."""
        with self._lock:
            self._records[rec.uid] = rec

    def add(
        self,
        name: str,
        status: str = "STOPPED",
        family: str = FAMILY_V1,
        flavor: str = "modelarts.vm.cpu.2u",
        *,
        description: str = "",
        profile_id: str | None = None,
        auto_stop_s: int | None = None,
        remain_s: float | None = None,
        fail_start: bool = False,
        created: float | None = None,
        storage: tuple[str, str, int] = ("evs", "/home/ma-user/work", 5),
    ) -> str:
        """Add an instance and return its id in ``family``'s form (``DE-<uuid>`` or ``<uuid>``).

        ``auto_stop_s`` enables auto-stop with that duration; for a RUNNING instance
        ``remain_s`` sets how many seconds are left of it. ``storage`` is (type, path, size GB).
        """
        if status not in KNOWN_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        if family not in (FAMILY_V1, FAMILY_NOTEBOOKS):
            raise ValueError(f"unknown family {family!r}")
        now = self.clock()
        with self._lock:
            rec = InstanceRecord(
                uid=self.new_uid(),
                name=name,
                flavor=flavor,
                profile_id=profile_id or default_profile(flavor),
                family=family,
                created=now if created is None else created,
                updated=now,
                status="STOPPED",
                since=now,
                description=description,
                auto_stop_enable=auto_stop_s is not None,
                auto_stop_duration_s=auto_stop_s or 3600,
                fail_start=fail_start,
                storage_type=storage[0],
                storage_path=storage[1],
                volume_size=storage[2],
                token=self.rng.getrandbits(128).to_bytes(16, "big").hex(),
            )
            self.enter_status(rec, status, now)
            if status == "RUNNING" and remain_s is not None and rec.lease_enable:
                rec.lease_start = now - (rec.lease_duration_s - remain_s)
            self._records[rec.uid] = rec
            return rec.id

    def remove(self, instance_id: str) -> bool:
        """Delete an instance outright; False when it did not exist."""
        with self._lock:
            return self._records.pop(uid_of(instance_id), None) is not None

    def set_status(self, instance_id: str, status: str) -> None:
        """Put an instance in ``status`` now (a transitional one completes after the transition time)."""
        if status not in KNOWN_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self._lock:
            now = self.clock()
            rec = self._find(instance_id, now)
            self.enter_status(rec, status, now)

    def set_fail_start(self, instance_id: str, fail: bool = True) -> None:
        """Make every start of this instance end in START_FAILED (or stop doing so)."""
        self.mutate(instance_id, lambda rec, now: setattr(rec, "fail_start", fail))

    def read(self, instance_id: str, now: float) -> InstanceRecord:
        """A copy of the instance settled up to ``now``; raises NotFound."""
        with self._lock:
            return copy.copy(self._find(instance_id, now))

    def mutate(
        self, instance_id: str, change: Callable[[InstanceRecord, float], object], now: float | None = None
    ) -> InstanceRecord:
        """Run ``change(record, now)`` on the settled live record under the lock; return a copy."""
        with self._lock:
            now = self.clock() if now is None else now
            rec = self._find(instance_id, now)
            change(rec, now)
            return copy.copy(rec)

    # --- operations the routes perform (raise NotFound / Conflict) ---------------------------------
    def action(
        self,
        instance_id: str,
        action: str,
        now: float,
        lease_s: float | None = None,
        failure: tuple[str, str] | None = None,
    ) -> tuple[str, str]:
        """start / stop / restart: returns (previous status, new status) in stored names.

        ``failure`` (code, message) makes this start end in START_FAILED with that reason.
        """
        with self._lock:
            rec = self._find(instance_id, now)
            check_action(rec.status, action)
            previous = rec.status
            if action == "start":
                rec.next_lease_s = lease_s
                rec.pending_failure = failure
                self.enter_status(rec, "STARTING", now)
            elif action == "stop":
                self.enter_status(rec, "STOPPING", now)
            else:
                self.enter_status(rec, "RESTARTING", now)
            return previous, rec.status

    def delete(self, instance_id: str, now: float) -> InstanceRecord:
        """Remove an instance the state allows to delete; returns its last copy."""
        with self._lock:
            rec = self._find(instance_id, now)
            check_action(rec.status, "delete")
            del self._records[rec.uid]
            return copy.copy(rec)

    def renew_lease(self, instance_id: str, now: float, duration_s: float) -> InstanceRecord:
        """Restart the running lease from now with ``duration_s``."""
        with self._lock:
            rec = self._find(instance_id, now)
            check_action(rec.status, "lease")
            rec.lease_enable = True
            rec.lease_start = now
            rec.lease_duration_s = duration_s
            rec.lease_updated = now
            rec.updated = now
            return copy.copy(rec)

    def name_taken(self, name: str) -> bool:
        """True when an instance already has this name."""
        with self._lock:
            return any(rec.name == name and not rec.owner for rec in self._records.values())


def flavor_known(flavor: str) -> bool:
    """True for a flavor the emulator offers."""
    return flavor in FLAVORS
