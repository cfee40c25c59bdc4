"""Every key by group, with the keys a user remapped, and what the marks in the table mean."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
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


NAME_WIDTH = max(len(b.description) for _, group in ALL_GROUPS for b in group)
"""The widest name of an action (``Sort time left``): no name is cut."""


def _section(title: str) -> Table:
    """A grid of key, name and meaning; the meaning wraps under itself, so nothing is cut."""
    grid = Table.grid(padding=(0, 1))
    grid.title = title
    grid.title_justify = "left"
    grid.title_style = "bold underline"
    grid.add_column(width=8, no_wrap=True, style="bold")  # "  " + the key or the mark ("— gone")
    grid.add_column(width=NAME_WIDTH, no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    return grid


def help_table(keymap: Mapping[str, str]) -> Group:
    """The whole help page: each group of keys, the table's own keys, the marks."""
    parts: list[RenderableType] = []
    for group, bindings in ALL_GROUPS:
        grid = _section(group)
        for binding in bindings:
            grid.add_row(
                f"  {key_label(binding, keymap)}", binding.description, Text(binding.tooltip, style="dim")
            )
        parts.append(grid)
    grid = _section("Table")
    extra = ", ".join(f"{key_label(b, keymap)} {b.description.lower()}" for b in TABLE_KEYS)
    grid.add_row("  ↑ ↓", "Move", Text(f"also {extra}; pgup/pgdn, home/end", style="dim"))
    grid.add_row("", "", Text("j/k/g/G scroll details and help too", style="dim"))
    parts.append(grid)
    marks = Table.grid(padding=(0, 1))
    marks.title, marks.title_justify, marks.title_style = "Marks", "left", "bold underline"
    marks.add_column(width=8, no_wrap=True, style="bold")
    marks.add_column(ratio=1)
    for mark, meaning in LEGEND:
        marks.add_row(f"  {mark}", meaning)
    parts.append(marks)
    parts.append(Text('\nRemap any key by id in the config: [ui.keys] start = "S"', style="dim"))
    return Group(*parts)


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
                yield Static(help_table(self._keymap), id="help-text")
            yield Label("↑↓ j/k scroll · g/G top/end · esc close", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()

    def action_close(self) -> None:
        self.dismiss(None)
