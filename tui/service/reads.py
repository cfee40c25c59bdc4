"""Reads of one instance that ``InstanceService`` is made of (one base): details, ``--wait``, and
the connection test of the settings screen."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from tui.api.client import ModelArtsClient
from tui.config.model import Profile
from tui.core.actions import action_named
from tui.core.errors import InstanceFailedError, ModelArtsError, ValidationError, WaitTimeoutError
from tui.core.models import ApiCall, Instance, Phase
from tui.service.clock_skew import to_local_clock
from tui.service.factory import build_client
from tui.service.models import ActionOutcome

if TYPE_CHECKING:
    from tui.api.runtime import Runtime, Sleep
    from tui.service.profiles import ProfileState

T = TypeVar("T")


class InstanceReads:
    """``details``, ``wait_for``, ``test_connection``: reads that change no instance."""

    if TYPE_CHECKING:
        runtime: Runtime
        _states: dict[str, ProfileState]
        _clock: Callable[[], float]

        async def _guarded(self, name: str, call: Callable[[ModelArtsClient], Awaitable[T]]) -> T: ...
        def _emit(self, call: ApiCall) -> None: ...

    async def details(self, key: str) -> Instance:
        """The whole instance, fresh from the service; raises ModelArtsError."""
        profile_name, _, instance_id = key.partition("/")
        state = self._states.get(profile_name)
        if state is None:
            raise ValidationError("profile", f"unknown profile {profile_name!r}")
        fresh = await self._guarded(profile_name, lambda c: c.get_instance(instance_id))
        instance = to_local_clock(fresh, state.steady_skew())
        state.settle(key, instance)
        row = state.rows.get(key)
        if row is not None:
            state.rows[key] = replace(row, instance=instance, gone=False)
        return instance

    async def wait_for(
        self, key: str, action: str, *, timeout: float, interval: float = 2.0, sleep: Sleep | None = None
    ) -> Instance:
        """Poll details until the action's final state; WaitTimeoutError or InstanceFailedError."""
        final = action_named(action).target
        if final is None:
            raise ValidationError("action", f"{action} has no state to wait for")
        pause = sleep or self.runtime.sleep
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
            await pause(interval)

    async def test_connection(self, profile: Profile) -> ActionOutcome:
        """One list call with a throwaway client for ``profile``; never raises."""
        key = f"{profile.name}/"
        try:
            client = await asyncio.to_thread(build_client, profile, self.runtime, on_call=self._emit)
        except ModelArtsError as error:
            return ActionOutcome(key, "test", False, error.summary(), error=error)
        try:
            async with client:
                listed = await client.list_instances()
        except ModelArtsError as error:
            return ActionOutcome(key, "test", False, error.summary(), error=error)
        return ActionOutcome(key, "test", True, f"connected: {len(listed)} instances listed")
