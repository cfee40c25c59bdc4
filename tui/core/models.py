"""Plain values shared by every layer: instances, states, call records, action outcomes.

Frozen dataclasses, no behaviour beyond derived properties; nothing here does I/O.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

FAMILY_V1 = "devenv-v1"
FAMILY_NOTEBOOKS = "notebooks"
MAX_EPOCH_MS = 253_402_300_799_999
"""9999-12-31T23:59:59.999Z: the last instant a ``datetime`` can show; parsed times never exceed it."""


class Phase(enum.Enum):
    """One set of display states onto which both API families' status names map."""

    RUNNING = "running"
    STOPPED = "stopped"
    STARTING = "starting"
    STOPPING = "stopping"
    CREATING = "creating"
    DELETING = "deleting"
    QUEUED = "queued"
    FAILED = "failed"
    DELETED = "deleted"
    UNKNOWN = "unknown"

    @property
    def transitional(self) -> bool:
        """True while the instance is moving between stable states (poll fast)."""
        return self in _TRANSITIONAL


_TRANSITIONAL = {Phase.STARTING, Phase.STOPPING, Phase.CREATING, Phase.DELETING, Phase.QUEUED}

_PHASES: dict[str, Phase] = {
    "RUNNING": Phase.RUNNING,
    "STOPPED": Phase.STOPPED,
    "STARTING": Phase.STARTING,
    "RESTARTING": Phase.STARTING,
    "READY_TO_START": Phase.QUEUED,
    "START_QUEUING": Phase.QUEUED,
    "CREATE_QUEUING": Phase.QUEUED,
    "STOPPING": Phase.STOPPING,
    "CREATING": Phase.CREATING,
    "INIT": Phase.CREATING,
    "SNAPSHOTTING": Phase.STOPPING,
    "RESIZING": Phase.STARTING,
    "DELETING": Phase.DELETING,
    "DELETED": Phase.DELETED,
    "CREATE_FAILED": Phase.FAILED,
    "START_FAILED": Phase.FAILED,
    "RESIZE_FAILED": Phase.FAILED,
    "DELETE_FAILED": Phase.FAILED,
    "UNAVAILABLE": Phase.FAILED,
    "ERROR": Phase.FAILED,
    "FROZEN": Phase.FAILED,
}


def phase_of(status: str) -> Phase:
    """The display phase of a raw status name from either family."""
    found = _PHASES.get(status)  # as the server writes them: no upper() per row and poll
    return found if found is not None else _PHASES.get(status.upper(), Phase.UNKNOWN)


@dataclass(frozen=True, slots=True)
class AutoStop:
    """When a running instance stops by itself.

    ``stop_at_ms`` is the planned stop (v1 ``spec.auto_stop.stop_timestamp``, or the notebooks
    lease ``create_at + duration``); ``duration_s`` is the configured length.
    """

    enabled: bool = False
    duration_s: int | None = None
    stop_at_ms: int | None = None
    # The server's remain_time shrinks on every answer; the plan (stop_at_ms) is what matters, so a
    # poll that only saw it shrink must not count as a change (no repaint, no log line).
    remain_s: int | None = field(default=None, compare=False)
    lease_type: str | None = None
    lease_created_ms: int | None = None

    def remaining_s(self, now_ms: int) -> int | None:
        """Seconds left at ``now_ms`` (never negative), or None when no stop is planned."""
        if not self.enabled or self.stop_at_ms is None:
            return None
        return max(0, (self.stop_at_ms - now_ms) // 1000)


SSH_USER = "ma-user"
"""The user of every notebook's SSH endpoint (home ``/home/ma-user``)."""
SSH_SERVICE = "SSH"
NOTEBOOK_SERVICE = "NOTEBOOK"


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One item of a notebook's ``endpoints``: its SSH service or its JupyterLab (``NOTEBOOK``) one.

    ``host`` and ``port`` are what ``uri`` names; ``problem`` says why they are empty when ``uri``
    could not be read as an address (the raw ``uri`` is kept for display, control chars removed).
    """

    service: str
    uri: str = ""
    host: str = ""
    port: int | None = None
    user: str = ""
    key_pair_names: tuple[str, ...] = ()
    allowed_ips: tuple[str, ...] = ()
    problem: str = ""

    @property
    def address(self) -> str:
        """``host:port`` (``[v6]:port``) for display; empty when the uri could not be read."""
        if not self.host:
            return ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}" if self.port is not None else host


@dataclass(frozen=True, slots=True)
class Instance:
    """One notebook instance as the service reported it."""

    id: str
    name: str
    status: str
    description: str = ""
    flavor: str = ""
    flavor_type: str = ""
    image: str = ""
    created_ms: int | None = None
    updated_ms: int | None = None
    auto_stop: AutoStop | None = None
    url: str = ""
    family: str = FAMILY_V1
    endpoints: tuple[Endpoint, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    """(key, value) pairs, sorted by key (notebooks family)."""
    owner: str = ""
    """The IAM user who owns it, as the admin list (``/notebooks/all``) names them."""
    progress: str = ""
    """How far a create or start has got (``action_progress``): ``2/4 Pulling the image``."""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def phase(self) -> Phase:
        """The display phase of ``status``."""
        return phase_of(self.status)

    @property
    def ssh(self) -> Endpoint | None:
        """The first SSH endpoint, or None (v1 instances never have one)."""
        return next((e for e in self.endpoints if e.service == SSH_SERVICE), None)


@dataclass(frozen=True, slots=True)
class InstancePage:
    """One list answer: the instances and the service's count of all matches."""

    instances: tuple[Instance, ...]
    total: int


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What a start or stop call answered (``current_status``/``previous_state``)."""

    instance_id: str
    action: str
    current_status: str
    previous_state: str


@dataclass(frozen=True, slots=True)
class Lease:
    """The notebooks family's auto-stop lease."""

    create_at_ms: int | None
    duration_ms: int | None
    enabled: bool
    type: str
    update_at_ms: int | None = None

    @property
    def stop_at_ms(self) -> int | None:
        """Epoch ms at which the instance stops: ``create_at + duration``."""
        if self.create_at_ms is None or self.duration_ms is None:
            return None
        stop = self.create_at_ms + self.duration_ms
        return stop if 0 < stop <= MAX_EPOCH_MS else None


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One HTTP request and what came of it, with every secret already removed."""

    at: float
    method: str
    path: str
    status: int | None
    latency_ms: float
    error_code: str | None = None
    request_id: str | None = None
    message: str | None = None
    host: str = ""
    attempt: int = 1
    server_date: str | None = None
    unreadable: bool = False
    """True when a 1xx-3xx answer's body was not the API's JSON (a login page, a cut-off body,
    a redirect): the HTTP exchange worked, the call did not; ``message`` says what came."""

    @property
    def ok(self) -> bool:
        """True for a 1xx-3xx answer with a readable body."""
        return self.status is not None and self.status < 400 and not self.unreadable
