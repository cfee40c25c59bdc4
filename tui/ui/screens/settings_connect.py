"""SSH settings of one profile and one of its instances (``K`` on a row): the key folder, and for
that instance an identity file, extra ssh options and the ``ssh-config`` alias.

The modal returns the profile as edited (None when cancelled); every value is checked as it
would be on load (``Profile.validate``: an option that is not ``Keyword=value``, a newline, an
alias that is not a plain name) and the first problem is shown, naming its field, before Save
does anything. The caller saves it through ``tui.config.store.save_settings`` (in place, 0600).
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from tui.config.connect import ConnectOverride, override_for
from tui.config.model import Profile
from tui.ui.widgets.inputs import FieldInput

FIELDS = ("key_dir", "identity_file", "ssh_options", "alias")


def edited_profile(
    profile: Profile, instance: tuple[str, str], key_dir: str, identity: str, options: str, alias: str
) -> Profile:
    """``profile`` with ``key_dir`` and the entry of ``instance`` (id, name) as typed; an entry left
    empty is dropped. The entry keeps the name or id it was written with."""
    instance_id, name = instance
    old = override_for(profile.connect, instance_id, name)
    others = tuple(o for o in profile.connect if o is not old)
    lines = tuple(line.strip() for line in options.splitlines() if line.strip())
    entry = ConnectOverride(old.instance if old else name, identity.strip(), lines, alias.strip())
    keep = bool(entry.identity_file or entry.ssh_options or entry.alias)
    return replace(profile, key_dir=key_dir.strip(), connect=others + ((entry,) if keep else ()))


def first_problem(profile: Profile) -> str:
    """The first problem of the fields this modal edits, as ``field: why``; empty when none."""
    if any(not c.isprintable() for c in profile.key_dir):
        return "key folder: holds a control character"
    for error in profile.validate():
        field = error.field.split(".")[-1] if error.field.startswith("connect") else error.field
        if field.split("[")[0] in FIELDS:
            return f"{field.replace('_', ' ')}: {str(error).split(': ', 1)[-1]}"
    return ""


class ConnectSettingsModal(ModalScreen["Profile | None"]):
    """Returns the edited profile, or None when cancelled."""

    DEFAULT_CSS = """
    ConnectSettingsModal { align: center middle; }
    #cs-dialog { width: 76; }
    #cs-options { height: 4; }
    #cs-error { color: $error; height: auto; }
    """
    AUTO_FOCUS = "#cs-key-dir"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="connect-settings-cancel"),
        Binding("ctrl+s", "save", "Save", id="connect-settings-save", priority=True),
    ]

    def __init__(self, profile: Profile, instance_id: str, name: str) -> None:
        super().__init__()
        self._profile = profile
        self._instance = (instance_id, name)
        self._entry = override_for(profile.connect, instance_id, name)

    def compose(self) -> ComposeResult:
        entry = self._entry
        with Vertical(id="cs-dialog", classes="dialog"):
            yield Label(Text(f"SSH settings — profile {self._profile.name}"), classes="dialog-title")
            yield Label("Key folder (<key pair>.pem is looked up there; empty: ~/.ssh)")
            yield FieldInput(self._profile.key_dir, placeholder="~/.ssh", id="cs-key-dir", compact=True)
            yield Label(Text(f"For {self._instance[1]} only:"), classes="dialog-title")
            yield Label("Identity file (instead of the key pair's .pem)")
            yield FieldInput(entry.identity_file if entry else "", id="cs-identity", compact=True)
            yield Label("Extra ssh options, one per line (Keyword=value)")
            yield TextArea("\n".join(entry.ssh_options) if entry else "", id="cs-options", compact=True)
            yield Label("Alias (ssh-config writes Host modelarts-<profile>-<alias>)")
            yield FieldInput(entry.alias if entry else "", id="cs-alias", compact=True)
            yield Static("", id="cs-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="cs-save", variant="primary", compact=True)
                yield Button("Cancel", id="cs-cancel", compact=True)
            yield Label("ctrl+s save · esc cancel", classes="dialog-hint")

    def _edited(self) -> Profile:
        return edited_profile(
            self._profile,
            self._instance,
            self.query_one("#cs-key-dir", Input).value,
            self.query_one("#cs-identity", Input).value,
            self.query_one("#cs-options", TextArea).text,
            self.query_one("#cs-alias", Input).value,
        )

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _changed(self) -> None:
        self.query_one("#cs-error", Static).update(Text(first_problem(self._edited())))

    def action_save(self) -> None:
        profile = self._edited()
        problem = first_problem(profile)
        if problem:
            self.query_one("#cs-error", Static).update(Text(f"not saved: {problem}"))
            return
        self.dismiss(profile)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "cs-save":
            self.action_save()
        else:
            self.action_cancel()
