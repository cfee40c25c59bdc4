"""The Textual app and ``make_app``, the one factory the CLI, the tests and the screenshots use."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from pathlib import Path, PurePath
from typing import Any, ClassVar

from rich.errors import MarkupError
from rich.text import Text
from textual.app import App, SystemCommand
from textual.binding import BindingType
from textual.command import Provider
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker

from tui.config.model import Config
from tui.config.paths import config_path as default_config_path
from tui.config.sources import Place
from tui.config.store import check_permissions, load_config
from tui.core.models import ApiCall
from tui.service import InstanceService, Runtime, Transport
from tui.service.factory import service_runtime
from tui.ui.bindings import APP_BINDINGS, key_conflicts, unknown_ids
from tui.ui.commands import ActionCommands
from tui.ui.heap import hold_full_passes, release_full_passes, settle_heap
from tui.ui.logfile import CallLogFile, open_call_log
from tui.ui.messages import CallRecorded, InstancesRefreshed
from tui.ui.screens.main import MainScreen
from tui.ui.widgets.flash import Level

STYLES = Path(__file__).parent / "styles"
LOW_BANDWIDTH_TICK_S = 15.0
LOW_BANDWIDTH_POLL_S = 30.0
LOW_BANDWIDTH_FAST_POLL_S = 5.0
FEW_COLOURS = ("standard", "windows")
"""Rich colour systems of 8/16-colour terminals: the app then uses the terminal's own palette."""


SYSTEM_COMMANDS_KEPT = frozenset({"Theme", "Quit"})


class ModelArtsApp(App[int]):
    """ModelArts notebook instances of every configured profile, in one live table."""

    TITLE = "modelarts-tui"
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        STYLES / "app.tcss",
        STYLES / "main.tcss",
        STYLES / "dialogs.tcss",
        STYLES / "settings.tcss",
    ]
    BINDINGS: ClassVar[list[BindingType]] = list(APP_BINDINGS)
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = App.COMMANDS | {ActionCommands}
    place: Place | None = None
    """Where the import looks for credentials (None: this machine's environment and home folder)."""

    def __init__(
        self,
        config: Config,
        config_path: Path,
        service: InstanceService,
        *,
        owns_service: bool = False,
        clock: Callable[[], float] | None = None,
        demo: bool = False,
        low_bandwidth: bool = False,
        first_run: bool = False,
        log_dir: Path | None = None,
        stable_log: bool = False,
    ) -> None:
        """Built by ``make_app``; ``owns_service``: the app closes the service on exit; ``clock``
        (default: the service's) drives ages, countdowns and log times."""
        super().__init__()
        self.config = config
        """The config as last loaded or saved."""
        self.config_path = config_path
        self.service = service
        self.clock = clock = clock or service.runtime.clock
        self.demo = demo
        self.low_bandwidth = low_bandwidth or config.ui.low_bandwidth
        self.first_run = first_run or not config.profiles
        self.call_log: CallLogFile | None
        self.call_log, self._log_problem = open_call_log(log_dir)
        self._owns_service = owns_service
        if service.on_call is None:
            service.on_call = self.record_call
        self._keymap_problems = unknown_ids(config.ui.keys)
        known = {k: v for k, v in config.ui.keys.items() if k not in self._keymap_problems}
        self._key_clashes = key_conflicts(known)  # such a remap is dropped: quit must stay on q
        self.user_keymap = {k: v for k, v in known.items() if k not in {c[0] for c in self._key_clashes}}
        """The user's key remapping (binding id -> key), as applied."""
        self.set_keymap(self.user_keymap)
        if self.low_bandwidth:
            self.animation_level = "none"
        self.main_screen = MainScreen(
            self.service,
            clock=clock,
            poll_interval_s=_poll(config, self.low_bandwidth)[0],
            fast_poll_s=_poll(config, self.low_bandwidth)[1],
            show_log=config.ui.log_panel,
            tick_s=LOW_BANDWIDTH_TICK_S if self.low_bandwidth else 1.0,
            notify_minutes=_notify_minutes(config),
            demo=demo,
            stable_log=stable_log,
        )

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own palette commands that work here: Theme and Quit. Keys opened a panel that
        Esc and ? could not close, Screenshot failed to save, Maximize fits no screen of ours."""
        for command in super().get_system_commands(screen):
            if command.title in SYSTEM_COMMANDS_KEPT:
                yield command

    # --- lifecycle ------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen[Any]:
        return self.main_screen

    def on_mount(self) -> None:
        if self.config.profiles:
            hold_full_passes()  # until the first snapshot is in (on_instances_refreshed)
        theme = self.config.ui.theme
        if theme and theme in self.available_themes:
            self.theme = theme
        else:
            if theme:
                self.main_screen.note(
                    f"config ui.theme: no theme called {theme!r}; using the default", error=True
                )
            if not self.is_headless and self.console.color_system in (*FEW_COLOURS, None):
                self.theme = "ansi-dark"  # the terminal's own 8/16 colours, not approximations
        if self._log_problem:
            self.main_screen.note(self._log_problem, error=True)
        if self._keymap_problems:
            self.main_screen.note(
                f"config ui.keys: unknown binding ids {', '.join(self._keymap_problems)} (see ? for ids)",
                error=True,
            )
        for binding, key, other in self._key_clashes:
            self.main_screen.note(
                f"config ui.keys: {binding} = {key!r} is the key of {other}; {binding} keeps its own key",
                error=True,
            )
        permissions = check_permissions(self.config_path) if self.config_path.exists() else None
        if permissions:
            self.main_screen.note(permissions, error=True)
            self.main_screen.flash(permissions, "warn")
        if self.first_run:
            self.open_import(first_run=True)

    def on_instances_refreshed(self, message: InstancesRefreshed) -> None:
        """The first snapshot is in (the screen showed it first): the heap it built is for keeps."""
        settle_heap()

    async def on_unmount(self) -> None:
        release_full_passes()  # closing before the first snapshot came: the process goes on collecting
        if self._owns_service:
            await self.service.aclose()
        if self.call_log is not None:
            self.call_log.close()

    # --- calls and errors -----------------------------------------------------------------------
    def record_call(self, call: ApiCall) -> None:
        """The service's ``on_call``: the log file now, the log panel through a message."""
        if self.call_log is not None:
            with contextlib.suppress(OSError):
                self.call_log.write(call)
        self.main_screen.post_message(CallRecorded(call))

    def report_worker_error(self, worker: Worker[Any]) -> None:
        """The backstop for a worker that raised: a log line, the log file, one notification."""
        error = worker.error
        text = f"unexpected error in {worker.name or worker.group}: {type(error).__name__}: {error}"
        self.main_screen.note(text, error=True)
        if self.call_log is not None:
            self.call_log.write_text(text)
        self.main_screen.flash(f"{text} · more in the log (l)", "error")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        from textual.worker import WorkerState

        if event.state is WorkerState.ERROR:
            self.report_worker_error(event.worker)

    # --- screens --------------------------------------------------------------------------------
    def open_settings(self, first_run: bool = False) -> None:
        """Push the settings screen; polling pauses until it closes."""
        from tui.ui.screens.settings import SettingsScreen

        self.main_screen.paused = True
        self.push_screen(
            SettingsScreen(self.config, self.config_path, self.service, first_run=first_run),
            self._settings_closed,
        )

    def open_import(self, first_run: bool = False) -> None:
        """Offer the credentials found on this machine (``OnboardScreen``); on a first run with none,
        or when the user prefers it (escape), the settings form instead."""
        from tui.service.onboarding import find_candidates
        from tui.ui.screens.onboard import OnboardScreen

        place = self.place or Place()
        scan = find_candidates(place)
        if not scan.candidates:
            if first_run:
                self.open_settings(first_run=True)
            else:
                self.main_screen.note(
                    "no credentials found (SDK file, HUAWEICLOUD_SDK_*, KooCLI, clouds.yaml)"
                )
            return

        def closed(saved: Config | None) -> None:
            if saved is None and first_run:
                self.open_settings(first_run=True)
            else:
                self._settings_closed(saved)

        self.main_screen.paused = True
        screen = OnboardScreen(self.config, self.config_path, self.service, scan, home=place.home)
        self.push_screen(screen, closed)

    def settings_saved(self, saved: Config) -> None:
        """Go on with ``saved``, a config written by a settings screen (or the SSH settings, ``K``)."""
        self._settings_closed(saved)

    def _settings_closed(self, saved: Config | None) -> None:
        self.main_screen.paused = False
        if saved is None:
            return
        self.config = saved
        self.service.set_profiles(saved.profiles)
        self.main_screen.poll_interval_s, self.main_screen.fast_poll_s = _poll(saved, self.low_bandwidth)
        self.main_screen.notify_minutes = _notify_minutes(saved)
        self.main_screen.profiles_changed()
        self.main_screen.note(f"settings saved to {self.config_path}")
        self.main_screen.action_refresh_now()

    def flash(self, text: str, level: Level = "info") -> None:
        """Say ``text`` on the main screen's flash line: ``level`` is ``info``, ``warn`` or ``error``.

        One line, cleared after a few seconds, covering nothing; control characters are not
        expected (server text is neutralised where it is parsed). Any screen may call it.
        """
        self.main_screen.flash(text, level)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Textual's own notifications go to the flash line too: no toast covers anything."""
        text = message
        if markup:
            with contextlib.suppress(MarkupError):
                text = Text.from_markup(message).plain
        level: Level = {"warning": "warn", "error": "error"}.get(severity, "info")  # type: ignore[assignment]
        self.flash(f"{title}: {text}" if title else text, level)

    def action_open_help(self) -> None:
        from tui.ui.screens.help import HelpModal

        self.push_screen(HelpModal(self.user_keymap))


def _poll(config: Config, low_bandwidth: bool) -> tuple[float, float]:
    """Steady and fast poll intervals; a low-bandwidth link polls at most every 30 s and 5 s."""
    steady, fast = config.ui.poll_interval_s, config.ui.fast_poll_interval_s
    if low_bandwidth:
        return max(steady, LOW_BANDWIDTH_POLL_S), max(fast, LOW_BANDWIDTH_FAST_POLL_S)
    return steady, fast


def _notify_minutes(config: Config) -> dict[str, int]:
    return {p.name: int(getattr(p, "notify_minutes", 0) or 0) for p in _enabled(config.profiles)}


def _enabled(profiles: Iterable[Any]) -> list[Any]:
    return [p for p in profiles if getattr(p, "enabled", True)]


def make_app(
    config: Config | None = None,
    config_path: Path | None = None,
    *,
    runtime: Runtime | None = None,
    service: InstanceService | None = None,
    clock: Callable[[], float] | None = None,
    transport: Transport | None = None,
    demo: bool = False,
    low_bandwidth: bool = False,
    first_run: bool | None = None,
    log_dir: Path | None = None,
    stable_log: bool = False,
    place: Place | None = None,
) -> ModelArtsApp:
    """The app, set up: used by ``modelarts-tui``, ``--demo``, the tests and the screenshots.

    The setup happens here: ``config`` is loaded from ``config_path`` (default: the XDG one or
    ``$MODELARTS_TUI_CONFIG``) when not given, a ConfigError naming file and line when it does
    not parse; the service is built on ``runtime`` (clock, sleep, transport, timeout, limits;
    ``clock`` and ``transport`` change single fields of it) and closed by the app on exit; the
    first run (settings first) is a config without profiles unless ``first_run`` says otherwise.
    A ``service`` passed in is used as it is: its owner closes it; when it has no ``on_call`` yet,
    the app attaches its log to it. ``log_dir`` defaults to the XDG state folder; ``stable_log``
    hides request ids and latencies in the log panel (snapshots and screenshots). ``place`` is
    where the first-run import looks (default: this machine's environment and home folder).
    """
    path = config_path if config_path is not None else default_config_path()
    if config is None:
        config = load_config(path)
    owns = service is None
    if service is None:
        base = (runtime or Runtime()).but(clock=clock, transport=transport)
        service = InstanceService(config.profiles, runtime=service_runtime(base, config))
    app = ModelArtsApp(
        config,
        path,
        service,
        owns_service=owns,
        clock=clock,
        demo=demo,
        low_bandwidth=low_bandwidth,
        first_run=not config.profiles if first_run is None else first_run,
        log_dir=log_dir,
        stable_log=stable_log,
    )
    app.place = place
    return app
