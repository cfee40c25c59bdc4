"""Keys of the main screen for connect (``c``) and the JupyterLab URL (``o``).

``c`` on a RUNNING notebook suspends the app (``App.suspend()``) and runs the system ``ssh`` with
the service's plan, so the user's agent, ``~/.ssh/config`` and ProxyJump keep working; back in the
app, the flash line says how the session ended. On a STOPPED one it asks first, then the service
starts it and waits (the row shows the start's steps) before connecting. Every refusal is said
on the flash line and in the log, and nothing is started that the user did not confirm.
``o`` shows the URL and copies it with OSC 52 (the notebook's token never). ``K`` edits the
profile's key folder and the row's identity file, ssh options and alias (``settings_connect``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from textual.app import SuspendNotSupported

from tui.config.model import Config, Profile
from tui.config.paths import state_dir
from tui.config.store import save_settings
from tui.core.actions import action_named
from tui.core.errors import ModelArtsError
from tui.core.models import FAMILY_NOTEBOOKS, Phase
from tui.service.connect import ConnectPlan, ConnectRefused, find_ssh, prepare
from tui.service.connect_action import MAX_URL_CHARS, jupyter_url
from tui.ui.cells import status_text
from tui.ui.messages import ConnectFailed, ConnectReady

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.screen import Screen

    from tui.service import InstanceService
    from tui.ui.widgets.flash import Level
    from tui.ui.widgets.instance_table import InstanceTable

SSH_FAILED = 255
"""ssh's own failure (no connection, the key refused), as opposed to the remote command's code."""


def hand_over(app: Any, argv: list[str]) -> int:
    """Run ``argv`` in the terminal the app gives up meanwhile; its exit code."""
    with app.suspend():
        return subprocess.call(argv)


class ConnectKeys:
    """``action_connect_selected`` and ``action_open_jupyter`` of MainScreen."""

    if TYPE_CHECKING:
        service: InstanceService
        app: Any

        @property
        def table(self) -> InstanceTable: ...
        def note(self, text: str, *, error: bool = False) -> None: ...
        def flash(self, text: str, level: Level = "info") -> None: ...
        def post_message(self, message: Any) -> bool: ...
        def _rows_changed(self, keys: Iterable[str]) -> None: ...

    def _cursor_row_key(self) -> str | None:
        key = self.table.cursor_key
        if key is None or self.table.row_for(key) is None:
            self.flash("no instance here yet", "warn")
            return None
        return key

    def _connect_refused(self, reason: str) -> None:
        self.note(f"connect refused: {reason}")
        self.flash(f"Connect: nothing sent — {reason}", "warn")

    def action_connect_selected(self) -> None:
        """``c``: connect to the cursor row (a stopped one: ask, start, wait, then connect)."""
        key = self._cursor_row_key()
        if key is None:
            return
        folder = state_dir()
        reason = self.service.connect_refusal(key, folder)
        if reason:
            self._connect_refused(reason)
            return
        row = self.service.rows[key]
        if row.instance.phase is not Phase.STOPPED:  # running, or on its way there: nothing to start
            if row.instance.phase is not Phase.RUNNING:
                self.flash(f"{row.display_name}: waiting until it is RUNNING, then connecting")
            self._connect(key, folder)
            return
        from tui.ui.screens.confirm import ConfirmModal

        def answered(yes: bool | None) -> None:
            if yes:
                self._connect(key, folder, start=True)

        label = f"{status_text(row.instance):<14} {row.display_name}  ({row.profile})"
        title = "Start this instance, wait until RUNNING, then connect?"
        self.app.push_screen(ConfirmModal(title, [label], "Start and connect"), answered)

    def _connect(self, key: str, folder: Path, *, start: bool = False) -> None:
        """Reserve the row now (a second press is refused), then plan in a worker."""
        claim = self.service.claim(action_named("connect").name, [key])
        if not claim.keys:
            self._connect_refused(claim.refused[0].message if claim.refused else key)
            return
        self._rows_changed(claim.keys)

        def step(text: str) -> None:
            self.note(text)
            self._rows_changed([key])

        async def plan() -> None:
            try:
                found = await self.service.connect(claim, folder, start=start, on_step=step)
            except ModelArtsError as error:
                self.post_message(ConnectFailed(key, error))
                return
            self.post_message(ConnectReady(key, found))

        screen = cast("Screen[None]", self)  # this is a part of MainScreen
        screen.run_worker(plan(), group="connect", exit_on_error=False)

    def on_connect_failed(self, message: ConnectFailed) -> None:
        self._rows_changed([message.key])
        error = message.error
        if isinstance(error, ConnectRefused):
            self._connect_refused(str(error))
            return
        text = error.summary()
        self.note(f"connect failed: {text}", error=True)
        self.flash(f"Connect failed: {text} · more in the log (l)", "error")

    def on_connect_ready(self, message: ConnectReady) -> None:
        """Hand the terminal to ssh; back in the app, say how the session ended."""
        self._rows_changed([message.key])
        plan = message.plan
        row = self.service.rows.get(message.key)
        name = row.display_name if row else plan.alias
        try:
            ssh = find_ssh()
            prepare(plan)
        except ConnectRefused as error:
            self._connect_refused(str(error))
            return
        except OSError as error:
            self._connect_refused(f"cannot prepare {plan.known_hosts.parent}: {error.strerror or error}")
            return
        self.note(f"{name}: ssh {plan.user}@{plan.host} -p {plan.port} (the app is suspended meanwhile)")
        try:
            code = hand_over(self.app, plan.argv(ssh))
        except SuspendNotSupported:
            self._connect_refused("this terminal cannot be handed over to ssh (no suspend here)")
            return
        except OSError as error:
            self._connect_refused(f"ssh could not run: {error.strerror or error}")
            return
        self._session_ended(name, plan, code)

    def _session_ended(self, name: str, plan: ConnectPlan, code: int) -> None:
        if code == 0:
            self.note(f"{name}: ssh session ended (exit 0)")
            self.flash(f"{name}: ssh session ended (exit 0)")
            return
        text = f"{name}: ssh ended with exit {code}"
        if code == SSH_FAILED and plan.allowed_ips:
            text += (
                f"; it accepts SSH only from {', '.join(plan.allowed_ips)}: is this machine's IP among them?"
            )
        elif code == SSH_FAILED:
            text += " (ssh itself failed: no connection, or the key was refused)"
        self.note(text, error=True)
        self.flash(text, "warn")

    def action_open_jupyter(self) -> None:
        """``o``: the cursor row's JupyterLab URL on the flash line, copied with OSC 52."""
        key = self._cursor_row_key()
        if key is None:
            return
        row = self.service.rows[key]
        url = jupyter_url(row.instance)
        if not url:
            if row.instance.url.strip():  # one was given, but not a link to offer
                why = f"the service's is not a plain http(s) link of at most {MAX_URL_CHARS:,} characters"
            elif row.instance.phase is not Phase.RUNNING:
                why = "it is not RUNNING"
            else:
                why = "the service gave none"
            self.flash(f"{row.display_name}: no JupyterLab URL ({why})", "warn")
            return
        self.app.copy_to_clipboard(url)
        self.flash(f"copied JupyterLab URL {url}")

    def action_connect_settings(self) -> None:
        """``K``: the SSH settings of the cursor row's profile and instance; saved in place."""
        from tui.ui.screens.settings_connect import ConnectSettingsModal

        key = self._cursor_row_key()
        if key is None:
            return
        row = self.service.rows[key]
        profile = next((p for p in self.service.profiles if p.name == row.profile), None)
        if profile is None or profile.api != FAMILY_NOTEBOOKS:
            self.flash(f"{row.display_name}: the v1 DevEnviron API exposes no SSH: nothing to set", "warn")
            return

        def answered(edited: Profile | None) -> None:
            if edited is not None and edited != profile:
                self._save_profile(edited)

        name = row.instance.name or row.instance.id
        self.app.push_screen(ConnectSettingsModal(profile, row.instance.id, name), answered)

    def _save_profile(self, edited: Profile) -> None:
        from tui.config.edit import Draft  # tomlkit: only a save needs it (~40 ms of every start)

        config: Config = self.app.config
        drafts = [Draft(p.name, edited if p.name == edited.name else p) for p in config.profiles]
        try:
            saved = save_settings(self.app.config_path, config, drafts, config.default_profile)
        except ModelArtsError as error:
            self.note(f"SSH settings not saved: {error}", error=True)
            self.flash(f"SSH settings not saved: {error}", "error")
            return
        self.note(f"SSH settings of {edited.name} saved")
        self.flash(f"SSH settings of {edited.name} saved")
        self.app.settings_saved(saved)  # then a refresh, as after the settings screen
