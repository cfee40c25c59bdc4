"""Ask for how many hours (1-72) to renew the auto-stop lease of running instances."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import Integer
from textual.widgets import Button, Input, Label, Static

from tui.core.domain import LEASE_MAX_HOURS, LEASE_MIN_HOURS
from tui.ui.widgets.inputs import FieldError, FieldInput


class ProlongModal(ModalScreen[int | None]):
    """Returns the hours entered, or None when cancelled."""

    AUTO_FOCUS = "#prolong-hours"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prolong-cancel"),
    ]

    def __init__(self, items: Sequence[str], default_hours: int = 2) -> None:
        super().__init__()
        self._items = list(items)
        self._default = default_hours

    def compose(self) -> ComposeResult:
        count = len(self._items)
        noun = "instance" if count == 1 else f"{count} instances"
        with Vertical(id="prolong-dialog", classes="dialog"):
            yield Label(f"Prolong {noun}", classes="dialog-title")
            yield Static("\n".join(f"  {i}" for i in self._items[:8]), markup=False, id="prolong-items")
            yield Label(f"Hours from now ({LEASE_MIN_HOURS}-{LEASE_MAX_HOURS}):")
            yield FieldInput(
                str(self._default),
                id="prolong-hours",
                type="integer",
                validators=[Integer(minimum=LEASE_MIN_HOURS, maximum=LEASE_MAX_HOURS)],
                compact=True,
            )
            yield FieldError(id="prolong-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Prolong", id="prolong", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
            yield Label("enter prolong · esc cancel", classes="dialog-hint")

    def _submit(self) -> None:
        field = self.query_one("#prolong-hours", Input)
        result = field.validate(field.value)
        if result is not None and not result.is_valid:
            self.query_one("#prolong-error", Label).update(
                f"Enter a whole number of hours from {LEASE_MIN_HOURS} to {LEASE_MAX_HOURS}."
            )
            return
        self.dismiss(int(field.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#prolong-error", Label).update("")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "prolong":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
