"""A yes/no modal for actions that cost something (stop), with Cancel focused."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

MAX_LISTED = 12


class ConfirmModal(ModalScreen[bool]):
    """Ask before acting on the listed instances; Escape or Cancel answers no."""

    AUTO_FOCUS = "#cancel"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="confirm-cancel"),
        Binding("left", "app.focus_previous", "Previous", show=False),
        Binding("right", "app.focus_next", "Next", show=False),
    ]

    def __init__(self, title: str, items: Sequence[str], confirm_label: str) -> None:
        super().__init__()
        self._title = title
        self._items = list(items)
        self._confirm_label = confirm_label

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Label(self._title, id="confirm-title", classes="dialog-title")
            shown = self._items[:MAX_LISTED]
            more = len(self._items) - len(shown)
            lines = [f"  {item}" for item in shown] + ([f"  … and {more} more"] if more > 0 else [])
            with VerticalScroll(id="confirm-items"):
                yield Static("\n".join(lines), markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self._confirm_label, id="confirm", variant="error", compact=True)
                yield Button("Cancel", id="cancel", variant="default", compact=True)
            yield Label("tab/←/→ choose · enter press · esc cancel", classes="dialog-hint")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_cancel(self) -> None:
        self.dismiss(False)
