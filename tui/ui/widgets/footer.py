"""The footer with ``? Help`` first: on a narrow terminal the keys on the right are cut, and
the one key that lists all the others must never be among them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

FIRST_ACTIONS = ("open_help", "app.open_help")


class KeyFooter(Footer):
    """Textual's footer, compact, with the help key moved to the front."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)

    def compose(self) -> ComposeResult:
        items = list(super().compose())
        first = [i for i in items if getattr(i, "action", None) in FIRST_ACTIONS]  # a FooterKey
        yield from first
        yield from (i for i in items if i not in first)
