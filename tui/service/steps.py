"""What an in-flight row shows while a long action is at one of its steps (``Row.pending``).

A part of ``InstanceService``: the claim stays the action's (``in_flight``); the label only
changes what the row's status cell says ("waiting for capacity (attempt 4, next in 60s)").
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.service.profiles import ProfileState


class RowSteps:
    """Step labels of in-flight rows; refreshes keep them (``_pending_labels``)."""

    if TYPE_CHECKING:
        _states: dict[str, ProfileState]
        _inflight: dict[str, str]

    def _key_of(self, client: object, instance_id: str) -> str:
        """The row key of ``instance_id`` in the profile whose client is ``client``."""
        return next(f"{s.name}/{instance_id}" for s in self._states.values() if s.client is client)

    def _step_labels(self) -> dict[str, str]:
        return self.__dict__.setdefault("_steps", {})  # type: ignore[no-any-return]

    def _pending_labels(self) -> dict[str, str]:
        """What each in-flight row shows: the action, or the step a long action is at."""
        return {**self._inflight, **self._step_labels()}

    def step_of(self, key: str) -> str | None:
        """The step label of ``key`` now, or None."""
        return self._step_labels().get(key)

    def _show_step(self, key: str, label: str | None) -> None:
        steps = self._step_labels()
        if label is None:
            steps.pop(key, None)
        else:
            steps[key] = label
        state = self._states.get(key.partition("/")[0])
        row = state.rows.get(key) if state is not None else None
        if state is not None and row is not None:
            state.rows[key] = replace(row, pending=label or self._inflight.get(key))
