"""Ask for the tags to add (``key=value`` …) or the tag keys to remove, from the details screen.

The tag rules are checked here as the user types (``tui.core.tags``), so nothing is sent for a tag
the service would refuse. Returns the parameters of the ``tag`` or ``untag`` action, or None.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.core.errors import ValidationError
from tui.core.models import FAMILY_NOTEBOOKS, Instance
from tui.core.tags import MAX_TAGS, Tag, parse_keys, parse_pairs, tags_text
from tui.ui.widgets.inputs import FieldError, FieldInput

STYLES = Path(__file__).resolve().parent.parent / "styles" / "lifecycle.tcss"


def tag_params(adding: bool, typed: str, current: Sequence[Tag]) -> dict[str, object]:
    """The ``tag``/``untag`` parameters for what was typed; ValidationError('tag') when it is wrong.

    Adding: ``team=cv cost=gpu`` (the total stays at most 20 tags). Removing: keys the notebook has.
    """
    items = typed.split()
    if adding:
        pairs = parse_pairs(items)
        total = {k.lower() for k, _ in current} | {k.lower() for k, _ in pairs}
        if len(total) > MAX_TAGS:
            raise ValidationError("tag", f"a notebook has at most {MAX_TAGS} tags ({len(total)} with these)")
        return {"tags": pairs}
    keys = parse_keys(items)
    have = {k.lower() for k, _ in current}
    missing = [k for k in keys if k.lower() not in have]
    if missing:
        raise ValidationError("tag", f"this notebook has no tag {missing[0]!r}")
    return {"tag_keys": keys}


def owner_tags_text(instance: Instance) -> Text:
    """``\ntags     team=cv · t add · T remove · owner alice`` for the details head (one line)."""
    out = Text(no_wrap=True, overflow="ellipsis")
    if instance.family != FAMILY_NOTEBOOKS and not instance.owner:
        return out
    if instance.family == FAMILY_NOTEBOOKS:
        out.append("\ntags     ", style="dim")
        out.append(tags_text(instance.tags) or "none", style="bold" if instance.tags else "dim")
        out.append(" · t add · T remove", style="dim")
    if instance.owner:
        out.append(" · owner " if instance.family == FAMILY_NOTEBOOKS else "\nowner    ", style="dim")
        out.append(instance.owner)
    return out


class TagModal(ModalScreen[dict[str, object] | None]):
    """Tags to add or keys to remove for one notebook, or None when cancelled."""

    AUTO_FOCUS = "#tag-input"
    CSS_PATH = STYLES
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="tag-cancel"),
    ]

    def __init__(self, item: str, current: Sequence[Tag], *, adding: bool) -> None:
        super().__init__()
        self._item = item
        self._current = tuple(current)
        self._adding = adding

    @property
    def action_name(self) -> str:
        """The declared action this form asks for: ``tag`` or ``untag``."""
        return "tag" if self._adding else "untag"

    def compose(self) -> ComposeResult:
        title = "Add tags" if self._adding else "Remove tags"
        prompt = "key=value, several separated by spaces:" if self._adding else "Keys to remove:"
        with Vertical(id="tag-dialog", classes="dialog"):
            yield Label(title, classes="dialog-title")
            yield Static(f"  {self._item}", markup=False, id="tag-item")
            yield Static(f"  tags now: {tags_text(self._current) or '—'}", markup=False, id="tag-now")
            yield Label(prompt)
            yield FieldInput(id="tag-input", compact=True)
            yield FieldError(id="tag-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(title.split()[0], id="apply", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
            yield Label("enter apply · esc cancel", classes="dialog-hint")

    def _submit(self) -> None:
        typed = self.query_one("#tag-input", Input).value
        try:
            params = tag_params(self._adding, typed, self._current)
        except ValidationError as error:
            self.query_one("#tag-error", Label).update(str(error))
            return
        self.dismiss(params)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#tag-error", Label).update("")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "apply":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
