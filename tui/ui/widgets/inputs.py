"""Form widgets: inputs that never blink (a timer repainting an idle screen), checkboxes readable without colour."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Checkbox, Input


class FieldInput(Input):
    """An ``Input`` with a steady cursor."""

    cursor_blink = reactive(False, init=False)


class FlagBox(Checkbox):
    """A checkbox whose mark says on or off in text (``X`` or blank), not only in colour."""

    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802
        return "X" if self.value else " "

    def watch_value(self) -> None:
        self.refresh()
