"""The main screen: the instance table, the filter, the API log and the status bar.

Keys post intents; workers await the service and post results; handlers only update widgets.
Polling: one steady tick recounts countdowns (repainting only changed cells) and starts a refresh
when one is due and none is in flight.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.keys import key_to_character
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Input, Label
from textual.worker import Worker, WorkerState

from tui.core.errors import AuthPausedError
from tui.core.models import ApiCall
from tui.service import InstanceService, ProfileStatus
from tui.service.models import ProfileRefresh
from tui.ui.autostop import stopping_soon
from tui.ui.bindings import MAIN_BINDINGS
from tui.ui.cells import duration_text
from tui.ui.messages import (
    ActionRequested,
    ActionsFinished,
    CallRecorded,
    InstancesRefreshed,
    ProfileRefreshed,
    RefreshRequested,
)
from tui.ui.screens.row_actions import RowActions
from tui.ui.widgets.inputs import FieldInput
from tui.ui.widgets.instance_table import InstanceTable
from tui.ui.widgets.log_panel import LogPanel
from tui.ui.widgets.status_bar import StatusBar, StatusView

FAST_POLL_S = 2.0


class MainScreen(Screen[None]):
    """Every instance of every enabled profile, live."""

    BINDINGS: ClassVar[list[BindingType]] = list(MAIN_BINDINGS)
    AUTO_FOCUS = "#instance-table"

    # What the status bar shows besides the table's counts (the table's ``view_version``) and the
    # service's state; each change repaints it through ``_status_inputs_changed``, the one path.
    paused: var[bool] = var(False, init=False)
    """True while polling is paused (settings open)."""
    loaded: var[bool] = var(False, init=False)
    """True once the first refresh came back."""
    statuses: var[tuple[ProfileStatus, ...]] = var((), init=False)
    """How the last refresh of each profile went."""
    now: var[float] = var(0.0, init=False)
    """The clock at the last tick (the bar's "last ok 2m ago")."""

    def __init__(
        self,
        service: InstanceService,
        *,
        clock: Callable[[], float] = time.time,
        poll_interval_s: float = 10.0,
        fast_poll_s: float = FAST_POLL_S,
        show_log: bool = True,
        tick_s: float = 1.0,
        notify_minutes: Mapping[str, int] | None = None,
        demo: bool = False,
        stable_log: bool = False,
    ) -> None:
        super().__init__()
        self.service = service
        self._clock = clock
        self.poll_interval_s = poll_interval_s
        """Seconds between polls while every row is stable."""
        self.fast_poll_s = fast_poll_s
        """Seconds between polls while some row is moving or has a request in flight."""
        self._show_log = show_log
        self._tick_s = tick_s
        self.notify_minutes: dict[str, int] = dict(notify_minutes or {})
        self._demo = demo
        self._stable_log = stable_log
        self.actions = RowActions(
            self, service, lambda: self.table, self.note, self._rows_changed, self._actions_done
        )
        """Start, stop, prolong and every other declared action on the selected rows."""
        self._refresh_worker: Worker[None] | None = None
        self._last_poll = float("-inf")
        self._notified: set[tuple[str, int]] = set()
        self._announced: dict[str, str] = {}
        self._early_notes: list[tuple[str, bool]] = []
        self._filter_origin: str | None = None
        """The cursor row before the filter opened: Escape in the filter goes back to it."""
        self._recount_due = False
        """Ticks were skipped while the table was covered: recount every row on the next one."""
        self._polling = False
        """A refresh started and its result has not arrived: its list calls wait in ``_poll_calls``."""
        self._poll_calls: list[ApiCall] = []
        self._rows_due = False
        """Profiles came in since the table last took the service's rows (shown next frame)."""

    # --- layout ---------------------------------------------------------------------------------
    @property
    def table(self) -> InstanceTable:
        return self.query_one(InstanceTable)

    @property
    def log_panel(self) -> LogPanel:
        return self.query_one(LogPanel)

    @property
    def status_bar(self) -> StatusBar:
        return self.query_one(StatusBar)

    def compose(self) -> ComposeResult:
        with Horizontal(id="filter-bar"):
            yield Label("filter /", id="filter-label")
            yield FieldInput(
                placeholder="name, alias, id, status, profile, flavor",
                id="filter-input",
                compact=True,
                select_on_focus=False,
            )
            yield Label("enter keep · esc clear", id="filter-hint")
        yield InstanceTable(id="instance-table", clock=self._clock)
        yield LogPanel(id="log-panel", clock=self._clock, stable_log=self._stable_log)
        yield StatusBar(id="status-bar")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#filter-bar").display = False
        self.log_panel.border_title = "API log"
        self.log_panel.display = self._show_log
        for text, error in self._early_notes:
            self.log_panel.add_note(text, error=error)
        self._early_notes.clear()
        self.watch(self.table, "view_version", self._status_inputs_changed, init=False)
        for name in ("paused", "loaded", "statuses", "now"):
            self.watch(self, name, self._status_inputs_changed, init=False)
        self.profiles_changed()
        self.set_interval(self._tick_s, self._tick, name="tick")
        self._start_refresh()

    # --- polling --------------------------------------------------------------------------------
    @property
    def refreshing(self) -> bool:
        """True while the latest refresh round is running (a slow profile's may outlast it)."""
        return self._refresh_worker is not None and not self._refresh_worker.is_finished

    def poll_interval(self) -> float:
        """Seconds until the next poll: fast while anything moves."""
        moving = self.service.busy()
        return min(self.fast_poll_s, self.poll_interval_s) if moving else self.poll_interval_s

    def _tick(self) -> None:
        if self.paused or self.app.screen is not self:
            self._recount_due = True  # nobody sees the table: recount once it shows again
        else:
            self.table.tick(full=self._recount_due)
            self._recount_due = False
        self._warn_auto_stop()
        self.now = self._clock()
        if self.paused:
            return
        if time.monotonic() - self._last_poll >= self.poll_interval():
            self._start_refresh()

    def _start_refresh(self, *, force: bool = False) -> None:
        """A new round: profiles still out from an earlier one (a slow endpoint) are left to it,
        so every other profile updates on time."""
        if self.refreshing and not self.service.idle_profiles():
            return
        self._last_poll = time.monotonic()
        self._polling = True
        self._refresh_worker = self._refresh(force)

    @work(group="refresh", exit_on_error=False)
    async def _refresh(self, force: bool) -> None:
        result = await self.service.refresh(force=force, on_profile=self._profile_in)
        self.post_message(InstancesRefreshed(result))

    def _profile_in(self, update: ProfileRefresh) -> None:
        self.post_message(ProfileRefreshed(update))

    def on_profile_refreshed(self, message: ProfileRefreshed) -> None:
        """Show what one profile brought at the next frame, with every other one in by then."""
        if not self._rows_due:
            self._rows_due = True
            self.call_after_refresh(self._show_rows)

    def _show_rows(self) -> None:
        self._rows_due = False
        self.loaded = True
        self.statuses = self.service.statuses
        stale = {s.name for s in self.statuses if not s.ok}
        self.table.set_rows(self.service.rows.values(), stale)

    def on_refresh_requested(self, message: RefreshRequested) -> None:
        self._start_refresh(force=message.force)

    def on_instances_refreshed(self, message: InstancesRefreshed) -> None:
        result = message.result
        self._flush_poll_calls(show=bool(result.changed or result.added or result.removed))
        self.loaded = True
        self.statuses = result.profiles
        self._announce(self.statuses)
        stale = {s.name for s in self.statuses if not s.ok}
        self.table.set_rows(self.service.rows.values(), stale)  # claims made since are in it too
        self._warn_auto_stop()

    def _announce(self, statuses: Iterable[ProfileStatus]) -> None:
        """Log a profile's pause or standing warning in full once, when it starts or changes."""
        for status in statuses:
            paused = status.error if isinstance(status.error, AuthPausedError) else None
            text = str(paused) if paused is not None else (status.warning or "")
            if text and self._announced.get(status.name) != text:
                self.note(f"{status.name}: {text}" if paused is None else text, error=paused is not None)
            self._announced[status.name] = text

    # --- actions (RowActions does the asking and sending) ----------------------------------------
    def action_start_selected(self) -> None:
        self.actions.request("start")

    def action_stop_selected(self) -> None:
        self.actions.request("stop")

    def action_prolong_selected(self) -> None:
        self.actions.request("prolong")

    def on_action_requested(self, message: ActionRequested) -> None:
        self.actions.send(message)

    def on_actions_finished(self, message: ActionsFinished) -> None:
        self.actions.finished(message)

    def _rows_changed(self, keys: Iterable[str]) -> None:
        """Repaint rows from the service's snapshot (a claim, a release, an answer)."""
        for key in keys:
            row = self.service.rows.get(key)
            if row is not None:
                self.table.update_row(row)

    def _actions_done(self, stale: bool) -> None:
        self._last_poll = time.monotonic()  # the next poll comes after the (fast) interval
        if stale:
            self._start_refresh()  # our snapshot was out of date: show what the service says now

    def profiles_changed(self) -> None:
        """The service got new profiles: relayout for one or several, refresh now."""
        enabled = [p for p in self.service.profiles if p.enabled]
        self.table.set_multi_profile(len(enabled) > 1)
        names = {p.name for p in enabled}
        if self.table.scope is not None and self.table.scope not in names:
            self.table.set_scope(None)
        self.table.set_rows(self.service.rows.values())

    def _status_inputs_changed(self) -> None:
        """The one path to the status bar: something it shows changed."""
        if not self.is_mounted:
            return
        poll = "paused" if self.paused else f"poll {self.poll_interval():g}s"
        table = self.table
        self.status_bar.show(
            StatusView(
                profiles=self.statuses,
                now=self._clock(),
                loaded=self.loaded,
                shown=table.visible_count,
                total=len(table.rows_by_key()),
                marked=len(table.marked),
                needle=table.filter_text,
                scope=table.scope,
                poll=poll,
                demo=self._demo,
                read_only=frozenset(p.name for p in self.service.profiles if p.read_only),
            )
        )

    def _warn_auto_stop(self) -> None:
        if not any(self.notify_minutes.values()):
            return
        now_ms = int(self._clock() * 1000)
        for row, left in stopping_soon(
            self.service.rows.values(), self.notify_minutes, now_ms, self._notified
        ):
            can_prolong = self.service.refusal(row.key, "prolong") is None
            self.notify(
                f"{row.display_name} stops automatically in {duration_text(left)}."
                + (" Press p to prolong." if can_prolong else ""),
                title="Auto-stop soon",
                severity="warning",
                timeout=15,
                markup=False,
            )

    # --- the log --------------------------------------------------------------------------------
    def on_call_recorded(self, message: CallRecorded) -> None:
        call = message.call
        if self._polling and call.ok and call.method == "GET" and not self.service.in_flight:
            self._poll_calls.append(call)  # shown once the refresh says it changed something
        else:
            self.log_panel.add_call(call)

    def _flush_poll_calls(self, *, show: bool) -> None:
        """The refresh is over: its list calls go to the panel when it changed something.

        A poll that changed nothing still went to the call log file (``app.record_call``), but
        a panel line for it every few seconds would only scroll away what matters.
        """
        self._polling = False
        calls, self._poll_calls = self._poll_calls, []
        if show:
            for call in calls:
                self.log_panel.add_call(call)

    def note(self, text: str, *, error: bool = False) -> None:
        """A line in the log panel that is not an API call (kept until the panel exists)."""
        if not self.is_mounted:
            self._early_notes.append((text, error))
            return
        self.log_panel.add_note(text, error=error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Backstop: a worker that raised is logged; its rows stop showing a request in flight."""
        if event.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        failed = event.state is not WorkerState.SUCCESS
        self.actions.worker_ended(event.worker, failed)
        if not failed:
            return
        if event.worker is self._refresh_worker:
            self._flush_poll_calls(show=True)
        if event.state is WorkerState.ERROR:
            report = getattr(self.app, "report_worker_error", None)
            if report is not None:
                report(event.worker)

    # --- view -----------------------------------------------------------------------------------
    def action_toggle_mark(self) -> None:
        key = self.table.cursor_key
        if key is None:
            return
        self.table.toggle_mark(key)
        self.table.action_cursor_down()

    def action_refresh_now(self) -> None:
        self.post_message(RefreshRequested(force=True))

    def action_open_filter(self) -> None:
        field = self.query_one("#filter-input", Input)
        if self.focused is field:
            # A priority binding: inside the filter the key is a character. Queue it behind the keys
            # the field has not handled yet, so the order of what was typed is kept.
            keymap: dict[str, str] = getattr(self.app, "user_keymap", {})
            key = keymap.get("filter", "slash").split(",")[0].strip()
            character = key if len(key) == 1 else "/" if key == "slash" else key_to_character(key)
            if character is not None:
                field.post_message(events.Key("slash" if character == "/" else key, character))
            return
        bar = self.query_one("#filter-bar")
        if not bar.display:
            self._filter_origin = self.table.cursor_key
        bar.display = True
        # Focus now, not on the next loop turn: keys typed right after "/" belong to the filter.
        self.set_focus(field)

    @on(Input.Changed, "#filter-input")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.set_filter(event.value.strip())

    @on(Input.Submitted, "#filter-input")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value.strip():
            self.query_one("#filter-bar").display = False
        self.table.focus()

    def action_clear_view(self) -> None:
        field = self.query_one("#filter-input", Input)
        in_filter = self.focused is field
        if in_filter or (not self.table.marked and self.table.filter_text):
            cancelled = in_filter
            field.value = ""
            self.query_one("#filter-bar").display = False
            self.table.set_filter("")
            if cancelled:
                self.table.move_to(self._filter_origin)
            self.table.focus()
        else:
            self.table.clear_marks()

    def action_toggle_log(self) -> None:
        panel = self.log_panel
        panel.display = not panel.display

    def action_open_details(self) -> None:
        from tui.ui.screens.details import DetailsScreen

        key = self.table.cursor_key
        row = self.table.row_for(key) if key else None
        if row is not None:
            self.app.push_screen(DetailsScreen(row, self.service, clock=self._clock))

    def action_open_settings(self) -> None:
        opener = getattr(self.app, "open_settings", None)
        if opener is not None:
            opener()

    def action_quit(self) -> None:
        self.app.exit()

    def set_scope(self, profile: str | None) -> None:
        """Show one profile (the palette's "switch profile"), or all."""
        self.table.set_scope(profile)
