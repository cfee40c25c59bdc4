"""One instance as the emulator holds it, the status names of each family, and the action rules.

State changes live in ``state.InstanceStore``; this module is the data and the pure rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tui.api.constants import NB_STATUSES, V1_STATUSES
from tui.core.models import FAMILY_NOTEBOOKS

V1_PREFIX = "DE-"
TRANSITIONAL = frozenset(
    {"STARTING", "RESTARTING", "STOPPING", "CREATING", "INIT", "SNAPSHOTTING", "DELETING"}
)
KNOWN_STATUSES = (
    frozenset(V1_STATUSES) | frozenset(NB_STATUSES) | {"DELETING", "CREATE_QUEUING", "START_QUEUING"}
)
_TO_NB = {
    "RESTARTING": "STARTING",
    "START_QUEUING": "STARTING",
    "CREATE_QUEUING": "CREATING",
    "UNAVAILABLE": "ERROR",
    "RESIZING": "STARTING",
    "RESIZE_FAILED": "ERROR",
}
_TO_V1 = {"INIT": "CREATING", "ERROR": "UNAVAILABLE", "DELETE_FAILED": "UNAVAILABLE", "FROZEN": "UNAVAILABLE"}
FAILURES = {
    "START_FAILED": (
        "ModelArts.6332",
        "Failed to start the notebook: no resources available for the flavor.",
    ),
    "CREATE_FAILED": ("ModelArts.6200", "Failed to create the notebook: no resources available."),
}


def v1_status(status: str) -> str:
    """A stored status as the v1 family names it."""
    return _TO_V1.get(status, status)


def nb_status(status: str) -> str:
    """A stored status as the notebooks family names it."""
    return _TO_NB.get(status, status)


class NotFound(LookupError):
    """No instance with this id."""


class Conflict(Exception):
    """The instance's state does not allow the operation; ``code`` is the ModelArts code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


_BUSY_MESSAGE = (
    "The operation is not allowed because another operation is being performed on the instance "
    "or the instance is in the target state."
)


def check_action(status: str, action: str) -> None:
    """Raise the section-0 Conflict when ``action`` is not allowed in ``status``."""
    if status in ("STARTING", "RESTARTING"):
        raise Conflict("ModelArts.6306", "The instance is starting.")
    if status == "STOPPING":
        raise Conflict("ModelArts.6308", "The instance is stopping.")
    if action == "start":
        if status == "RUNNING":
            raise Conflict("ModelArts.6305", "The instance is already running.")
        if status not in ("STOPPED", "START_FAILED"):
            raise Conflict("ModelArts.6357", _BUSY_MESSAGE)
    elif action == "stop":
        if status == "STOPPED":
            raise Conflict("ModelArts.6307", "The instance has already been stopped.")
        if status != "RUNNING":
            raise Conflict("ModelArts.6357", _BUSY_MESSAGE)
    elif action == "restart":
        if status != "RUNNING":
            raise Conflict("ModelArts.6357", _BUSY_MESSAGE)
    elif action == "delete":
        if status == "RUNNING":
            raise Conflict("ModelArts.6304", "Please stop the instance before deleting.")
        if status in TRANSITIONAL:
            raise Conflict("ModelArts.6357", _BUSY_MESSAGE)
    elif action == "lease" and status != "RUNNING":
        raise Conflict(
            "ModelArts.6327", "The instance is not in running. Please refresh the page and start it."
        )


@dataclass(slots=True)
class InstanceRecord:
    """One instance as the emulator holds it (times in epoch seconds).

    ``auto_stop_*`` is the configured auto-stop applied at every start; ``lease_*`` is the stop
    plan of the current run (``stop_at = lease_start + lease_duration_s`` while RUNNING).
    ``image_id`` is the notebooks image ("" = the profile's); ``ssh``, ``key_pair_names`` and
    ``allowed_ips`` are the SSH endpoint; ``runs`` counts entries into RUNNING (the SSH port moves
    with it); ``owner`` is another IAM user's name ("" = the account's own user); ``tags`` is
    replaced, never changed in place (copies share it); ``pending_failure`` is the (code, message)
    the current start or create ends with; ``gone_at`` is when a deleted notebook disappears.
    """

    uid: str
    name: str
    flavor: str
    profile_id: str
    family: str
    created: float
    updated: float
    status: str
    since: float
    description: str = ""
    ends_at: float | None = None
    auto_stop_enable: bool = False
    auto_stop_duration_s: int = 3600
    auto_stop_prompt: bool = True
    lease_enable: bool = False
    lease_start: float | None = None
    lease_duration_s: float = 3600.0
    lease_updated: float | None = None
    next_lease_s: float | None = None
    fail_start: bool = False
    fail_create: bool = False
    storage_type: str = "evs"
    storage_path: str = "/home/ma-user/work"
    volume_size: int = 5
    token: str = ""
    error_code: str = ""
    error_message: str = ""
    image_id: str = ""
    ssh: bool = False
    key_pair_names: tuple[str, ...] = ()
    allowed_ips: tuple[str, ...] = ()
    runs: int = 0
    owner: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    pending_failure: tuple[str, str] | None = None
    volume_resize_until: float | None = None
    gone_at: float | None = None

    @property
    def v1_id(self) -> str:
        """The id the v1 (demanager) family shows: ``DE-<uuid>``."""
        return V1_PREFIX + self.uid

    @property
    def nb_id(self) -> str:
        """The id the notebooks family shows: the bare UUID."""
        return self.uid

    @property
    def id(self) -> str:
        """The id in the family the instance was created in."""
        return self.nb_id if self.family == FAMILY_NOTEBOOKS else self.v1_id

    @property
    def stop_at(self) -> float | None:
        """When the current run stops by itself, or None (not RUNNING or no auto-stop)."""
        if self.status != "RUNNING" or not self.lease_enable or self.lease_start is None:
            return None
        return self.lease_start + self.lease_duration_s


def uid_of(instance_id: str) -> str:
    """The store key of an id in either family's form."""
    return instance_id[len(V1_PREFIX) :] if instance_id.startswith(V1_PREFIX) else instance_id
