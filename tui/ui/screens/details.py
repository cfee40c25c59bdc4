"""One instance in full: the raw status, its tags and owner, and the whole JSON the service returned.

``t`` adds tags and ``T`` removes them (``tui.ui.screens.tags`` asks); the request goes through the
main screen's row actions (claimed at once, logged, flashed) and the screen shows the fresh read.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, ClassVar

from rich.json import JSON
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import Worker, WorkerFailed, WorkerState

from tui.core.actions import action_named
from tui.core.errors import ModelArtsError
from tui.core.models import FAMILY_NOTEBOOKS, Instance
from tui.service import ActionOutcome, InstanceService, Row
from tui.ui.cells import age_text, countdown_text, flavor_text, status_text
from tui.ui.messages import ActionRequested, DetailsFailed, DetailsLoaded
from tui.ui.screens.details_connect import connect_text
from tui.ui.screens.tags import TagModal, owner_tags_text
from tui.ui.widgets.footer import KeyFooter
from tui.ui.widgets.scroll import KeyScroll


def instance_json(instance: Instance) -> str:
    """The raw JSON of the instance (the parsed fields when the raw answer is missing)."""
    data: dict[str, Any] = instance.raw or {
        k: v for k, v in asdict(instance).items() if k not in ("raw", "extra")
    }
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


class DetailsScreen(Screen[None]):
    """Shows the cached row at once, then a fresh read from the service."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Back", id="details-close"),
        Binding("r", "reload", "Reload", id="details-reload"),
        Binding("t", "edit_tags(True)", "Add tag", id="details-tag"),
        Binding("T", "edit_tags(False)", "Remove tag", id="details-untag"),
    ]

    def __init__(self, row: Row, service: InstanceService, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self._row = row
        self._service = service
        self._clock = clock
        self._error = ""

    def compose(self) -> ComposeResult:
        yield Static(id="details-head")
        with KeyScroll(id="details-body"):
            yield Static(id="details-json")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._show(self._row.instance, note="from the last poll; reading…")
        self.query_one("#details-body").focus()
        self.action_reload()

    def _show(self, instance: Instance, note: str = "") -> None:
        self.query_one("#details-head", Static).update(self._head(instance, note))
        self.query_one("#details-json", Static).update(JSON(instance_json(instance)))

    def _head(self, instance: Instance, note: str) -> Text:
        """Four short lines, each under 80 columns for the ids, states and flavors the services use
        (name and where; id and age; state; flavor); a longer value is cut with …, never wrapped."""
        head = Text(no_wrap=True, overflow="ellipsis")
        head.append(self._row.display_name, style="bold")
        if self._row.alias:
            head.append(f" ({instance.name})")
        head.append(f" · {self._row.profile} · {instance.family}\n")
        now_ms = int(self._clock() * 1000)
        head.append(f"{instance.id} · age {age_text(instance.created_ms, now_ms)}\n")
        head.append(status_text(instance), style="bold")
        countdown, _ = countdown_text(instance, now_ms)
        head.append(f" · raw status {instance.status}, phase {instance.phase.value} · auto-stop {countdown}")
        head.append(f"\nflavor {flavor_text(instance)} ({instance.flavor or '—'})")
        head.append_text(connect_text(instance))
        head.append_text(owner_tags_text(instance))
        if note:
            head.append(f"\n{note}", style="dim")
        return head

    @work(exclusive=True, group="details", exit_on_error=False)
    async def _load(self) -> None:
        try:
            instance = await self._service.details(self._row.key)
        except ModelArtsError as error:
            self.post_message(DetailsFailed(self._row.key, error))
            return
        self.post_message(DetailsLoaded(self._row.key, instance))

    def on_details_loaded(self, message: DetailsLoaded) -> None:
        self._show(message.instance)

    def on_details_failed(self, message: DetailsFailed) -> None:
        self._show(self._row.instance, note=f"read failed: {message.error}")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self._show(self._row.instance, note=f"read failed unexpectedly: {event.worker.error}")
            report = getattr(self.app, "report_worker_error", None)
            if report is not None:
                report(event.worker)

    def action_reload(self) -> None:
        self._load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Tags are a notebooks-API feature: the keys are not offered on a v1 instance."""
        if action == "edit_tags":
            return self._row.instance.family == FAMILY_NOTEBOOKS
        return True

    def action_edit_tags(self, adding: bool) -> None:
        """Ask for tags to add (or keys to remove), then send through the main screen's row actions."""
        action = "tag" if adding else "untag"
        key = self._row.key
        row = self._service.rows.get(key, self._row)
        reason = self._service.refusal(key, action)
        if reason is None and not adding and not row.instance.tags:
            reason = f"{row.display_name} has no tags"
        if reason:
            self._show(row.instance, note=f"{'Tag' if adding else 'Untag'}: nothing sent — {reason}")
            return

        def answered(params: dict[str, object] | None) -> None:
            actions = getattr(getattr(self.app, "main_screen", None), "actions", None)
            if params and actions is not None:
                worker = actions.send(ActionRequested(action, [key], params=params))
                if worker is not None:
                    self._show(row.instance, note=f"{row.display_name}: {action_named(action).pending}")
                    self._follow(worker)

        label = f"{row.display_name}  ({row.profile})"
        self.app.push_screen(TagModal(label, row.instance.tags, adding=adding), answered)

    @work(group="details-follow", exit_on_error=False)
    async def _follow(self, worker: Worker[list[ActionOutcome]]) -> None:
        """Wait for the tag change, then show the row as the service has it now, with the outcome."""
        with contextlib.suppress(WorkerFailed):  # the main screen logged it and gave the row back
            await worker.wait()
        outcomes = worker.result or []
        row = self._service.rows.get(self._row.key, self._row)
        self._show(row.instance, note="; ".join(o.message for o in outcomes))

    def action_close(self) -> None:
        self.dismiss(None)
