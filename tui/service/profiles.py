"""One configured profile as the service holds it: its client, credential gate, clock skew,
last status and rows. The service keeps one ``ProfileState`` per profile name."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator, Mapping, ValuesView
from dataclasses import replace

from tui.api.client import ModelArtsClient
from tui.api.pool import HostPools
from tui.api.runtime import Runtime
from tui.api.skew import skew_warning
from tui.config.model import AUTH_AKSK, Profile
from tui.core.actions import Action, action_named, in_flight_text
from tui.core.models import ApiCall, Instance
from tui.service.clock_skew import SteadySkew, to_local_clock
from tui.service.factory import build_client
from tui.service.lockout import CredentialGate
from tui.service.models import ProfileStatus, Row, row_key
from tui.service.tls import tls_warnings


class ProfileState:
    """Everything the service knows about one profile (each may later refresh on its own)."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.gate = CredentialGate(profile)
        self.skew = SteadySkew()
        self.client: ModelArtsClient | None = None
        """Built on first use; None until then and after the profile changed."""
        self.status: ProfileStatus | None = None
        """How its last refresh went (None before any)."""
        self.rows: dict[str, Row] = {}
        """Its rows in listing order (gone ones after), keyed ``profile/instance_id``."""
        self.refreshing = False
        """True while its listing is out (a new round does not start it twice)."""
        self.secrets: tuple[str, ...] = ()
        """The secrets its client was built with, wherever they came from (a command too)."""
        self.notes: tuple[str, ...] = ()
        """What its last listing said about itself (``tui.service.refresh.listing_notes``)."""
        self.settled: list[str] = []
        """Lines for actions whose unknown outcome a read settled, until a refresh hands them on."""
        self.listings = 0
        """Listings started so far; ``unknown_after`` holds the count when a row's outcome was lost:
        only a listing started after that can settle it."""
        self.unknown_after: dict[str, int] = {}
        self.listed_at = float("-inf")
        """``time.monotonic()`` when its last listing ended (a poll leaves out the ones just done)."""
        self._building = asyncio.Lock()

    @property
    def name(self) -> str:
        return self.profile.name

    async def client_for(
        self, runtime: Runtime, on_call: Callable[[ApiCall], None], pools: HostPools | None = None
    ) -> ModelArtsClient:
        """The profile's client, built on first use (on its host's shared pool when ``pools``);
        raises ValidationError for a broken profile.

        Built in a thread: a ``*_command`` may take seconds, and the event loop (the TUI) must not wait.
        """
        async with self._building:
            if self.client is None:
                profile = self.profile
                client = await asyncio.to_thread(build_client, profile, runtime, on_call=on_call, pools=pools)
                if profile is not self.profile:  # retargeted while the command ran: not this one's
                    await client.aclose()
                    return await self._rebuilt(runtime, on_call, pools)
                self.client, self.secrets = client, client.secret_values()
            return self.client

    async def _rebuilt(
        self, runtime: Runtime, on_call: Callable[[ApiCall], None], pools: HostPools | None
    ) -> ModelArtsClient:
        client = await asyncio.to_thread(build_client, self.profile, runtime, on_call=on_call, pools=pools)
        self.client, self.secrets = client, client.secret_values()
        return client

    def retarget(self, profile: Profile) -> ModelArtsClient | None:
        """Take changed settings: new credentials get a fresh gate and client; rows and status stay.

        Returns the client to close (the old settings'), if one was built.
        """
        old, self.client = self.client, None
        self.profile, self.secrets = profile, ()
        self.gate = CredentialGate(profile)
        self.skew = SteadySkew()
        if not profile.enabled:
            self.rows = {}
        return old

    def measured_skew(self) -> float | None:
        """Server ``Date`` minus the local clock at the last answer; None before any."""
        return self.client.clock_skew_s if self.client is not None else None

    def steady_skew(self) -> float | None:
        return self.skew.follow(self.measured_skew())

    def warnings(self) -> tuple[str, ...]:
        """What to show persistently: TLS checks off, plain http, a clock off by > 5 min, and what
        the last listing said about itself (cut at the page limit, an id listed twice)."""
        found = list(tls_warnings(self.profile))
        skew = skew_warning(self.measured_skew(), signed=self.profile.auth == AUTH_AKSK)
        if skew:
            found.append(f"profile {self.name!r}: {skew}")
        return (*found, *self.notes)

    def warning(self) -> str | None:
        return "; ".join(self.warnings()) or None

    def listed_ago(self) -> float:
        """Seconds since its last listing ended (infinite before the first)."""
        return time.monotonic() - self.listed_at

    def mark_unknown(self, key: str, action: str) -> None:
        """``key``'s ``action`` was sent and its answer lost: the row says so until a read settles it."""
        row = self.rows.get(key)
        if row is not None:
            self.rows[key] = replace(row, unknown=action)
            self.unknown_after[key] = self.listings

    def settle(self, key: str, instance: Instance) -> None:
        """A fresh read of ``key``: an unknown outcome becomes the truth (in ``settled``)."""
        row = self.rows.get(key)
        if row is not None and row.unknown:
            self.settled.append(settled_text(row, instance))
            self.unknown_after.pop(key, None)
            self.rows[key] = replace(row, unknown=None)

    def merged(
        self, listed: list[Instance], now: float, pending: Mapping[str, str], seq: int | None = None
    ) -> dict[str, Row]:
        """Its rows after a list call (the ``seq``-th started): listed ones fresh, missing ones kept
        as gone; a row of unknown outcome is settled by a listing started after its answer was lost."""
        profile = self.profile
        wanted = {ref.id for ref in profile.instances}
        skew = self.steady_skew()
        rows: dict[str, Row] = {}
        for instance in listed:
            if wanted and instance.id not in wanted:
                continue
            instance = to_local_clock(instance, skew)
            key = row_key(profile.name, instance.id)
            prev = self.rows.get(key)
            unknown = prev.unknown if prev is not None else None
            if prev is not None and unknown and (seq is None or seq > self.unknown_after.get(key, 0)):
                self.settled.append(settled_text(prev, instance))
                self.unknown_after.pop(key, None)
                unknown = None
            rows[key] = Row(
                key,
                profile.name,
                instance,
                profile.alias_for(instance.id),
                gone=False,
                fetched_at=now,
                pending=pending.get(key),
                read_only=profile.read_only,
                unknown=unknown,
            )
        for key, prev in self.rows.items():
            if key not in rows:
                rows[key] = replace(prev, gone=True, pending=None)
        return rows

    def add_row(self, instance: Instance, now: float, pending: str | None) -> None:
        """A row for an instance read on its own (an action on a key not listed yet)."""
        key = row_key(self.name, instance.id)
        self.rows[key] = Row(
            key,
            self.name,
            instance,
            self.profile.alias_for(instance.id),
            fetched_at=now,
            pending=pending,
            read_only=self.profile.read_only,
        )


def settled_text(row: Row, instance: Instance) -> str:
    """The truth about ``row``'s action of unknown outcome, now that ``instance`` was read."""
    action = action_named(row.unknown or "")
    happened = instance.phase in action.on_its_way or instance.phase is action.target
    what = "happened after all" if happened else "did not happen"
    again = "" if happened else "; it may be sent again"
    return (
        f"{row.display_name}: {action.name} {what}: it is {instance.status} (its answer had been lost){again}"
    )


def refusal_for(action: Action, row: Row, state: ProfileState | None, pending: str | None) -> str | None:
    """Why ``action`` may not go to ``row`` now (``pending``: the action in flight on it), or None."""
    if state is None:
        return f"profile {row.profile!r} is no longer configured"
    if state.gate.paused is not None:
        return state.gate.paused.message
    if row.read_only and action.writes:
        return f"profile {row.profile!r} is read-only"
    if row.gone:
        return f"{row.display_name} is gone (no longer listed)"
    if pending:
        return in_flight_text(row.display_name, pending)
    if row.unknown:
        return f"{row.display_name}: the outcome of {row.unknown} is unknown (its answer was lost); refresh (r) first"
    if action.family_refusal and state.profile.api != action.family:  # no phase of it would help
        return action.family_refusal.format(name=row.display_name)
    phase = action.phase_refusal(row.display_name, row.instance.phase, row.instance.status)
    if phase:
        return phase
    if action.family is not None and state.profile.api != action.family:
        return f"{row.display_name}: {action.name} needs the {action.family} API (profile {row.profile!r})"
    return None


class RowsView(Mapping[str, Row]):
    """Every profile's rows as one mapping, in profile order: what ``InstanceService.rows`` is."""

    def __init__(self, states: Mapping[str, ProfileState]) -> None:
        self._states = states

    def __getitem__(self, key: str) -> Row:
        state = self._states.get(key.partition("/")[0])
        if state is None:
            raise KeyError(key)
        return state.rows[key]

    def __iter__(self) -> Iterator[str]:
        for state in self._states.values():
            yield from state.rows

    def __len__(self) -> int:
        return sum(len(state.rows) for state in self._states.values())

    def values(self) -> ValuesView[Row]:
        """The rows in order, each profile's taken from its dict (not looked up key by key: the
        table, the auto-stop watch and the optional columns walk them several times a refresh)."""
        return _Rows(self)


class _Rows(ValuesView[Row]):
    """``RowsView.values()``: iterates each profile's rows dict directly."""

    _mapping: RowsView

    def __iter__(self) -> Iterator[Row]:
        for state in self._mapping._states.values():
            yield from state.rows.values()
