"""Input fields that never blink: a blinking cursor is a timer repainting an idle screen."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Input


class FieldInput(Input):
    """An ``Input`` with a steady cursor."""

    cursor_blink = reactive(False, init=False)
