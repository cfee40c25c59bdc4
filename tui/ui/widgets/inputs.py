"""Form widgets: inputs that never blink (a timer repainting an idle screen), checkboxes readable without colour."""

from __future__ import annotations

from textual.reactive import reactive
from textual.visual import VisualType
from textual.widgets import Checkbox, Input, Label


class FieldInput(Input):
    """An ``Input`` with a steady cursor."""

    cursor_blink = reactive(False, init=False)


class FlagBox(Checkbox):
    """A checkbox whose mark says on or off in text (``X`` or blank), not only in colour."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802
        return "X" if self.value else " "

    def watch_value(self) -> None:
        super().watch_value()  # the -on class and the Changed message (the form reacts at once)
        self.refresh()


class FieldError(Label):
    """A dialog's error line under its field: shown while it says something, no blank line otherwise."""

    def __init__(self, *, id: str, markup: bool = True) -> None:
        super().__init__("", id=id, classes="field-error", markup=markup)
        self.display = False

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(content, layout=layout)
        self.display = bool(str(content))
