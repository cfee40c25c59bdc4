"""A yes/no modal for actions that cost something (stop), with Cancel focused.

It may offer one alternative (``alternative``: a button and the ``i`` key), such as "Save image
first" for a stop; choosing it answers ``ALTERNATIVE``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

MAX_LISTED = 12
ALTERNATIVE = "alternative"
"""The answer when the user chose the offered alternative."""


class ItemList(VerticalScroll, can_focus=False):
    """The listed instances: scrolled by the mouse, never a Tab stop (Tab moves between the buttons)."""


class ConfirmModal(ModalScreen[bool | str]):
    """Ask before acting on the listed instances; Escape or Cancel answers no."""

    AUTO_FOCUS = "#cancel"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="confirm-cancel"),
        Binding("left", "app.focus_previous", "Previous", show=False),
        Binding("right", "app.focus_next", "Next", show=False),
        Binding("i", "alternative", "Save image first", show=False, id="confirm-alternative"),
    ]

    def __init__(self, title: str, items: Sequence[str], confirm_label: str, alternative: str = "") -> None:
        super().__init__()
        self._title = title
        self._items = list(items)
        self._confirm_label = confirm_label
        self._alternative = alternative

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="dialog"):
            yield Label(self._title, id="confirm-title", classes="dialog-title")
            shown = self._items[:MAX_LISTED]
            more = len(self._items) - len(shown)
            lines = [f"  {item}" for item in shown] + ([f"  … and {more} more"] if more > 0 else [])
            with ItemList(id="confirm-items"):
                yield Static("\n".join(lines), markup=False)
            with Horizontal(classes="dialog-buttons"):
                if self._alternative:
                    yield Button(self._alternative, id=ALTERNATIVE, variant="primary", compact=True)
                yield Button(self._confirm_label, id="confirm", variant="error", compact=True)
                yield Button("Cancel", id="cancel", variant="default", compact=True)
            alternative = " · i save image first" if self._alternative else ""
            yield Label(f"tab/←/→ choose · enter press{alternative} · esc cancel", classes="dialog-hint")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(ALTERNATIVE if event.button.id == ALTERNATIVE else event.button.id == "confirm")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return bool(self._alternative) if action == "alternative" else True

    def action_alternative(self) -> None:
        self.dismiss(ALTERNATIVE)

    def action_cancel(self) -> None:
        self.dismiss(False)
