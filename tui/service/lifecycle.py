"""Create, delete and resize: the lifecycle actions of ``InstanceService`` (a part of it, not a layer).

Each is one declared action (``tui.core.actions``) whose method hands ``run`` its call, so the
reservation, the refusals and the outcome text are the service's as for start and stop. Resize of a
RUNNING instance is one action of several steps inside that one reservation: stop, wait STOPPED,
change the flavor, start again, wait RUNNING; the row shows each step (``Row.pending`` carries it)
and a failure names the step and the state the instance was left in.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, TypeVar

from tui.api.client import ModelArtsClient
from tui.api.parse import to_int
from tui.core.actions import ACTIONS, Action, in_flight_text
from tui.core.errors import ModelArtsError, NotFoundError, ValidationError, WaitTimeoutError
from tui.core.lifecycle import CreateSpec, Flavor, Image, check_storage
from tui.core.models import FAMILY_NOTEBOOKS, ActionResult, Instance, Phase
from tui.service.models import ActionOutcome, Claim
from tui.service.profiles import ProfileState

if TYPE_CHECKING:
    from tui.api.runtime import Runtime

T = TypeVar("T")
STEP_TIMEOUT_S = 1800.0
"""How long one wait of a resize (for STOPPED, for RUNNING) may take."""
STEP_INTERVAL_S = 3.0
"""Seconds between the reads of such a wait."""


STEP_LABEL = {
    "stop": "stop",
    "stopped": "wait",
    "change": "change",
    "start": "start",
    "running": "wait",
    "grow": "grow",
}
"""What the row's status cell shows at each step of a resize (``◐ 2/5 wait…``)."""
STEP_TEXT = {
    "stop": "stop it",
    "stopped": "wait until STOPPED",
    "change": "change the flavor to {flavor}",
    "start": "start it again",
    "running": "wait until RUNNING",
    "grow": "grow the storage to {grow} GB",
}
"""Each step in words: the log, the CLI's stderr and a failure's message."""


class StepFailedError(ModelArtsError):
    """A step of a multi-step action failed; the message names the step, the meaning the state left."""

    def __init__(self, step: str, cause: ModelArtsError, state: str) -> None:
        left = f"The instance was left {state}." if state else "Its state could not be read."
        super().__init__(
            f"{step} failed: {cause}",
            endpoint=cause.endpoint,
            meaning=f"{cause.meaning} {left}".strip(),
            hint=cause.hint,
        )
        self.code = getattr(cause, "code", "")
        self.cause = cause
        self.state = state


def creates_row(action: str) -> bool:
    """True for a declared action that makes a new instance (its key is ``profile/<new name>``)."""
    declared = ACTIONS.get(action)
    return declared is not None and declared.creates_row


def new_row_refusal(
    action: Action, key: str, states: Mapping[str, ProfileState], pending: str | None
) -> str | None:
    """Why ``action`` may not go to ``key``, a key with no row (a create's new name), or None."""
    if pending:
        return in_flight_text(key, pending)
    if not action.creates_row:
        return None
    state = states.get(key.partition("/")[0])
    if state is None:
        return f"unknown profile {key.partition('/')[0]!r}"
    profile = state.profile
    if profile.read_only and action.writes:
        return f"profile {profile.name!r} is read-only"
    if action.family is not None and profile.api != action.family:
        return f"{action.name} needs the {action.family} API (profile {profile.name!r})"
    return None


def storage_gb(instance: Instance) -> int | None:
    """The EVS size of a notebook in GB, from its ``volume``; None when not given."""
    volume = instance.raw.get("volume")
    return to_int(volume.get("capacity")) if isinstance(volume, dict) else None


class LifecycleActions:
    """The create, delete and resize methods of ``InstanceService``, and the lists they need."""

    if TYPE_CHECKING:
        runtime: Runtime
        _states: dict[str, ProfileState]
        _inflight: dict[str, str]

        _clock: Callable[[], float]

        async def run(
            self,
            action: str,
            keys: Iterable[str] | Claim,
            call: Callable[[ModelArtsClient, str], Awaitable[object]],
        ) -> list[ActionOutcome]: ...
        async def details(self, key: str) -> Instance: ...
        async def _guarded(self, name: str, call: Callable[[ModelArtsClient], Awaitable[T]]) -> T: ...
        def _show_step(self, key: str, label: str | None) -> None: ...

    # --- what a form offers -------------------------------------------------------------------
    async def flavors(self, profile: str) -> list[Flavor]:
        """The flavors of ``profile``'s region (sold-out ones included, marked); raises ModelArtsError."""
        found: list[Flavor] = await self._guarded(self._nb_profile(profile), lambda c: c.list_flavors())
        return found

    async def images(self, profile: str) -> list[Image]:
        """The ACTIVE images ``profile`` may run (built-in and its own); raises ModelArtsError."""
        found: list[Image] = await self._guarded(self._nb_profile(profile), lambda c: c.list_images())
        return found

    async def switchable(self, key: str) -> list[Flavor]:
        """The flavors the instance ``key`` may change to; raises ModelArtsError."""
        profile, _, instance_id = key.partition("/")
        found: list[Flavor] = await self._guarded(
            self._nb_profile(profile), lambda c: c.switchable_flavors(instance_id)
        )
        return found

    def _nb_profile(self, name: str) -> str:
        state = self._states.get(name)
        if state is None:
            raise ValidationError("profile", f"unknown profile {name!r}")
        if state.profile.api != FAMILY_NOTEBOOKS:
            raise ValidationError(
                "profile", f"profile {name!r} uses the {state.profile.api} API, not notebooks"
            )
        return name

    def _state_of(self, client: ModelArtsClient) -> ProfileState:
        return next(s for s in self._states.values() if s.client is client)

    # --- the actions --------------------------------------------------------------------------
    async def create(self, keys: Iterable[str] | Claim, spec: CreateSpec) -> list[ActionOutcome]:
        """Create ``spec`` in the profile of the key (``profile/<name>``); the new row shows at once."""
        spec = spec.check()

        async def call(client: ModelArtsClient, _name: str) -> ActionResult:
            instance = await client.create_notebook(spec)
            self._state_of(client).add_row(instance, self._clock(), None)
            return ActionResult(instance.id, "create", instance.status, "")

        return await self.run("create", keys, call)

    async def delete(self, keys: Iterable[str] | Claim) -> list[ActionOutcome]:
        """Delete every key and its storage; the row shows DELETING until it is gone."""

        async def call(client: ModelArtsClient, instance_id: str) -> ActionResult:
            await client.delete(instance_id)
            return ActionResult(instance_id, "delete", "DELETING", "")

        return await self.run("delete", keys, call)

    async def resize(
        self,
        keys: Iterable[str] | Claim,
        flavor: str | None = None,
        storage_gb: int | None = None,
        *,
        interval: float = STEP_INTERVAL_S,
        on_step: Callable[[str, str], None] | None = None,
        step_timeout: float = STEP_TIMEOUT_S,
    ) -> list[ActionOutcome]:
        """Change the flavor (a RUNNING one is stopped, changed and started again) and/or grow storage.

        ``interval``: seconds between the reads while a step waits for STOPPED or RUNNING, for at
        most ``step_timeout`` seconds (then the step fails with WaitTimeoutError as its cause);
        ``on_step(key, label)`` is told each step as it begins (the row already shows it)."""
        if not flavor and storage_gb is None:
            raise ValidationError("resize", "give a flavor or a new storage size")

        async def call(client: ModelArtsClient, instance_id: str) -> ActionResult:
            key = f"{self._state_of(client).name}/{instance_id}"
            try:
                pace = (interval, on_step, step_timeout)
                return await self._resize_one(client, key, flavor, storage_gb, pace)
            finally:
                self._show_step(key, None)

        return await self.run("resize", keys, call)

    async def _resize_one(
        self,
        client: ModelArtsClient,
        key: str,
        flavor: str | None,
        grow: int | None,
        pace: tuple[float, Callable[[str, str], None] | None, float],
    ) -> ActionResult:
        instance_id = key.partition("/")[2]
        before = await self.details(key)
        change = bool(flavor) and flavor != before.flavor
        restart = change and before.phase is Phase.RUNNING
        if restart:
            offered = [f.id for f in await client.switchable_flavors(instance_id)]
            if flavor not in offered:
                raise ValidationError(
                    "flavor",
                    f"{before.name} cannot switch to {flavor} (it may switch to {', '.join(offered) or 'none'});"
                    " nothing was stopped",
                )
        steps = (["stop", "stopped"] if restart else []) + (["change"] if change else [])
        steps += (["start", "running"] if restart else []) + (["grow"] if grow is not None else [])
        if grow is not None:
            check_storage(grow, storage_gb(before))
        interval, on_step, timeout = pace
        for number, step in enumerate(steps, start=1):
            told = STEP_TEXT[step].format(flavor=flavor, grow=grow)
            self._show_step(key, f"{number}/{len(steps)} {STEP_LABEL[step]}")  # fits the status cell
            if on_step is not None:
                on_step(key, f"{before.name}: resize step {number}/{len(steps)}: {told}")
            try:
                await self._step(client, key, step, flavor or "", grow, (interval, timeout))
            except ModelArtsError as error:
                raise StepFailedError(
                    f"step {number}/{len(steps)} ({told})", error, await self._left(key)
                ) from error
        after = self._states[key.partition("/")[0]].rows.get(key)
        status = after.instance.status if after else ""
        return ActionResult(instance_id, "resize", status, before.status)

    async def _step(
        self,
        client: ModelArtsClient,
        key: str,
        step: str,
        flavor: str,
        grow: int | None,
        pace: tuple[float, float],
    ) -> None:
        instance_id = key.partition("/")[2]
        if step == "stop":
            await client.stop(instance_id)
        elif step == "start":
            await client.start(instance_id)
        elif step == "change":
            await client.change_flavor(instance_id, flavor)
        elif step == "grow":
            assert grow is not None
            await client.grow_storage(instance_id, grow)
        else:
            await self._settle(key, Phase.STOPPED if step == "stopped" else Phase.RUNNING, *pace)
        if step in ("change", "grow"):
            await self.details(key)

    async def _settle(self, key: str, phase: Phase, interval: float, timeout: float) -> Instance:
        """Read ``key`` until it is in ``phase``; a failed phase or the step's deadline is an error."""
        deadline = self._clock() + timeout
        while True:
            instance = await self.details(key)
            if instance.phase is phase:
                return instance
            if instance.phase is Phase.FAILED or not instance.phase.transitional:
                raise ModelArtsError(f"{instance.name} is {instance.status}, not {phase.name}")
            if self._clock() >= deadline:
                raise WaitTimeoutError(f"{instance.name} is still {instance.status} after {timeout:g}s")
            await self.runtime.sleep(interval)

    async def _left(self, key: str) -> str:
        try:
            return (await self.details(key)).status
        except NotFoundError:
            return "deleted"
        except ModelArtsError:
            return ""
