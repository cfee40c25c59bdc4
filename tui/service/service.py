"""InstanceService: the one owner of the clients, the instance snapshot and what is in flight.

The UI and the headless CLI call it; it never raises into them for refreshes and actions:
every failure comes back as a ProfileStatus or an ActionOutcome carrying a typed error.

Each profile is one ``ProfileState`` (client, credential gate, clock skew, status, rows); the
credential lockout is ``tui.service.lockout``. Actions are declared in ``tui.core.actions``; the
service reserves a key synchronously (``claim``) before anything is sent and releases it when
the action is done, so the UI and the CLI read in-flight state from here alone.
"""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from typing import TypeVar

import httpx

from tui.api.client import ModelArtsClient
from tui.api.pool import HostPools
from tui.api.redact import redact
from tui.api.runtime import BorrowedTransport, Runtime, Sleep
from tui.config.model import SECRET_FIELDS, Profile
from tui.core.actions import ACTIONS, action_named
from tui.core.errors import (
    AuthPausedError,
    ModelArtsError,
    OutcomeUnknownError,
)
from tui.core.models import ApiCall, Instance
from tui.core.secret import Secret
from tui.service.factory import CallSink
from tui.service.lifecycle import LifecycleActions, creates_row, new_row_refusal
from tui.service.lockout import AUTH_PAUSE_AFTER as AUTH_PAUSE_AFTER
from tui.service.models import ActionOutcome, Claim, ProfileStatus, RefreshResult, Row
from tui.service.notebook_actions import NotebookActions
from tui.service.profiles import ProfileState, RowsView, refusal_for
from tui.service.reads import InstanceReads
from tui.service.refresh import OnProfile, Refresher

log = logging.getLogger(__name__)
T = TypeVar("T")
ActionCall = Callable[[ModelArtsClient, str], Awaitable[object]]
"""What an action sends for one instance id: the client method, its parameters bound."""


def describe_error(error: ModelArtsError) -> str:
    """One line for a status bar or a CLI (``ModelArtsError.summary``)."""
    return error.summary()


class InstanceService(NotebookActions, LifecycleActions, InstanceReads):
    """Refresh, start, stop and prolong instances of several profiles."""

    def __init__(
        self,
        profiles: Sequence[Profile],
        *,
        runtime: Runtime | None = None,
        on_call: CallSink | None = None,
        clock: Callable[[], float] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        concurrency: int | None = None,
        timeout: float | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        """``clock``, ``transport``, ``concurrency``, ``timeout`` and ``sleep`` change single
        fields of ``runtime`` (a shorthand for tests and the CLI)."""
        self.on_call = on_call
        """Where every call record goes; may be set after construction (the app sets its log)."""
        self.runtime = (runtime or Runtime()).but(
            clock=clock, transport=transport, concurrency=concurrency, timeout=timeout, sleep=sleep
        )
        if self.runtime.transport is not None:  # the caller's: every client borrows it, none closes it
            self.runtime = self.runtime.but(transport=BorrowedTransport(self.runtime.transport))
        self._clock = self.runtime.clock
        self._semaphore = asyncio.Semaphore(max(1, self.runtime.limits.concurrency))
        self.pools = HostPools(self.runtime.limits.per_host)
        """One bounded connection pool per endpoint host, shared by its profiles."""
        self._states: dict[str, ProfileState] = {}
        self._rows = RowsView(self._states)
        self._inflight: dict[str, str] = {}
        self._retired: list[ModelArtsClient] = []
        self._refresher = Refresher(self._states, self.pools, self._list, self._clock, self._pending_labels)
        self.set_profiles(profiles)

    # --- profiles and clients ----------------------------------------------------------------
    @property
    def profiles(self) -> tuple[Profile, ...]:
        """The profiles the service works with, enabled or not."""
        return tuple(s.profile for s in self._states.values())

    def set_profiles(self, profiles: Sequence[Profile]) -> None:
        """Take new profiles (after settings were saved); rows of removed profiles go away."""
        old = dict(self._states)
        self._states.clear()
        for profile in profiles:
            state = old.pop(profile.name, None)
            if state is None:
                state = ProfileState(profile)
            elif state.profile != profile:  # new credentials deserve a fresh count and client
                retired = state.retarget(profile)
                if retired is not None:
                    self._retired.append(retired)
            self._states[profile.name] = state
        for gone in old.values():
            if gone.client is not None:
                self._retired.append(gone.client)

    async def _client(self, name: str) -> ModelArtsClient:
        return await self._states[name].client_for(self.runtime, self._emit, self.pools)

    # --- credential refusals -----------------------------------------------------------------
    def auth_paused(self, name: str) -> AuthPausedError | None:
        """Why nothing is sent for profile ``name`` (repeated credential refusals), or None."""
        state = self._states.get(name)
        return state.gate.paused if state is not None else None

    def reset_auth(self, name: str | None = None) -> None:
        """Let a paused profile (or every one) send again: the user asked for it (``r``)."""
        for state in self._states.values():
            if name is None or state.name == name:
                state.gate.reset()

    async def _guarded(self, name: str, call: Callable[[ModelArtsClient], Awaitable[T]]) -> T:
        """Run one client call for profile ``name`` through its credential gate."""
        state = self._states[name]

        async def once() -> T:
            try:
                return await call(await self._client(name))
            except ModelArtsError:
                raise
            except Exception as exc:  # a bug must cost one profile's answer, not the whole refresh
                error = self._unexpected(name, exc)
                where = "".join(traceback.format_tb(exc.__traceback__))  # frames only: no message, no secret
                log.error("%s\n%s", error.message, where)
                raise error from None

        return await state.gate.run(once)

    def _unexpected(self, name: str, exc: Exception) -> ModelArtsError:
        state = self._states.get(name)
        secrets: list[str | Secret | None] = (
            [getattr(state.profile, f) for f in SECRET_FIELDS] if state else []
        )
        if state is not None:  # what a command printed, a variable held, the SDK file gave, IAM issued
            secrets += state.secrets
            if state.client is not None:
                secrets += state.client.secret_values()
        return ModelArtsError(
            redact(f"unexpected {type(exc).__name__} for profile {name!r}: {exc}", secrets),
            meaning="An internal error of modelarts-tui.",
            hint="Please report it with the log file; the other profiles are not affected.",
        )

    # --- warnings ----------------------------------------------------------------------------
    def profile_warnings(self, name: str) -> tuple[str, ...]:
        """What to show persistently for a profile: TLS checks off, plain http, a clock off by > 5 min."""
        state = self._states.get(name)
        return state.warnings() if state is not None else ()

    def _emit(self, call: ApiCall) -> None:
        if self.on_call is not None:
            self.on_call(call)

    async def aclose(self) -> None:
        """Close every client this service opened."""
        clients = [s.client for s in self._states.values() if s.client is not None] + self._retired
        for state in self._states.values():
            state.client = None
        self._retired.clear()
        for client in clients:
            await client.aclose()
        await self.pools.aclose()

    # --- snapshot ----------------------------------------------------------------------------
    @property
    def rows(self) -> Mapping[str, Row]:
        """The current snapshot, in table order."""
        return self._rows

    @property
    def statuses(self) -> tuple[ProfileStatus, ...]:
        """How the last refresh of each profile went."""
        return tuple(s.status for s in self._states.values() if s.status is not None)

    @property
    def in_flight(self) -> Mapping[str, str]:
        """Keys with an action claimed and not yet done: key -> action name."""
        return self._inflight

    def idle_profiles(self) -> list[str]:
        """Enabled profiles with no refresh out (a new round would start them)."""
        return [s.name for s in self._states.values() if s.profile.enabled and not s.refreshing]

    def refreshing(self) -> bool:
        """True while some profile's listing is out."""
        return any(s.refreshing for s in self._states.values())

    def any_transitional(self) -> bool:
        """True while any row is moving (the UI polls faster then)."""
        return any(r.instance.phase.transitional and not r.gone for r in self._rows.values())

    def busy(self) -> bool:
        """True while an action is in flight or a row is moving: poll fast."""
        return bool(self._inflight) or self.any_transitional()

    async def refresh(
        self, *, force: bool = False, on_profile: OnProfile | None = None, due_after: float | None = None
    ) -> RefreshResult:
        """One list call per enabled profile, each its own task (``tui.service.refresh``);
        failures keep the old rows and mark the profile. ``on_profile`` gets each profile's
        result as soon as it is in; a profile still refreshing from an earlier call is left to it,
        and (``due_after``, a poll) one whose last listing ended less than that many seconds ago.

        A profile paused after repeated credential refusals is not asked (its status says why);
        ``force`` (a manual refresh) lifts every pause first.
        """
        if force:
            self.reset_auth()
        limits, alarm = self.runtime.limits, self.runtime.alarm
        enabled = [s for s in self._states.values() if s.profile.enabled]
        due = [s for s in enabled if force or due_after is None or s.listed_ago() >= due_after]
        done = await asyncio.gather(
            *(self._refresher.one(s, limits.refresh_deadline, alarm, on_profile) for s in due)
        )
        updates = [u for u in done if u is not None]
        statuses = tuple(s.status for s in enabled if s.status is not None)
        return RefreshResult(
            tuple(self._rows.values()),
            frozenset().union(*(u.changed for u in updates)),
            frozenset().union(*(u.added for u in updates)),
            frozenset().union(*(u.removed for u in updates)),
            statuses,
            self._clock(),
            tuple(line for u in updates for line in u.settled),
        )

    async def _list(self, name: str, first: int = 0) -> list[Instance] | ModelArtsError:
        try:
            everyone = self._states[name].profile.scope == "all"
            return await self._guarded(
                name, lambda client: client.list_instances(everyone=everyone, first=first)
            )
        except ModelArtsError as error:
            return error

    # --- actions: refusals and reservations ----------------------------------------------------
    def refusal(self, key: str, action: str, *, in_flight_ok: bool = False) -> str | None:
        """Why ``action`` on ``key`` is refused locally, or None when it may be sent.

        ``in_flight_ok`` skips the in-flight check (right after the action's own fresh read).
        """
        pending = None if in_flight_ok else self._inflight.get(key)
        row = self._rows.get(key)
        if row is None:  # not listed (yet): a create's new name, or a key the CLI has not read
            return new_row_refusal(action_named(action), key, self._states, pending)
        return refusal_for(action_named(action), row, self._states.get(row.profile), pending)

    def _refused(self, key: str, action: str) -> ActionOutcome | None:
        """The skipped outcome for a key the action may not go to now (nothing is sent)."""
        name = key.partition("/")[0]
        state = self._states.get(name)
        if state is None:
            return ActionOutcome(key, action, False, f"unknown profile {name!r}", skipped=True)
        paused = state.gate.paused
        if paused is not None:
            return ActionOutcome(key, action, False, paused.message, error=paused, skipped=True)
        reason = self.refusal(key, action)
        return ActionOutcome(key, action, False, reason, skipped=True) if reason else None

    def claim(self, action: str, keys: Iterable[str]) -> Claim:
        """Reserve ``keys`` for ``action`` now (synchronously): refused ones come back answered.

        Pass the claim to the action's method (``start(claim)``); ``release`` it if that never runs.
        """
        allowed: list[str] = []
        refused: list[ActionOutcome] = []
        for key in dict.fromkeys(keys):
            outcome = self._refused(key, action)
            if outcome is not None:
                refused.append(outcome)
                continue
            allowed.append(key)
            self._set_pending(key, action)
        return Claim(action, tuple(allowed), tuple(refused))

    def release(self, claim: Claim, keys: Iterable[str] | None = None) -> None:
        """End the reservation of ``keys`` (all of the claim's by default); idempotent."""
        for key in claim.keys if keys is None else keys:
            if self._inflight.get(key) == claim.action:
                self._set_pending(key, None)

    def _set_pending(self, key: str, action: str | None) -> None:
        if action is None:
            self._inflight.pop(key, None)
        else:
            self._inflight[key] = action
        state = self._states.get(key.partition("/")[0])
        row = state.rows.get(key) if state is not None else None
        if state is not None and row is not None and not (row.gone and action):
            state.rows[key] = replace(row, pending=action)

    # --- actions: the declared ones ------------------------------------------------------------
    async def start(self, keys: Iterable[str] | Claim) -> list[ActionOutcome]:
        """Start every key; refused ones come back skipped, nothing sent for them."""
        return await self.run("start", keys, lambda c, i: c.start(i))

    async def stop(self, keys: Iterable[str] | Claim) -> list[ActionOutcome]:
        """Stop every key; refused ones come back skipped, nothing sent for them."""
        return await self.run("stop", keys, lambda c, i: c.stop(i))

    async def prolong(self, keys: Iterable[str] | Claim, hours: float) -> list[ActionOutcome]:
        """Renew the auto-stop lease of every key by ``hours`` (notebooks family)."""
        return await self.run("prolong", keys, lambda c, i: c.renew_lease(i, hours))

    async def run(self, action: str, keys: Iterable[str] | Claim, call: ActionCall) -> list[ActionOutcome]:
        """Send ``call`` for every key of a claim (or claim ``keys`` first); never raises.

        Every declared action's method is this with its client call; bounded concurrency; each
        key is released as soon as its own answer is in. Outcomes follow the order of the keys.
        """
        if isinstance(keys, Claim):  # the caller answered the refused ones already
            claim, order = keys, list(keys.keys)
            if claim.action != action:
                raise ValueError(f"a claim for {claim.action!r} cannot run {action!r}")
        else:
            order = list(dict.fromkeys(keys))
            claim = self.claim(action, order)
        answered = {o.key: o for o in claim.refused}
        sent = await asyncio.gather(*(self._act_one(claim, k, call) for k in claim.keys))
        answered.update((o.key, o) for o in sent)
        return [answered[k] for k in order if k in answered]

    async def _act_one(self, claim: Claim, key: str, call: ActionCall) -> ActionOutcome:
        action = claim.action
        profile_name, _, instance_id = key.partition("/")
        try:
            async with self._semaphore:
                if self._rows.get(key) is None and not creates_row(action):  # not listed (CLI): read it
                    instance = await self._guarded(profile_name, lambda c: c.get_instance(instance_id))
                    self._states[profile_name].add_row(instance, self._clock(), self._inflight.get(key))
                    reason = self.refusal(key, action, in_flight_ok=True)
                    if reason:
                        return ActionOutcome(key, action, False, reason, skipped=True)
                result = await self._guarded(profile_name, lambda c: call(c, instance_id))
        except AuthPausedError as error:  # paused while this one waited its turn: nothing sent
            return ActionOutcome(key, action, False, error.message, error=error, skipped=True)
        except OutcomeUnknownError as error:  # sent, answer lost, no read told: the row says so
            self._states[profile_name].mark_unknown(key, action)
            name = row.display_name if (row := self._rows.get(key)) else instance_id
            return ActionOutcome(key, action, False, f"{name}: {error.summary()}", error=error)
        except ModelArtsError as error:
            return ActionOutcome(key, action, False, error.summary(), error=error)
        finally:
            self.release(claim, (key,))
        return self._sent(key, action, instance_id, result)

    def _sent(self, key: str, action: str, instance_id: str, result: object) -> ActionOutcome:
        status = getattr(result, "current_status", "") or ""
        state = self._states.get(key.partition("/")[0])
        current = state.rows.get(key) if state is not None else None
        if status and state is not None and current is not None:
            current = state.rows[key] = replace(current, instance=replace(current.instance, status=status))
        name = current.display_name if current else instance_id
        done = ACTIONS[action].done if action in ACTIONS else action
        return ActionOutcome(key, action, True, f"{name}: {done}" + (f" ({status})" if status else ""))
