"""What the service hands the UI and the CLI: rows, refresh results, action outcomes."""

from __future__ import annotations

from dataclasses import dataclass

from tui.core.errors import ModelArtsError
from tui.core.models import Instance


def row_key(profile: str, instance_id: str) -> str:
    """The stable key of one instance of one profile: ``profile/instance_id``."""
    return f"{profile}/{instance_id}"


@dataclass(frozen=True, slots=True)
class Row:
    """One instance of one profile as the table shows it."""

    key: str
    profile: str
    instance: Instance
    alias: str = ""
    gone: bool = False
    fetched_at: float | None = None
    pending: str | None = None
    read_only: bool = False
    unknown: str | None = None
    """The action whose answer was lost, with no read since to tell whether it happened (the
    next listing or read of the row settles it)."""

    @property
    def display_name(self) -> str:
        """The alias when the profile gives one, else the instance's name."""
        return self.alias or self.instance.name

    def same_as(self, old: Row | None) -> bool:
        """Equal to ``old`` but for ``fetched_at``: a poll that read the row again brought no news."""
        return (
            old is not None
            and (old.instance is self.instance or old.instance == self.instance)
            and old.alias == self.alias
            and old.gone == self.gone
            and old.pending == self.pending
            and old.read_only == self.read_only
            and old.unknown == self.unknown
        )


@dataclass(frozen=True, slots=True)
class ProfileStatus:
    """How the last refresh of one profile went."""

    name: str
    ok: bool
    error: ModelArtsError | None = None
    last_ok_at: float | None = None
    count: int = 0
    skew_s: float | None = None
    warning: str | None = None
    """Something to show for as long as it holds, even while ``ok``: the local clock more than
    5 minutes off the server's, TLS checks turned off, a plain-http endpoint, and ``notes``
    ("; "-joined)."""
    notes: tuple[str, ...] = ()
    """What the last listing said about itself: cut at the page limit, an id listed twice."""


@dataclass(frozen=True, slots=True)
class RefreshResult:
    """The snapshot after one refresh, and what changed in it."""

    rows: tuple[Row, ...]
    changed: frozenset[str]
    added: frozenset[str]
    removed: frozenset[str]
    profiles: tuple[ProfileStatus, ...]
    at: float
    settled: tuple[str, ...] = ()
    """Actions whose outcome was unknown and this refresh settled, one line each (the truth)."""


@dataclass(frozen=True, slots=True)
class ProfileRefresh:
    """One profile's refresh, handed over the moment it is done: its status and changed keys."""

    name: str
    status: ProfileStatus
    changed: frozenset[str]
    added: frozenset[str]
    removed: frozenset[str]
    at: float
    settled: tuple[str, ...] = ()
    """Its actions whose outcome was unknown and this listing settled, one line each."""


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    """The result of one action on one row; ``skipped`` means refused locally, nothing sent."""

    key: str
    action: str
    ok: bool
    message: str
    error: ModelArtsError | None = None
    skipped: bool = False


@dataclass(frozen=True, slots=True)
class Claim:
    """Keys reserved for one action (refused ones already answered): see ``InstanceService.claim``.

    From ``claim`` until the action's method (or ``release``) is done, ``keys`` are in flight: a
    second press is refused at once with the one "already in flight" text.
    """

    action: str
    keys: tuple[str, ...]
    refused: tuple[ActionOutcome, ...] = ()
