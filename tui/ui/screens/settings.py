"""Settings: the profiles (add, edit, delete), each validated as you type; test, save or cancel.

Edits live in drafts until Save, which writes the whole config through ``tui.config.store``
(atomic, mode 0600); Cancel or Escape discards them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Label, OptionList, Select, Static
from textual.worker import Worker, WorkerState

from tui.config.model import Config, Profile
from tui.config.store import save_settings
from tui.core.domain import CLOUDS, REGIONS
from tui.core.errors import ModelArtsError
from tui.core.secret import Secret
from tui.service import InstanceService
from tui.ui.messages import ConnectionTested
from tui.ui.screens.settings_fields import ProfileFields
from tui.ui.screens.settings_form import (
    AUTH_FIELDS,
    FIRST_RUN,
    PLACEHOLDERS,
    SECRET_INPUTS,
    TEXT_FIELDS,
    drafts_of,
    list_label,
    new_name,
    region_options,
    reload_config,
    show_result,
    shown_path,
    source_text,
)
from tui.ui.widgets.footer import KeyFooter


class SettingsScreen(ProfileFields, Screen["Config | None"]):
    """Returns the saved Config, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="settings-save", priority=True),
        Binding("escape", "cancel", "Cancel", id="settings-cancel"),
        Binding("ctrl+t", "test_connection", "Test", id="settings-test", priority=True),
        Binding("ctrl+r", "toggle_reveal", "Reveal", id="settings-reveal", priority=True),
        Binding("ctrl+n", "add_profile", "New", id="settings-add", priority=True),
        Binding("delete", "delete_profile", "Delete", id="settings-delete"),
        Binding("ctrl+o", "reload", "Reload", id="settings-reload", priority=True),
        Binding("ctrl+g", "import_found", "Import", id="settings-import", priority=True),
    ]

    def __init__(
        self, config: Config, path: Path, service: InstanceService, *, first_run: bool = False
    ) -> None:
        super().__init__()
        self._config = config
        self._path = path
        self._service = service
        self._first_run = first_run
        self._drafts, self._origins = drafts_of(config)
        """The profiles as edited, and each one's name when the screen opened (None: added here)."""
        self._index = 0
        self._revealed = False
        names = [p.name for p in self._drafts]
        self._default = names.index(config.default_profile) if config.default_profile in names else None
        """The draft that is the default profile (by place: a rename keeps it), None: none chosen."""

    # --- layout ---------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Label(Text(f"Settings — {shown_path(self._path)}"), id="settings-title")
        if self._first_run:
            yield Static(FIRST_RUN, id="settings-welcome")
        with Horizontal(id="settings-main"):
            with Vertical(id="profile-pane"):
                yield Label("Profiles", classes="pane-title")
                yield OptionList(id="profile-list")
                with Horizontal(classes="pane-buttons"):
                    yield Button("Add", id="profile-add", compact=True)
                    yield Button("Delete", id="profile-delete", compact=True)
            with VerticalScroll(id="profile-form"):
                yield from self._form()
        yield Static("", id="settings-result")
        with Horizontal(id="settings-buttons"):
            yield Button("Test connection", id="settings-test", compact=True)
            yield Button("Save", id="settings-save", variant="primary", compact=True)
            yield Button("Cancel", id="settings-cancel", compact=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self._fill_list()
        self._load(0)
        self.query_one("#f-name" if self._first_run else "#profile-list").focus()

    # --- drafts <-> form ------------------------------------------------------------------------
    def _fill_list(self) -> None:
        options = self.query_one("#profile-list", OptionList)
        options.clear_options()
        options.add_options([list_label(p) for p in self._drafts])
        options.highlighted = self._index

    def _load(self, index: int) -> None:
        """Show draft ``index`` in the form."""
        self._index = index
        p = self._drafts[index]
        with self.prevent(Input.Changed, Select.Changed, Checkbox.Changed):
            for name in TEXT_FIELDS:
                self.query_one(f"#f-{name}", Input).value = str(getattr(p, name))
            for name in SECRET_INPUTS:
                self.query_one(f"#f-{name}", Input).value = getattr(p, name).reveal()
            self.query_one("#f-notify_minutes", Input).value = str(p.notify_minutes)
            self.query_one("#f-prolong_hours", Input).value = f"{p.prolong_hours:g}"
            self.query_one("#f-cloud", Select).value = p.cloud if p.cloud in CLOUDS else CLOUDS[0]
            region = self.query_one("#f-region", Select)
            region.set_options(region_options(p.cloud, p.region))
            region.value = p.region if p.region else Select.NULL
            self.query_one("#f-api", Select).value = p.api
            self.query_one("#f-auth", Select).value = p.auth
            self.query_one("#f-enabled", Checkbox).value = p.enabled
            self.query_one("#f-read_only", Checkbox).value = p.read_only
            self.query_one("#f-default", Checkbox).value = index == self._default
        for name in SECRET_INPUTS:  # a secret from the environment says where it comes from
            env = getattr(p, f"{name}_env", "")
            self.query_one(f"#f-{name}", Input).placeholder = (
                f"from ${env}" if env else PLACEHOLDERS.get(name, "")
            )
        self._show_auth_fields(p.auth)
        self._validate(p)

    def _read(self) -> Profile:
        """The draft as the form shows it now."""
        base = self._drafts[self._index]
        values: dict[str, Any] = {n: self.query_one(f"#f-{n}", Input).value.strip() for n in TEXT_FIELDS}
        for name in SECRET_INPUTS:
            typed = self.query_one(f"#f-{name}", Input).value.strip()
            kept: Secret = getattr(base, name)
            # Unchanged, the draft keeps the very Secret: one read from the environment stays unwritable.
            values[name] = kept if typed == kept.reveal() else Secret(typed)
        for name in ("cloud", "region", "api", "auth"):
            value = self.query_one(f"#f-{name}", Select).value
            values[name] = "" if value is Select.NULL else str(value)
        values["enabled"] = self.query_one("#f-enabled", Checkbox).value
        values["read_only"] = self.query_one("#f-read_only", Checkbox).value
        try:
            values["notify_minutes"] = int(self.query_one("#f-notify_minutes", Input).value or 0)
        except ValueError:
            values["notify_minutes"] = -1
        try:
            values["prolong_hours"] = float(self.query_one("#f-prolong_hours", Input).value or 0)
        except ValueError:
            values["prolong_hours"] = 0.0
        return replace(base, **values)

    def _commit(self) -> Profile:
        if self.query_one("#f-default", Checkbox).value:
            self._default = self._index
        elif self._default == self._index:
            self._default = None
        profile = self._read()
        self._drafts[self._index] = profile
        options = self.query_one("#profile-list", OptionList)
        options.replace_option_prompt_at_index(self._index, list_label(profile))
        return profile

    def _show_auth_fields(self, auth: str) -> None:
        shown = AUTH_FIELDS.get(auth, ())
        for fields in AUTH_FIELDS.values():
            for name in fields:
                self.query_one(f"#row-{name}").display = name in shown

    def _validate(self, profile: Profile) -> bool:
        """Show each problem under its field; True when there is none."""
        problems: dict[str, str] = {}
        for error in profile.validate():
            field = error.field.removesuffix("_env")
            problems.setdefault(field, str(error).split(": ", 1)[-1])
        self.query_one("#f-source", Label).update(Text(source_text(profile)))
        taken = [p.name for i, p in enumerate(self._drafts) if i != self._index]
        if profile.name in taken:
            problems.setdefault("name", f"another profile is called {profile.name!r}")
        for label in self.query(".field-error"):
            field = (label.id or "").removeprefix("e-")
            text = problems.get(field, "")
            if isinstance(label, Label):
                label.update(Text(f"↳ {text}") if text else "")
            label.set_class(bool(text), "-shown")
        return not problems

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def _field_changed(self) -> None:
        self._validate(self._commit())

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        # Read the widget, not the event: a change posted at mount can arrive after the form was filled.
        select = event.select
        value = select.value
        field = (select.id or "").removeprefix("f-")
        if value is Select.NULL or getattr(self._drafts[self._index], field, None) == value:
            return
        if field == "cloud":
            region = self.query_one("#f-region", Select)
            current = region.value if region.value is not Select.NULL else ""
            options = REGIONS.get(str(value), ())
            with self.prevent(Select.Changed):
                region.set_options([(r, r) for r in options])
                if current in options:
                    region.value = current
                elif options:
                    region.value = options[0]
        if field == "auth":
            self._show_auth_fields(str(value))
        self._validate(self._commit())

    @on(OptionList.OptionHighlighted, "#profile-list")
    def _profile_chosen(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_index != self._index and 0 <= event.option_index < len(self._drafts):
            self._commit()
            self._load(event.option_index)

    # --- actions --------------------------------------------------------------------------------
    def action_add_profile(self) -> None:
        self._commit()
        current = self._drafts[self._index]
        fresh = Profile(
            name=new_name({p.name for p in self._drafts}),
            cloud=current.cloud,
            region=current.region,
            api=current.api,
        )
        self._drafts.append(fresh)
        self._origins.append(None)
        self._index = len(self._drafts) - 1
        self._fill_list()
        self._load(self._index)
        self.set_focus(self.query_one("#f-name"))

    def action_delete_profile(self) -> None:
        if not self._drafts:
            return
        gone = self._drafts.pop(self._index)
        self._origins.pop(self._index)
        if self._default is not None and self._default >= self._index:
            self._default = None if self._default == self._index else self._default - 1
        if not self._drafts:
            self._drafts.append(Profile(name=new_name(set())))
            self._origins.append(None)
        self._index = min(self._index, len(self._drafts) - 1)
        self._fill_list()
        self._load(self._index)
        self._result(f"deleted {gone.name!r} (Cancel to undo; Save to keep)", ok=None)

    def action_toggle_reveal(self) -> None:
        self._revealed = not self._revealed
        for name in SECRET_INPUTS:
            self.query_one(f"#f-{name}", Input).password = not self._revealed
        self._result("secrets shown: ctrl+r hides them" if self._revealed else "secrets hidden", ok=None)

    def action_test_connection(self) -> None:
        profile = self._commit()
        if not self._validate(profile):
            self._result("fix the fields marked ↳ first", ok=False)
            return
        self._result(f"testing {profile.name}…", ok=None)
        self._test(profile)

    @work(exclusive=True, group="settings-test", exit_on_error=False)
    async def _test(self, profile: Profile) -> None:
        outcome = await self._service.test_connection(profile)
        self.post_message(ConnectionTested(outcome))

    def on_connection_tested(self, message: ConnectionTested) -> None:
        outcome = message.outcome
        text = outcome.message
        error = outcome.error
        if error is not None and error.hint:
            text += f" — {error.hint}"
        if not outcome.ok:  # one line here; the whole answer (request, body) goes to the log panel
            note = getattr(getattr(self.app, "main_screen", None), "note", None)
            if note is not None:
                note(f"connection test: {text}", error=True)
            text = f"{text.splitlines()[0] if text else 'failed'} · more in the log (l)"
        self._result(text, ok=outcome.ok)

    def action_save(self) -> None:
        self._commit()
        names: set[str] = set()
        for index, profile in enumerate(self._drafts):
            problems = profile.validate()
            if profile.name in names or problems:
                self._load(index)
                self.query_one("#profile-list", OptionList).highlighted = index
                self._result(f"not saved: profile {profile.name!r} has problems (marked ↳)", ok=False)
                return
            names.add(profile.name)
        default = self._drafts[self._default].name if self._default is not None else ""
        from tui.config.edit import Draft  # tomlkit: only a save needs it (~40 ms of every start)

        drafts = [Draft(origin, p) for origin, p in zip(self._origins, self._drafts, strict=True)]
        try:
            saved = save_settings(self._path, self._config, drafts, default)
        except ModelArtsError as error:  # "<path>: not saved: why"
            self._result(str(error), ok=False)
            return
        self.dismiss(saved)

    def action_reload(self) -> None:
        """Read the file again: the edits here are dropped, the file's changes shown."""
        try:
            self._config = reload_config(self._path, self._config)
        except ModelArtsError as error:
            self._result(f"not reloaded: {error}", ok=False)
            return
        self._drafts, self._origins = drafts_of(self._config)
        self._index = 0
        self._fill_list()
        self._load(0)
        self._result(f"reloaded {shown_path(self._path)}; edits made here were dropped", ok=None)

    def action_import_found(self) -> None:
        """Leave the form (unsaved edits dropped) for the import of credentials found on this machine."""
        self.dismiss(None)
        getattr(self.app, "open_import", lambda: None)()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete_profile":
            return self.focused is not None and self.focused.id == "profile-list"
        return True

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "profile-add": self.action_add_profile,
            "profile-delete": self.action_delete_profile,
            "settings-test": self.action_test_connection,
            "settings-save": self.action_save,
            "settings-cancel": self.action_cancel,
        }
        if event.button.id in actions:
            actions[event.button.id]()

    def _result(self, text: str, *, ok: bool | None) -> None:
        show_result(self.query_one("#settings-result", Static), text, ok=ok)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self._result(f"connection test failed unexpectedly: {event.worker.error}", ok=False)
            report = getattr(self.app, "report_worker_error", None)
            if report is not None:
                report(event.worker)
