"""Every key by group, with the keys a user remapped, and what the marks in the table mean."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.ui.bindings import ALL_GROUPS, TABLE_KEYS, key_label
from tui.ui.widgets.scroll import KeyScroll

LEGEND = (
    ("●", "running"),
    ("○", "stopped"),
    ("◐ …", "moving (STARTING…), or our request in flight (starting…)"),
    ("✗", "failed"),
    ("— gone", "no longer listed by the service"),
    ("! 12m", "auto-stop in under 15 minutes"),
    ("~3m", "data 3 minutes old: the profile's polls fail"),
    ("▌", "marked: actions apply to marked rows"),
)


def help_text(keymap: Mapping[str, str]) -> Text:
    """The whole help page as one Text."""
    out = Text(no_wrap=True, overflow="ellipsis")
    for group, bindings in ALL_GROUPS:
        out.append(f"{group}\n", style="bold underline")
        for binding in bindings:
            out.append(f"  {key_label(binding, keymap):<8}", style="bold")
            out.append(f"{binding.description:<12} ")
            out.append(f"{binding.tooltip}\n", style="dim")
    out.append("Table\n", style="bold underline")
    out.append(f"  {'↑ ↓':<8}{'Move':<12} ", style="")
    extra = ", ".join(f"{key_label(b, keymap)} {b.description.lower()}" for b in TABLE_KEYS)
    out.append(f"also {extra}\n", style="dim")
    out.append(f"  {'':<8}{'':<12} pgup/pgdn, home/end; j/k/g/G scroll details and help too\n", style="dim")
    out.append("Marks\n", style="bold underline")
    for mark, meaning in LEGEND:
        out.append(f"  {mark:<8}", style="bold")
        out.append(f"{meaning}\n")
    out.append('\nRemap any key by id in the config: [ui.keys] start = "S"', style="dim")
    return out


class HelpModal(ModalScreen[None]):
    """Scrollable key reference; Escape, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", "Close", id="help-close"),
    ]

    def __init__(self, keymap: Mapping[str, str]) -> None:
        super().__init__()
        self._keymap = dict(keymap)

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Label("Keys", classes="dialog-title")
            with KeyScroll(id="help-body"):
                yield Static(help_text(self._keymap), id="help-text")
            yield Label("↑↓ j/k scroll · g/G top/end · esc close", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
