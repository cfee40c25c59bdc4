"""The main screen: the context header, the instance table, the filter, the API log and the flash line.

Keys post intents; workers await the service and post results; handlers only update widgets.
Polling: one steady tick recounts countdowns (repainting only changed cells) and starts a refresh
when one is due and none is in flight.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.reactive import var
from textual.widgets import Label
from textual.worker import Worker, WorkerState

from tui.core.errors import AdminListDeniedError, AuthPausedError
from tui.core.models import ApiCall
from tui.service import InstanceService, ProfileStatus
from tui.service.models import ProfileRefresh
from tui.ui.autostop import stopping_soon
from tui.ui.bindings import MAIN_BINDINGS
from tui.ui.cells import duration_text
from tui.ui.expiry_watch import ExpiryWatch, expiries
from tui.ui.heap import release_full_passes
from tui.ui.messages import (
    ActionRequested,
    ActionsFinished,
    CallRecorded,
    InstancesRefreshed,
    ProfileRefreshed,
    RefreshRequested,
)
from tui.ui.screens.connect_keys import ConnectKeys
from tui.ui.screens.lifecycle_ask import LifecycleKeys
from tui.ui.screens.main_view import ViewKeys
from tui.ui.screens.notebook_keys import NotebookKeys
from tui.ui.screens.row_actions import RowActions
from tui.ui.summaries import refresh_summary
from tui.ui.widgets.flash import FlashLine
from tui.ui.widgets.footer import KeyFooter
from tui.ui.widgets.header import ContextHeader, HeaderView, context_text
from tui.ui.widgets.inputs import FieldInput
from tui.ui.widgets.instance_table import InstanceTable
from tui.ui.widgets.log_panel import LogPanel

FAST_POLL_S = 2.0
ROWS_EVERY_S = 0.4  # while profiles come in one by one, the table takes their rows at most this often
POLL_CALLS_SHOWN = 100  # the log panel shows the last this many list calls of a refresh (the file: all)


class MainScreen(ConnectKeys, LifecycleKeys, NotebookKeys, ViewKeys):
    """Every instance of every enabled profile, live."""

    BINDINGS: ClassVar[list[BindingType]] = list(MAIN_BINDINGS)
    AUTO_FOCUS = "#instance-table"

    # What the header shows besides the table's counts (the table's ``view_version``) and the
    # service's state; each change repaints it through ``_status_inputs_changed``, the one path.
    paused: var[bool] = var(False, init=False)
    """True while polling is paused (settings open)."""
    loaded: var[bool] = var(False, init=False)
    """True once the first refresh came back."""
    statuses: var[tuple[ProfileStatus, ...]] = var((), init=False)
    """How the last refresh of each profile went."""
    now: var[float] = var(0.0, init=False)
    """The clock at the last tick (the header's "updated 4s ago", "last ok 2m ago")."""
    in_flight: var[bool] = var(False, init=False)
    """The header's activity marker: the user's refresh (r) or the first one is out, or a poll
    has been out for a tick (a quick poll leaves the header still: less to send over SSH)."""
    updated_at: var[float | None] = var(None, init=False)
    """When the last refresh came back (the screen's clock)."""

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
        self._expiry = ExpiryWatch()
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
            self, service, lambda: self.table, self.note, self._rows_changed, self._actions_done, self.flash
        )
        """Start, stop, prolong and every other declared action on the selected rows."""
        self._refresh_worker: Worker[None] | None = None
        self._last_poll = float("-inf")
        self._notified: set[tuple[str, int]] = set()
        self._announced: dict[str, str] = {}
        self._early_notes: list[tuple[str, bool]] = []
        self._recount_due = False
        """Ticks were skipped while the table was covered: recount every row on the next one."""
        self._polling = False
        """A refresh started and its result has not arrived: its list calls wait in ``_poll_calls``."""
        self._poll_calls: list[ApiCall] = []
        self._asked = False
        """The running refresh is the user's (``r``): its result is flashed."""
        self._rows_due = False
        """Profiles came in since the table last took the service's rows (shown next frame)."""
        self._rows_at = float("-inf")

    # --- layout ---------------------------------------------------------------------------------
    @property
    def log_panel(self) -> LogPanel:
        return self.query_one(LogPanel)

    @property
    def header(self) -> ContextHeader:
        return self.query_one(ContextHeader)

    def compose(self) -> ComposeResult:
        yield ContextHeader(id="context-header")
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
        yield FlashLine(id="flash-line", clock=self._clock)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#filter-bar").display = False
        self.log_panel.border_title = "API log"
        self.log_panel.display = self._show_log
        for text, error in self._early_notes:
            self.log_panel.add_note(text, error=error)
        self._early_notes.clear()
        if self._early_flash is not None:
            self.flash_line.flash(*self._early_flash)
            self._early_flash = None
        self.watch(self.table, "view_version", self._status_inputs_changed, init=False)
        for name in ("paused", "loaded", "statuses", "now", "in_flight", "updated_at"):
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
        if self.refreshing and not self.in_flight:
            self.in_flight = True  # a poll still out after a tick: a slow link shows it
        self.flash_line.expire()
        if self.paused:
            return
        interval = self.poll_interval()  # a scan of every row for one that moves: once a tick
        if time.monotonic() - self._last_poll >= interval:
            self._start_refresh(due_after=interval / 2)

    def _start_refresh(self, *, force: bool = False, due_after: float | None = None) -> None:
        """A new round: profiles still out from an earlier one (a slow endpoint) are left to it,
        so every other profile updates on time; a poll (``due_after``) leaves out profiles
        listed less than that many seconds ago (they came in late in the round before)."""
        if self.refreshing and not self.service.idle_profiles():
            return  # every profile is still out
        self._last_poll = time.monotonic()
        self._polling = True
        if force or not self.loaded:
            self.in_flight = True
        self._refresh_worker = self._refresh(force, due_after)

    @work(group="refresh", exit_on_error=False)
    async def _refresh(self, force: bool, due_after: float | None = None) -> None:
        result = await self.service.refresh(force=force, on_profile=self._profile_in, due_after=due_after)
        self.post_message(InstancesRefreshed(result))

    def _profile_in(self, update: ProfileRefresh) -> None:
        self.post_message(ProfileRefreshed(update))

    def on_profile_refreshed(self, message: ProfileRefreshed) -> None:
        """Show what one profile brought at the next frame, with every other one in by then; at
        most every ``ROWS_EVERY_S`` (a table update repaints every visible cell: keys go between)."""
        if self._rows_due:
            return
        self._rows_due = True
        wait = self._rows_at + ROWS_EVERY_S - time.monotonic()
        if wait > 0:
            self.set_timer(wait, self._show_rows, name="rows")
        else:
            self.call_after_refresh(self._show_rows)

    def _show_rows(self) -> None:
        self._rows_due = False
        self._rows_at = time.monotonic()
        self.loaded = True
        self.statuses = self.service.statuses
        stale = {s.name for s in self.statuses if not s.ok}
        self.table.set_rows(self.service.rows.values(), stale)

    def on_refresh_requested(self, message: RefreshRequested) -> None:
        if message.force:
            self._asked = True  # the user pressed r: the flash line says how it went
            self.flash("refreshing…")
        self._start_refresh(force=message.force)

    def on_instances_refreshed(self, message: InstancesRefreshed) -> None:
        result = message.result
        self._flush_poll_calls(show=bool(result.changed or result.added or result.removed))
        self.loaded = True
        self.in_flight = self.service.refreshing()  # a slow profile's listing may still be out
        self.updated_at = result.at
        self.statuses = result.profiles
        self._announce(self.statuses)
        stale = {s.name for s in self.statuses if not s.ok}
        self.table.set_rows(self.service.rows.values(), stale)  # claims made since are in it too
        self._warn_auto_stop()
        for line in result.settled:  # an action's lost answer, settled by this refresh
            self.note(line)
            self.flash(line, "info")
        if self._asked:
            self._asked = False
            self.flash(*refresh_summary(result))

    def _announce(self, statuses: Iterable[ProfileStatus]) -> None:
        """Log a profile's pause or standing warning in full once, when it starts or changes."""
        for status in statuses:
            paused = status.error if isinstance(status.error, AuthPausedError) else None
            text = str(paused) if paused is not None else (status.warning or "")
            if isinstance(status.error, AdminListDeniedError):  # scope = "all", no admin policy
                text = f"{status.error.detail}. {status.error.hint}"
                if self._announced.get(status.name) != text:
                    self.flash(f"{status.name}: {status.error.detail}", "error")
            if text and self._announced.get(status.name) != text:
                failed = paused is not None or isinstance(status.error, AdminListDeniedError)
                self.note(f"{status.name}: {text}" if paused is None else text, error=failed)
                if status.notes and paused is None:  # the listing fell short: say so at once
                    self.flash(status.notes[0], "warn")
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
        self.table.set_multi_profile(len(enabled) > 1, owners=any(p.scope == "all" for p in enabled))
        names = {p.name for p in enabled}
        if self.table.scope is not None and self.table.scope not in names:
            self.table.set_scope(None)
        self.table.set_rows(self.service.rows.values())

    def _status_inputs_changed(self) -> None:
        """The one path to the header: something it shows changed."""
        if not self.is_mounted:
            return
        table = self.table
        enabled = [p for p in self.service.profiles if p.enabled]
        now = self._clock()
        for text, level in self._expiry.news(enabled, now):
            self.flash(text, level)
        self.header.show(
            HeaderView(
                expiries=expiries(enabled, now),
                profiles=self.statuses,
                contexts=tuple((p.name, context_text(p)) for p in enabled),
                now=now,
                loaded=self.loaded,
                shown=table.visible_count,
                total=len(table.rows_by_key()),
                marked=len(table.marked),
                needle=table.filter_text,
                scope=table.scope,
                updated_at=self.updated_at,
                refreshing=self.in_flight,
                paused=self.paused,
                demo=self._demo,
                read_only=frozenset(p.name for p in enabled if p.read_only),
            )
        )

    def _warn_auto_stop(self) -> None:
        """Rows due to auto-stop soon are marked in their AUTO-STOP cell; newly due ones get one
        flash for all of them (not a popup each) and a log line each."""
        if not any(self.notify_minutes.values()):
            return
        now_ms = int(self._clock() * 1000)
        due = stopping_soon(self.service.rows.values(), self.notify_minutes, now_ms, self._notified)
        if not due:
            return
        for row, left in due:
            self.note(f"{row.display_name} stops automatically in {duration_text(left)}")
        row, left = due[0]
        more = f" (+{len(due) - 1} more)" if len(due) > 1 else ""
        can_prolong = any(self.service.refusal(r.key, "prolong") is None for r, _ in due)
        hint = " · p prolongs" if can_prolong else ""
        self.flash(f"auto-stop soon: {row.display_name} in {duration_text(left)}{more}{hint}", "warn")

    # --- the log --------------------------------------------------------------------------------
    def on_call_recorded(self, message: CallRecorded) -> None:
        call = message.call
        if self._polling and call.ok and call.method == "GET" and not self.service.in_flight:
            self._poll_calls.append(call)  # shown once the refresh says it changed something
        else:
            self.log_panel.add_call(call)

    def _flush_poll_calls(self, *, show: bool) -> None:
        """The refresh is over: its list calls go to the panel when it changed something (a poll
        that changed nothing went to the call log file only: it would scroll away what matters)."""
        self._polling = False
        calls, self._poll_calls = self._poll_calls, []
        if not show:
            return
        more = len(calls) - POLL_CALLS_SHOWN  # 1,000 profiles: a second of panel lines at once, most cut
        if more > 0:
            self.note(f"… {more:,} earlier list calls of this refresh: in the call log file")
        for call in calls[-POLL_CALLS_SHOWN:]:
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
        if failed and event.worker is self._refresh_worker:
            self._flush_poll_calls(show=True)
            self.in_flight = False
            release_full_passes()  # no snapshot from this round: the collector's full passes resume
        if event.state is WorkerState.ERROR:
            report = getattr(self.app, "report_worker_error", None)
            if report is not None:
                report(event.worker)
