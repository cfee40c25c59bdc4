"""InstanceService: the one owner of the clients and of the current instance snapshot.

The UI and the headless CLI call it; it never raises into them for refreshes and actions:
every failure comes back as a ProfileStatus or an ActionOutcome carrying a typed error.

Credentials refused several times in a row (``AUTH_PAUSE_AFTER`` 401s) pause the profile: nothing
more is sent for it (the gateway locks an AK for 5 minutes after more than 5 failures) until
``reset_auth`` or ``refresh(force=True)``. Until a profile's credentials have been accepted once,
its requests go one at a time, so a bulk action cannot fire a burst of refusals.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

import httpx

from tui.api.client import ModelArtsClient
from tui.api.redact import redact
from tui.api.skew import skew_warning
from tui.config.model import AUTH_AKSK, SECRET_FIELDS, Profile
from tui.core.errors import (
    AuthPausedError,
    InstanceFailedError,
    ModelArtsError,
    ValidationError,
    WaitTimeoutError,
)
from tui.core.models import FAMILY_NOTEBOOKS, ApiCall, Instance, Phase
from tui.service.factory import CallSink, Sleep, build_client, tls_warnings
from tui.service.models import ActionOutcome, ProfileStatus, RefreshResult, Row, row_key
from tui.service.support import (
    THROTTLED_ROUNDS as THROTTLED_ROUNDS,
)
from tui.service.support import (
    BorrowedTransport,
    accepted_credentials,
    describe_error,
    patiently,
    pause_message,
    refused_credentials,
    to_local_clock,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

_TARGETS = {"start": (Phase.STARTING, Phase.RUNNING), "stop": (Phase.STOPPING, Phase.STOPPED)}
AUTH_PAUSE_AFTER = 3
"""Consecutive credential refusals (HTTP 401) after which a profile sends nothing more."""


class InstanceService:
    """Refresh, start, stop and prolong instances of several profiles."""

    def __init__(
        self,
        profiles: Sequence[Profile],
        *,
        on_call: CallSink | None = None,
        clock: Callable[[], float] = time.time,
        transport: httpx.AsyncBaseTransport | None = None,
        concurrency: int = 8,
        timeout: float = 10.0,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.on_call = on_call
        """Where every call record goes; may be set after construction (the app sets its log)."""
        self._clock = clock
        self._transport = BorrowedTransport(transport) if transport is not None else None
        self._timeout = timeout
        self._sleep = sleep
        self._semaphore = asyncio.Semaphore(max(1, concurrency))
        self._profiles: dict[str, Profile] = {}
        self._clients: dict[str, ModelArtsClient] = {}
        self._rows: dict[str, Row] = {}
        self._status: dict[str, ProfileStatus] = {}
        self._retired: list[ModelArtsClient] = []
        self._refusals: dict[str, int] = {}
        self._paused: dict[str, AuthPausedError] = {}
        self._accepted: set[str] = set()
        self._gates: dict[str, asyncio.Lock] = {}
        self._applied_skew: dict[str, float] = {}
        self.set_profiles(profiles)

    # --- profiles and clients ----------------------------------------------------------------
    @property
    def profiles(self) -> tuple[Profile, ...]:
        """The profiles the service works with, enabled or not."""
        return tuple(self._profiles.values())

    def set_profiles(self, profiles: Sequence[Profile]) -> None:
        """Take new profiles (after settings were saved); rows of removed profiles go away."""
        new = {p.name: p for p in profiles}
        for name in list(self._clients):
            if new.get(name) != self._profiles.get(name):
                self._retired.append(self._clients.pop(name))
                self._applied_skew.pop(name, None)
        for name in {*self._profiles, *new}:
            if new.get(name) != self._profiles.get(name):  # new credentials deserve a fresh count
                self._paused.pop(name, None)
                self._refusals.pop(name, None)
                self._accepted.discard(name)
        self._profiles = new
        self._rows = {k: r for k, r in self._rows.items() if r.profile in new and new[r.profile].enabled}
        self._status = {k: s for k, s in self._status.items() if k in new}

    def _client(self, name: str) -> ModelArtsClient:
        client = self._clients.get(name)
        if client is None:
            client = build_client(
                self._profiles[name],
                on_call=self._emit,
                transport=self._transport,
                clock=self._clock,
                timeout=self._timeout,
                sleep=self._sleep,
            )
            self._clients[name] = client
        return client

    # --- credential refusals -----------------------------------------------------------------
    def auth_paused(self, name: str) -> AuthPausedError | None:
        """Why nothing is sent for profile ``name`` (repeated credential refusals), or None."""
        return self._paused.get(name)

    def reset_auth(self, name: str | None = None) -> None:
        """Let a paused profile (or every one) send again: the user asked for it (``r``).

        The count of refusals goes on until the credentials are accepted (or the profile changes):
        one more refusal pauses the profile again at once, since the gateway counts them too.
        """
        names = list(self._profiles) if name is None else [name]
        for each in names:
            self._paused.pop(each, None)

    def _gate(self, name: str) -> asyncio.Lock:
        gate = self._gates.get(name)
        if gate is None:
            gate = self._gates[name] = asyncio.Lock()
        return gate

    def _check_paused(self, name: str) -> None:
        paused = self._paused.get(name)
        if paused is not None:
            raise paused

    async def _guarded(self, name: str, call: Callable[[ModelArtsClient], Awaitable[T]]) -> T:
        """Run one client call for profile ``name``, counting credential refusals.

        Until the profile's credentials were accepted once, calls go one at a time.
        """
        self._check_paused(name)
        if name not in self._accepted:
            async with self._gate(name):
                self._check_paused(name)
                if name not in self._accepted:
                    return await self._counted(name, call)
            self._check_paused(name)
        return await self._counted(name, call)

    async def _counted(self, name: str, call: Callable[[ModelArtsClient], Awaitable[T]]) -> T:
        try:
            result = await call(self._client(name))
        except ModelArtsError as error:
            if refused_credentials(error):
                self._accepted.discard(name)
                count = self._refusals[name] = self._refusals.get(name, 0) + 1
                if count >= AUTH_PAUSE_AFTER:
                    profile = self._profiles[name]
                    self._paused[name] = AuthPausedError(
                        pause_message(profile, count, error), profile=name, failures=count, last=error
                    )
            elif accepted_credentials(error):
                self._accepted.add(name)
                self._refusals.pop(name, None)
            raise
        except Exception as exc:  # a bug must cost one profile's answer, not the whole refresh
            log.exception("unexpected error in a call for profile %s", name)
            raise self._unexpected(name, exc) from exc
        self._accepted.add(name)
        self._refusals.pop(name, None)
        return result

    def _unexpected(self, name: str, exc: Exception) -> ModelArtsError:
        profile = self._profiles.get(name)
        secrets = [getattr(profile, f) for f in SECRET_FIELDS] if profile else []
        return ModelArtsError(
            redact(f"unexpected {type(exc).__name__} for profile {name!r}: {exc}", secrets),
            meaning="An internal error of modelarts-tui.",
            hint="Please report it with the log file; the other profiles are not affected.",
        )

    # --- warnings ----------------------------------------------------------------------------
    def profile_warnings(self, name: str) -> tuple[str, ...]:
        """What to show persistently for a profile: TLS checks off, plain http, a clock off by > 5 min."""
        profile = self._profiles.get(name)
        if profile is None:
            return ()
        found = list(tls_warnings(profile))
        skew = skew_warning(self._skew(name), signed=profile.auth == AUTH_AKSK)
        if skew:
            found.append(f"profile {name!r}: {skew}")
        return tuple(found)

    def _warning(self, name: str) -> str | None:
        return "; ".join(self.profile_warnings(name)) or None

    def _emit(self, call: ApiCall) -> None:
        if self.on_call is not None:
            self.on_call(call)

    async def aclose(self) -> None:
        """Close every client this service opened."""
        clients = [*self._clients.values(), *self._retired]
        self._clients.clear()
        self._retired.clear()
        for client in clients:
            await client.aclose()

    # --- snapshot ----------------------------------------------------------------------------
    @property
    def rows(self) -> Mapping[str, Row]:
        """The current snapshot, in table order."""
        return self._rows

    @property
    def statuses(self) -> tuple[ProfileStatus, ...]:
        """How the last refresh of each profile went."""
        return tuple(self._status.values())

    def any_transitional(self) -> bool:
        """True while any row is moving (the UI polls faster then)."""
        return any(r.instance.phase.transitional and not r.gone for r in self._rows.values())

    async def refresh(self, *, force: bool = False) -> RefreshResult:
        """One list call per enabled profile; failures keep the old rows and mark the profile.

        A profile paused after repeated credential refusals is not asked (its status says why);
        ``force`` (a manual refresh) lifts every pause first.
        """
        if force:
            self.reset_auth()
        enabled = [p for p in self._profiles.values() if p.enabled]
        results = await asyncio.gather(*(self._list(p) for p in enabled))
        before = self._rows
        rows: dict[str, Row] = {}
        now = self._clock()
        for profile, result in zip(enabled, results, strict=True):
            old = {k: r for k, r in before.items() if r.profile == profile.name}
            if isinstance(result, ModelArtsError):
                rows.update(old)
                prev = self._status.get(profile.name)
                self._status[profile.name] = ProfileStatus(
                    profile.name,
                    False,
                    result,
                    prev.last_ok_at if prev else None,
                    len(old),
                    self._skew(profile.name),
                    self._warning(profile.name),
                )
                continue
            rows.update(self._merge(profile, result, old, now))
            self._status[profile.name] = ProfileStatus(
                profile.name,
                True,
                None,
                now,
                len(result),
                self._skew(profile.name),
                self._warning(profile.name),
            )
        changed = frozenset(k for k, r in rows.items() if not r.same_as(before.get(k)))
        added = frozenset(rows.keys() - before.keys())
        removed = frozenset(before.keys() - rows.keys())
        self._rows = rows
        statuses = tuple(self._status[p.name] for p in enabled)
        return RefreshResult(tuple(rows.values()), changed, added, removed, statuses, now)

    def _skew(self, name: str) -> float | None:
        client = self._clients.get(name)
        return client.clock_skew_s if client is not None else None

    def _steady_skew(self, name: str) -> float | None:
        """The skew the stop plans are shifted by: it follows the measured one only when that moved 2 s.

        ``Date`` has whole seconds, so the measured skew jitters by one from poll to poll; shifting
        every stop plan by that jitter would make every running row look changed on every poll.
        """
        measured = self._skew(name)
        applied = self._applied_skew.get(name)
        if measured is None or (applied is not None and abs(measured - applied) < 2):
            return applied if measured is not None else None
        self._applied_skew[name] = measured
        return measured

    async def _list(self, profile: Profile) -> list[Instance] | ModelArtsError:
        try:
            return await self._guarded(profile.name, lambda client: client.list_instances())
        except ModelArtsError as error:
            return error

    def _merge(
        self, profile: Profile, listed: list[Instance], old: dict[str, Row], now: float
    ) -> dict[str, Row]:
        wanted = {ref.id for ref in profile.instances}
        skew = self._steady_skew(profile.name)
        rows: dict[str, Row] = {}
        for instance in listed:
            if wanted and instance.id not in wanted:
                continue
            instance = to_local_clock(instance, skew)
            key = row_key(profile.name, instance.id)
            prev = old.get(key)
            rows[key] = Row(
                key,
                profile.name,
                instance,
                profile.alias_for(instance.id),
                gone=False,
                fetched_at=now,
                pending=prev.pending if prev else None,
                read_only=profile.read_only,
            )
        for key, prev in old.items():
            if key not in rows:
                rows[key] = replace(prev, gone=True, pending=None)
        return rows

    # --- actions -----------------------------------------------------------------------------
    def check_action(self, key: str, action: str, *, in_flight_ok: bool = False) -> str | None:
        """Why ``action`` on ``key`` is refused locally, or None when it may be sent.

        ``in_flight_ok`` skips the in-flight check (right after the action's own fresh read).
        """
        row = self._rows.get(key)
        if row is None:
            return None
        profile = self._profiles.get(row.profile)
        if profile is None:
            return f"profile {row.profile!r} is no longer configured"
        paused = self._paused.get(row.profile)
        if paused is not None:
            return paused.message
        if row.read_only:
            return f"profile {row.profile!r} is read-only"
        if row.gone:
            return f"{row.display_name} is gone (no longer listed)"
        if row.pending and not in_flight_ok:
            return f"{row.display_name}: {row.pending} already in flight"
        phase, status = row.instance.phase, row.instance.status
        if action == "start":
            if phase is Phase.RUNNING:
                return f"{row.display_name} is already {status}"
            if phase.transitional:
                return f"{row.display_name} is {status}; wait until it settles"
        elif action in ("stop", "prolong"):
            if phase is not Phase.RUNNING:
                return f"{row.display_name} is {status}, not RUNNING"
            if action == "prolong" and profile.api != FAMILY_NOTEBOOKS:
                return f"{row.display_name}: prolong needs the notebooks API (profile {profile.name!r})"
        return None

    async def start(self, keys: Iterable[str]) -> list[ActionOutcome]:
        """Start every key; refused ones come back skipped, nothing sent for them."""
        return await self._act("start", keys, lambda c, i: c.start(i))

    async def stop(self, keys: Iterable[str]) -> list[ActionOutcome]:
        """Stop every key; refused ones come back skipped, nothing sent for them."""
        return await self._act("stop", keys, lambda c, i: c.stop(i))

    async def prolong(self, keys: Iterable[str], hours: float) -> list[ActionOutcome]:
        """Renew the auto-stop lease of every key by ``hours`` (notebooks family)."""
        return await self._act("prolong", keys, lambda c, i: c.renew_lease(i, hours))

    async def _act(
        self, action: str, keys: Iterable[str], call: Callable[[ModelArtsClient, str], Awaitable[object]]
    ) -> list[ActionOutcome]:
        keys = list(dict.fromkeys(keys))
        return list(await asyncio.gather(*(self._act_one(action, k, call) for k in keys)))

    async def _act_one(
        self, action: str, key: str, call: Callable[[ModelArtsClient, str], Awaitable[object]]
    ) -> ActionOutcome:
        profile_name, _, instance_id = key.partition("/")
        if profile_name not in self._profiles:
            return ActionOutcome(key, action, False, f"unknown profile {profile_name!r}", skipped=True)
        paused = self._paused.get(profile_name)
        if paused is not None:
            return ActionOutcome(key, action, False, paused.message, error=paused, skipped=True)
        reason = self.check_action(key, action)
        if reason:
            return ActionOutcome(key, action, False, reason, skipped=True)
        row = self._rows.get(key)
        if row is not None:
            self._rows[key] = replace(row, pending=action)
        try:
            async with self._semaphore:
                if row is None:
                    instance = await self._guarded(profile_name, lambda c: c.get_instance(instance_id))
                    self._rows[key] = self._row_for(profile_name, instance, pending=action)
                    reason = self.check_action(key, action, in_flight_ok=True)
                    if reason:
                        return ActionOutcome(key, action, False, reason, skipped=True)
                result = await patiently(
                    lambda: self._guarded(profile_name, lambda c: call(c, instance_id)), self._sleep
                )
        except AuthPausedError as error:  # paused while this one waited its turn: nothing sent
            return ActionOutcome(key, action, False, error.message, error=error, skipped=True)
        except ModelArtsError as error:
            return ActionOutcome(key, action, False, describe_error(error), error=error)
        finally:
            current = self._rows.get(key)
            if current is not None:
                self._rows[key] = replace(current, pending=None)
        status = getattr(result, "current_status", "") or ""
        current = self._rows.get(key)
        if status and current is not None:
            self._rows[key] = replace(current, instance=replace(current.instance, status=status))
        name = current.display_name if current else instance_id
        verb = {"start": "starting", "stop": "stopping", "prolong": "prolonged"}[action]
        return ActionOutcome(key, action, True, f"{name}: {verb}" + (f" ({status})" if status else ""))

    def _row_for(self, profile_name: str, instance: Instance, pending: str | None = None) -> Row:
        profile = self._profiles[profile_name]
        return Row(
            row_key(profile_name, instance.id),
            profile_name,
            instance,
            profile.alias_for(instance.id),
            fetched_at=self._clock(),
            pending=pending,
            read_only=profile.read_only,
        )

    # --- reads -------------------------------------------------------------------------------
    async def details(self, key: str) -> Instance:
        """The whole instance, fresh from the service; raises ModelArtsError."""
        profile_name, _, instance_id = key.partition("/")
        if profile_name not in self._profiles:
            raise ValidationError("profile", f"unknown profile {profile_name!r}")
        instance = to_local_clock(
            await self._guarded(profile_name, lambda c: c.get_instance(instance_id)),
            self._steady_skew(profile_name),
        )
        row = self._rows.get(key)
        if row is not None:
            self._rows[key] = replace(row, instance=instance, gone=False)
        return instance

    async def wait_for(
        self,
        key: str,
        action: str,
        *,
        timeout: float,
        interval: float = 2.0,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> Instance:
        """Poll details until the action's final state; WaitTimeoutError or InstanceFailedError."""
        final = _TARGETS[action][1]
        deadline = self._clock() + timeout
        while True:
            instance = await self.details(key)
            if instance.phase is final:
                return instance
            if instance.phase is Phase.FAILED:
                raise InstanceFailedError(f"{instance.name} ended in {instance.status}")
            if self._clock() >= deadline:
                raise WaitTimeoutError(
                    f"{instance.name} is {instance.status} after {timeout:g}s, not {final.name}"
                )
            await sleep(interval)

    async def test_connection(self, profile: Profile) -> ActionOutcome:
        """One list call with a throwaway client for ``profile``; never raises."""
        key = f"{profile.name}/"
        try:
            client = build_client(
                profile,
                on_call=self._emit,
                transport=self._transport,
                clock=self._clock,
                timeout=self._timeout,
                sleep=self._sleep,
            )
        except ModelArtsError as error:
            return ActionOutcome(key, "test", False, describe_error(error), error=error)
        try:
            async with client:
                listed = await client.list_instances()
        except ModelArtsError as error:
            return ActionOutcome(key, "test", False, describe_error(error), error=error)
        return ActionOutcome(key, "test", True, f"connected: {len(listed)} instances listed")
