"""Delete (``ctrl+d``): the storage goes with the instance, so the user types the name back.

With several marked rows every name is listed and the number of instances is typed instead.
The Delete button stays disabled until what is typed matches; the modal returns True or False, or
``SAVE_FIRST`` when "save as image first" was ticked (offered for one notebook that may be saved).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from tui.ui.widgets.inputs import FieldInput

STYLES = Path(__file__).resolve().parent.parent / "styles" / "lifecycle.tcss"
MAX_LISTED = 10
SAVE_FIRST = "save-first"
"""The answer when the box "save as image first" was ticked."""


def typed_answer(names: Sequence[str]) -> str:
    """What the user types to confirm: the name for one instance, the count for several."""
    return names[0] if len(names) == 1 else str(len(names))


class DeleteModal(ModalScreen[bool | str]):
    """Ask for the instance's name (the count for several) before deleting; Escape answers no."""

    AUTO_FOCUS = "#delete-typed"
    CSS_PATH = STYLES
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="delete-cancel")]

    def __init__(self, labels: Sequence[str], names: Sequence[str], *, save_first: bool = False) -> None:
        super().__init__()
        self._labels = list(labels)
        self._wanted = typed_answer(names)
        self._several = len(names) > 1
        self._save_first = save_first

    def compose(self) -> ComposeResult:
        noun = f"{len(self._labels)} instances" if self._several else "this instance"
        with Vertical(id="delete-dialog", classes="dialog"):
            yield Label(f"Delete {noun} and its storage?", classes="dialog-title")
            shown = self._labels[:MAX_LISTED]
            more = len(self._labels) - len(shown)
            lines = [f"  {item}" for item in shown] + ([f"  … and {more} more"] if more > 0 else [])
            with VerticalScroll(id="delete-items"):
                yield Static("\n".join(lines), markup=False)
            yield Label(
                "Everything on it, /home/ma-user/work too, is gone for good.", classes="create-caption"
            )
            what = "the number of instances" if self._several else "the instance's name"
            yield Label(f"Type {what} ({self._wanted}) to delete:", markup=False)
            yield FieldInput(id="delete-typed", compact=True)
            if self._save_first:
                yield Checkbox("Save as image first, then delete", id="delete-save-first", compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Delete", id="delete", variant="error", compact=True, disabled=True)
                yield Button("Cancel", id="cancel", compact=True)
            ticks = " · tab, space: save first" if self._save_first else ""
            yield Label(f"enter delete (once typed){ticks} · esc cancel", classes="dialog-hint")

    def _matches(self) -> bool:
        return self.query_one("#delete-typed", Input).value.strip() == self._wanted

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#delete", Button).disabled = not self._matches()

    def _answer(self) -> bool | str:
        ticked = self._save_first and self.query_one("#delete-save-first", Checkbox).value
        return SAVE_FIRST if ticked else True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._matches():
            self.dismiss(self._answer())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        yes = event.button.id == "delete" and self._matches()
        self.dismiss(self._answer() if yes else False)

    def action_cancel(self) -> None:
        self.dismiss(False)
