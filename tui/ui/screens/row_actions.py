"""Row actions of the main screen: ask what the declared action needs (a confirmation, its
parameters), claim the rows through the service, send in a worker, and show each outcome on
its row, in the log and in one notification.

Every action is the entry in ``tui.core.actions``; its service method has the action's name
and takes the claim and the parameters, so this module knows no verb by name. What is in
flight is the service's (``InstanceService.claim`` / ``in_flight``): nothing is kept here but
which worker holds which claim, to release it should the worker die before the service runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from textual.screen import Screen
from textual.worker import Worker

from tui.core.actions import ACTIONS, Action, action_named
from tui.core.errors import NotFoundError, OutcomeUnknownError, StateConflictError
from tui.service import ActionOutcome, Claim, InstanceService
from tui.ui.cells import status_text
from tui.ui.messages import ActionRequested, ActionsFinished
from tui.ui.screens import lifecycle_ask as ask
from tui.ui.widgets.flash import Level
from tui.ui.widgets.instance_table import InstanceTable


class RowActions:
    """The row actions of one screen (a collaborator of MainScreen, not a mixin)."""

    def __init__(
        self,
        screen: Screen[Any],
        service: InstanceService,
        table: Callable[[], InstanceTable],
        note: Callable[..., None],
        rows_changed: Callable[[Iterable[str]], None],
        actions_done: Callable[[bool], None],
        flash: Callable[[str, Level], None],
    ) -> None:
        """``note(text, error=)`` logs a line; ``rows_changed(keys)`` repaints rows from the service;
        ``actions_done(stale)`` runs after a batch came back (``stale``: our snapshot was out of date)."""
        self._screen = screen
        self._service = service
        self._table = table
        self._note = note
        self._rows_changed = rows_changed
        self._actions_done = actions_done
        self._flash = flash
        self._claims: dict[Worker[list[ActionOutcome]], Claim] = {}

    # --- asking ---------------------------------------------------------------------------------
    def _label(self, key: str) -> str:
        row = self._table().row_for(key) or self._service.rows.get(key)
        if row is None:
            return key
        return f"{status_text(row.instance):<14} {row.display_name}  ({row.profile})"

    def _allowed(self, action: Action, keys: Iterable[str]) -> list[str]:
        """The keys the action may go to now; the refusals of the others are shown (nothing sent)."""
        allowed: list[str] = []
        refused: list[str] = []
        for key in keys:
            reason = self._service.refusal(key, action.name)
            (refused if reason else allowed).append(reason or key)
        self._refuse(action, refused)
        return allowed

    def _refuse(self, action: Action, refused: list[str]) -> None:
        if not refused:
            return
        for reason in refused:
            self._note(f"{action.name} refused: {reason}")
        more = f" (+{len(refused) - 1} more)" if len(refused) > 1 else ""
        self._flash(f"{action.title}: nothing sent — {refused[0]}{more}", "warn")

    def _step_begun(self, key: str, text: str) -> None:
        """A step of a multi-step action begins: repaint its row (it shows the step), log it."""
        self._rows_changed([key])
        self._note(text)

    def _warn(self, text: str) -> None:
        self._flash(text, "warn")

    def request(self, name: str) -> None:
        """The key of action ``name`` was pressed: check, ask what it needs, then post the request."""
        action = action_named(name)
        if action.creates_row:  # no row yet: the form asks for everything
            profile = ask.create_profile(self._service, self._table().cursor_key)
            ask.ask_create(self._screen, self._service, action, profile, self._warn)
            return
        keys = self._table().selected()
        if not keys:
            self._flash("no instance here yet", "warn")
            return
        allowed = self._allowed(action, keys)
        if not allowed:
            return
        if "hours" in action.params:
            self._ask_hours(action, allowed)
        elif "flavor" in action.params:
            label = self._label(allowed[0])
            ask.ask_resize(self._screen, self._service, action, allowed, label, self._warn, self._step_begun)
        elif action.confirm_by_name:
            labels = [self._label(k) for k in allowed]
            ask.ask_delete(
                self._screen, self._service, action, allowed, labels, self.save_first(action, allowed)
            )
        elif action.confirm:
            self._confirm(action, allowed)
        else:
            self._screen.post_message(ActionRequested(action.name, allowed))

    def save_first(self, action: Action, keys: list[str]) -> bool:
        """Offer "save as image first" in the confirmation: one row that may be saved now."""
        return action.save_first and len(keys) == 1 and self._service.refusal(keys[0], "save_image") is None

    def ask_save_first(self, action: Action, key: str) -> None:
        """The user chose "save as image first": the image form, then ``action`` once it is ACTIVE."""
        ask_save_image = getattr(self._screen, "ask_save_image", None)
        if ask_save_image is not None:
            ask_save_image(key, then=action.name)

    def _confirm(self, action: Action, keys: list[str]) -> None:
        from tui.ui.screens.confirm import ALTERNATIVE, ConfirmModal

        noun = "this instance" if len(keys) == 1 else f"{len(keys)} instances"
        offer = "Save image first" if self.save_first(action, keys) else ""

        def answered(answer: bool | str | None) -> None:
            if answer == ALTERNATIVE:
                self.ask_save_first(action, keys[0])
            elif answer:
                self._screen.post_message(ActionRequested(action.name, keys))

        labels = [self._label(k) for k in keys]
        modal = ConfirmModal(f"{action.title} {noun}?", labels, action.title, alternative=offer)
        self._screen.app.push_screen(modal, answered)

    def _ask_hours(self, action: Action, keys: list[str]) -> None:
        from tui.ui.screens.prolong import ProlongModal

        def answered(hours: int | None) -> None:
            if hours:
                self._screen.post_message(ActionRequested(action.name, keys, hours))

        first = keys[0].partition("/")[0]
        hours = next((p.prolong_hours for p in self._service.profiles if p.name == first), 2.0)
        self._screen.app.push_screen(ProlongModal([self._label(k) for k in keys], round(hours)), answered)

    # --- sending --------------------------------------------------------------------------------
    def send(self, message: ActionRequested) -> Worker[list[ActionOutcome]] | None:
        """Claim the rows now (a second press is refused at once), then send in a worker (returned;
        None when every row was refused)."""
        action = action_named(message.action)
        claim = self._service.claim(action.name, message.keys)
        self._refuse(action, [o.message for o in claim.refused])
        if not claim.keys:
            return None
        self._rows_changed(claim.keys)
        worker = self._screen.run_worker(
            self._act(claim, message.params), group="actions", exit_on_error=False
        )
        self._claims[worker] = claim
        return worker

    async def _act(self, claim: Claim, params: Mapping[str, object]) -> list[ActionOutcome]:
        method = getattr(self._service, claim.action)  # each declared action has its service method
        outcomes: list[ActionOutcome] = await method(claim, **params)
        self._screen.post_message(ActionsFinished(claim.action, outcomes))
        return outcomes

    def worker_ended(self, worker: Worker[Any], failed: bool) -> None:
        """A worker is over; one that died before the service answered gives its rows back."""
        claim = self._claims.pop(worker, None)
        if claim is not None and failed:
            self._service.release(claim)
            self._rows_changed(claim.keys)

    # --- results --------------------------------------------------------------------------------
    def _outcome_text(self, outcome: ActionOutcome) -> str:
        """One line per outcome, naming the instance: the error's meaning, not its repeat."""
        if outcome.ok or outcome.skipped or outcome.error is None or unknown(outcome):
            return outcome.message
        row = self._service.rows.get(outcome.key)
        name = row.display_name if row else outcome.key
        error = outcome.error
        tag = getattr(error, "code", "") or type(error).__name__
        why = error.meaning or str(error)
        return f"{name}: {outcome.action} failed ({tag}): {why}"

    def finished(self, message: ActionsFinished) -> None:
        done = [o for o in message.outcomes if o.ok]
        failed = [o for o in message.outcomes if not o.ok]
        self._rows_changed(o.key for o in message.outcomes)
        if message.action in ACTIONS and ACTIONS[message.action].creates_row:  # a new row: show it now
            self._table().set_rows(self._service.rows.values())
        for outcome in message.outcomes:
            if outcome.ok or outcome.skipped or unknown(outcome):  # a failed call is logged already
                self._note(outcome.message, error=not outcome.ok)
        title = ACTIONS[message.action].title if message.action in ACTIONS else message.action
        if done:
            names = ", ".join(o.message.split(":")[0] for o in done[:3])
            more = f" and {len(done) - 3} more" if len(done) > 3 else ""
            self._flash(f"{title}: sent for {names}{more}", "info")
        if failed:
            hard = [o for o in failed if not o.skipped]
            more = f" (+{len(failed) - 1} more)" if len(failed) > 1 else ""
            head = f"{title} failed" if hard else f"{title}: nothing sent"
            if unknown(failed[0]):
                head = f"{title}: outcome unknown"
            self._flash(
                f"{head}: {self._outcome_text(failed[0])}{more} · more in the log (l)",
                "error" if hard else "warn",
            )
        stale = StateConflictError | NotFoundError | OutcomeUnknownError  # a refresh tells what is true
        self._actions_done(any(isinstance(o.error, stale) for o in failed))


def unknown(outcome: ActionOutcome) -> bool:
    """Sent, its answer lost, and no read told whether it happened (the row says so)."""
    return isinstance(outcome.error, OutcomeUnknownError)
