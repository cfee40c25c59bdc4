"""Messages between workers, screens and the app.

Intents end in ``Requested``; events are past tense. They carry ``core``/``service`` values,
never HTTP objects.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.message import Message

from tui.core.actions import action_named
from tui.core.errors import ModelArtsError
from tui.core.models import ApiCall, Instance
from tui.service import ActionOutcome, RefreshResult
from tui.service.connect import ConnectPlan
from tui.service.models import ProfileRefresh


class RefreshRequested(Message):
    """Poll the service now; ``force`` (the user asked) also lifts a pause after refused credentials."""

    def __init__(self, *, force: bool = False) -> None:
        super().__init__()
        self.force = force


class InstancesRefreshed(Message):
    """A refresh finished; ``result`` is the new snapshot and what changed."""

    def __init__(self, result: RefreshResult) -> None:
        super().__init__()
        self.result = result


class ProfileRefreshed(Message):
    """One profile's refresh is in (the others may still be out): its rows can be shown now."""

    def __init__(self, update: ProfileRefresh) -> None:
        super().__init__()
        self.update = update


class ActionRequested(Message):
    """Run declared ``action`` on ``keys``; ``params`` are its parameters (``hours`` for prolong)."""

    def __init__(
        self,
        action: str,
        keys: Sequence[str],
        hours: int | None = None,
        *,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__()
        self.action = action
        self.keys = tuple(keys)
        self.hours = hours
        self.params: dict[str, object] = dict(params or {})
        """Keyword arguments of the action's service method."""
        if "hours" in action_named(action).params:
            self.params.setdefault("hours", float(hours or 1))


class ActionsFinished(Message):
    """An action worker finished; one outcome per key, refused ones ``skipped``."""

    def __init__(self, action: str, outcomes: Sequence[ActionOutcome]) -> None:
        super().__init__()
        self.action = action
        self.outcomes = tuple(outcomes)


class CallRecorded(Message):
    """The client made one HTTP request (already redacted)."""

    def __init__(self, call: ApiCall) -> None:
        super().__init__()
        self.call = call


class DetailsLoaded(Message):
    """A fresh read of one instance for the details screen."""

    def __init__(self, key: str, instance: Instance) -> None:
        super().__init__()
        self.key = key
        self.instance = instance


class DetailsFailed(Message):
    """Reading one instance failed."""

    def __init__(self, key: str, error: ModelArtsError) -> None:
        super().__init__()
        self.key = key
        self.error = error


class ConnectionTested(Message):
    """The settings screen's connection test finished."""

    def __init__(self, outcome: ActionOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class ConnectReady(Message):
    """The connect action has its plan: the screen hands the terminal to ssh with it."""

    def __init__(self, key: str, plan: ConnectPlan) -> None:
        super().__init__()
        self.key = key
        self.plan = plan


class ConnectFailed(Message):
    """The connect action ended before ssh ran (a refusal after the fresh read, a failed start)."""

    def __init__(self, key: str, error: ModelArtsError) -> None:
        super().__init__()
        self.key = key
        self.error = error
