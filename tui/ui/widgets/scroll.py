"""A scrolling page that also answers the table's vi keys (j/k/g/G, remapped with them)."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.containers import VerticalScroll

from tui.ui.bindings import SCROLL_KEYS


class KeyScroll(VerticalScroll):
    """``VerticalScroll`` plus j/k (a line), g/G (top, bottom): details and help."""

    BINDINGS: ClassVar[list[BindingType]] = list(SCROLL_KEYS)
