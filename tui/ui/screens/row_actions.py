"""Start, stop and prolong on the main screen: refuse locally what cannot go, ask before stopping,
send the rest in a worker, and show each outcome on its row, in the log and in one notification.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual import work
from textual.worker import Worker

from tui.core.errors import NotFoundError, StateConflictError
from tui.service import ActionOutcome, InstanceService, Row
from tui.ui.cells import status_text
from tui.ui.messages import ActionRequested, ActionsFinished

if TYPE_CHECKING:
    from textual.app import App

    from tui.ui.widgets.instance_table import InstanceTable

_VERBS = {"start": "Start", "stop": "Stop", "prolong": "Prolong"}


class RowActions:
    """Mixed into MainScreen: the row actions and their results (no layout, no polling)."""

    # Provided by MainScreen.
    service: InstanceService
    _inflight: dict[str, str]
    _action_keys: dict[Worker[None], tuple[str, ...]]
    _last_poll: float
    _moving: bool | None
    if TYPE_CHECKING:
        app: App[object]

        @property
        def table(self) -> InstanceTable: ...
        def note(self, text: str, *, error: bool = False) -> None: ...
        def notify(
            self,
            message: str,
            *,
            title: str = "",
            severity: str = "information",
            timeout: float | None = None,
            markup: bool = True,
        ) -> None: ...
        def post_message(self, message: object) -> bool: ...
        def _overlay(self, row: Row) -> Row: ...
        def _show_status(self) -> None: ...
        def _start_refresh(self) -> None: ...

    def _label(self, key: str) -> str:
        row = self.table.row_for(key) or self.service.rows.get(key)
        if row is None:
            return key
        return f"{status_text(row.instance):<14} {row.display_name}  ({row.profile})"

    def _split(self, action: str, keys: Iterable[str]) -> tuple[list[str], list[str]]:
        """Keys the action may go to, and refusal reasons for the others (nothing is sent for those)."""
        allowed: list[str] = []
        refused: list[str] = []
        for key in keys:
            if key in self._inflight:
                row = self.service.rows.get(key)
                name = row.display_name if row else key
                refused.append(f"{name}: {self._inflight[key]} already in flight")
                continue
            reason = self.service.check_action(key, action)
            if reason:
                refused.append(reason)
            else:
                allowed.append(key)
        return allowed, refused

    def _refuse(self, action: str, refused: list[str]) -> None:
        if not refused:
            return
        for reason in refused:
            self.note(f"{action} refused: {reason}")
        more = f" (+{len(refused) - 1} more)" if len(refused) > 1 else ""
        self.notify(
            f"{refused[0]}{more}", title=f"{_VERBS[action]}: nothing sent", severity="warning", markup=False
        )

    def _selection(self) -> list[str]:
        keys = self.table.selected()
        if not keys:
            self.notify("No instance here yet.", severity="warning", markup=False)
        return keys

    def action_start_selected(self) -> None:
        keys = self._selection()
        allowed, refused = self._split("start", keys)
        self._refuse("start", refused)
        if allowed:
            self.post_message(ActionRequested("start", allowed))

    def action_stop_selected(self) -> None:
        from tui.ui.screens.confirm import ConfirmModal

        allowed, refused = self._split("stop", self._selection())
        self._refuse("stop", refused)
        if not allowed:
            return
        noun = "this instance" if len(allowed) == 1 else f"{len(allowed)} instances"

        def answered(yes: bool | None) -> None:
            if yes:
                self.post_message(ActionRequested("stop", allowed))

        self.app.push_screen(
            ConfirmModal(f"Stop {noun}?", [self._label(k) for k in allowed], "Stop"), answered
        )

    def action_prolong_selected(self) -> None:
        from tui.ui.screens.prolong import ProlongModal

        allowed, refused = self._split("prolong", self._selection())
        self._refuse("prolong", refused)
        if not allowed:
            return

        def answered(hours: int | None) -> None:
            if hours:
                self.post_message(ActionRequested("prolong", allowed, hours))

        first = allowed[0].partition("/")[0]
        hours = next((p.prolong_hours for p in self.service.profiles if p.name == first), 2.0)
        self.app.push_screen(ProlongModal([self._label(k) for k in allowed], round(hours)), answered)

    def on_action_requested(self, message: ActionRequested) -> None:
        allowed, refused = self._split(message.action, message.keys)
        self._refuse(message.action, refused)
        if not allowed:
            return
        for key in allowed:
            self._inflight[key] = message.action
            row = self.service.rows.get(key)
            if row is not None:
                self.table.update_row(self._overlay(row))
        worker = self._act(message.action, tuple(allowed), message.hours)
        self._action_keys[worker] = tuple(allowed)
        self._show_status()

    @work(group="actions", exit_on_error=False)
    async def _act(self, action: str, keys: tuple[str, ...], hours: int | None) -> None:
        outcomes: list[ActionOutcome]
        if action == "start":
            outcomes = await self.service.start(keys)
        elif action == "stop":
            outcomes = await self.service.stop(keys)
        else:
            outcomes = await self.service.prolong(keys, float(hours or 1))
        self.post_message(ActionsFinished(action, outcomes))

    def _outcome_text(self, outcome: ActionOutcome) -> str:
        """One line per outcome, naming the instance: the error's meaning, not its repeat."""
        if outcome.ok or outcome.skipped or outcome.error is None:
            return outcome.message
        row = self.service.rows.get(outcome.key)
        name = row.display_name if row else outcome.key
        error = outcome.error
        tag = getattr(error, "code", "") or type(error).__name__
        why = error.meaning or str(error)
        return f"{name}: {outcome.action} failed ({tag}): {why}"

    def on_actions_finished(self, message: ActionsFinished) -> None:
        done = [o for o in message.outcomes if o.ok]
        failed = [o for o in message.outcomes if not o.ok]
        for outcome in message.outcomes:
            self._inflight.pop(outcome.key, None)
            row = self.service.rows.get(outcome.key)
            if row is not None:
                self.table.update_row(self._overlay(row))
            if outcome.ok or outcome.skipped:  # a failed call is in the log already, with its meaning
                self.note(outcome.message, error=not outcome.ok)
        verb = _VERBS[message.action]
        if done:
            names = ", ".join(o.message.split(":")[0] for o in done[:3])
            more = f" and {len(done) - 3} more" if len(done) > 3 else ""
            self.notify(f"{names}{more}", title=f"{verb}: sent", markup=False)
        if failed:
            hard = [o for o in failed if not o.skipped]
            lines = [self._outcome_text(o) for o in failed[:3]]
            if len(failed) > 3:
                lines.append(f"… and {len(failed) - 3} more (see the log, l)")
            self.notify(
                "\n".join(lines),
                title=f"{verb} failed" if hard else f"{verb}: nothing sent",
                severity="error" if hard else "warning",
                timeout=8,
                markup=False,
            )
        self._last_poll = time.monotonic()  # the next poll comes after the (fast) interval
        self._moving = None  # the rows changed: recount "any row moving"
        if any(isinstance(o.error, StateConflictError | NotFoundError) for o in failed):
            self._start_refresh()  # our snapshot was out of date: show what the service says now
        self._show_status()
