"""Resize (``R``): a picker of the instance's switchable flavors, and a new storage size.

The flavors come from the service (``GET /notebooks/{id}/flavors``, loaded when the modal opens);
sold-out ones are shown but cannot be chosen. A RUNNING instance is told what will happen (stop,
change, start again). Returns ``{"flavor": id | None, "storage_gb": GB | None}`` or None.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.core.errors import ModelArtsError, ValidationError
from tui.core.lifecycle import Flavor, check_storage
from tui.core.models import Instance, Phase
from tui.service import InstanceService
from tui.service.lifecycle import storage_gb
from tui.ui.screens.create import flavor_prompt
from tui.ui.widgets.inputs import FieldError, FieldInput

STYLES = Path(__file__).resolve().parent.parent / "styles" / "lifecycle.tcss"
KEEP = "keep"
"""The option id of "keep the flavor" (only the storage changes)."""


class ResizeModal(ModalScreen[dict[str, object] | None]):
    """Choose a flavor (or keep it) and optionally a larger storage size."""

    AUTO_FOCUS = "#resize-flavors"
    CSS_PATH = STYLES
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="resize-cancel"),
        Binding("ctrl+s", "submit", "Resize", id="resize-submit"),
    ]

    def __init__(self, service: InstanceService, key: str, label: str, instance: Instance) -> None:
        super().__init__()
        self._service = service
        self._key = key
        self._label = label
        self._instance = instance
        self._current_gb = storage_gb(instance)
        self.flavors: list[Flavor] = []

    def compose(self) -> ComposeResult:
        instance = self._instance
        with Vertical(id="resize-dialog", classes="dialog"):
            yield Label("Resize", classes="dialog-title")
            yield Label(f"  {self._label}", markup=False)
            yield Label(f"  now {instance.flavor or '?'}", markup=False, classes="create-caption")
            if instance.phase is Phase.RUNNING:
                yield Label(
                    "RUNNING: a new flavor stops it, changes it and starts it again (5 steps).",
                    id="resize-running",
                    classes="create-caption",
                )
            yield Label(
                "Flavor (those it can switch to; sold-out ones cannot be chosen)", classes="create-caption"
            )
            yield OptionList(Option("loading…", disabled=True), id="resize-flavors", markup=False)
            current = f"now {self._current_gb} GB" if self._current_gb else "size unknown"
            with Horizontal(classes="create-row"):
                yield Label("Storage GB ", classes="create-label")
                yield FieldInput(id="resize-storage", type="integer", compact=True)
                yield Label(f"  {current}; grow only, blank keeps it", classes="create-caption")
            yield FieldError(id="resize-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Resize", id="resize", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
            yield Label("↑/↓ choose · tab storage · ctrl+s resize · esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self._load()

    @work(exclusive=True, group="resize-form", exit_on_error=False)
    async def _load(self) -> None:
        try:
            flavors = await self._service.switchable(self._key)
        except ModelArtsError as error:
            self.query_one("#resize-error", Label).update(f"cannot list flavors: {error.summary()}")
            return
        self.show_flavors(flavors)

    def show_flavors(self, flavors: list[Flavor]) -> None:
        """The picker: keep the flavor first, then every switchable one (sold-out ones disabled)."""
        self.flavors = flavors
        picker = self.query_one("#resize-flavors", OptionList)
        picker.clear_options()
        picker.add_option(Option(f"keep {self._instance.flavor or 'the flavor'}", id=KEEP))
        picker.add_options([Option(flavor_prompt(f), id=f.id, disabled=f.sold_out) for f in flavors])
        picker.highlighted = 0

    def choice(self) -> dict[str, object]:
        """What the modal returns now; ValidationError when nothing would change or the size is wrong."""
        picker = self.query_one("#resize-flavors", OptionList)
        index = picker.highlighted
        option = picker.get_option_at_index(index) if index is not None else None
        flavor = option.id if option is not None and option.id != KEEP else None
        text = self.query_one("#resize-storage", Input).value.strip()
        grow = check_storage(int(text), self._current_gb) if text.isdigit() else None
        if text and grow is None:
            raise ValidationError("storage", "a whole number of GB")
        if flavor is None and grow is None:
            raise ValidationError("resize", "choose a flavor or a larger storage size")
        return {"flavor": flavor, "storage_gb": grow}

    def action_submit(self) -> None:
        try:
            self.dismiss(self.choice())
        except ModelArtsError as error:
            self.query_one("#resize-error", Label).update(str(error))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "resize":
            self.action_submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
