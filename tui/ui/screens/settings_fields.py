"""The settings form's fields: one row per profile field, each with its error line under it.

``ProfileFields`` is a base of ``SettingsScreen``: the layout only, no behaviour.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Input, Label, Select

from tui.config.model import API_FAMILIES
from tui.core.domain import CLOUD_LABELS, CLOUDS
from tui.ui.screens.settings_form import API_LABELS, AUTH_LABELS, LABELS, PLACEHOLDERS, SECRET_INPUTS
from tui.ui.widgets.inputs import FieldInput, FlagBox


class ProfileFields:
    """The form of one profile (``#f-<field>`` inputs, ``#e-<field>`` errors)."""

    def _form(self) -> ComposeResult:
        """The fields of one profile, each with its error line."""
        yield from self._row("name", FieldInput(id="f-name", compact=True))
        yield from self._row(
            "cloud",
            Select([(CLOUD_LABELS[c], c) for c in CLOUDS], id="f-cloud", allow_blank=False, compact=True),
        )
        yield from self._row("region", Select([], id="f-region", allow_blank=True, compact=True))
        yield from self._row("project_id", FieldInput(id="f-project_id", compact=True))
        yield from self._row("endpoint", FieldInput(id="f-endpoint", compact=True))
        yield from self._row("iam_endpoint", FieldInput(id="f-iam_endpoint", compact=True))
        yield from self._row(
            "api",
            Select(
                [(API_LABELS.get(a, a), a) for a in API_FAMILIES],
                id="f-api",
                allow_blank=False,
                compact=True,
            ),
        )
        yield from self._row(
            "auth",
            Select(
                [(AUTH_LABELS[a], a) for a in AUTH_LABELS],
                id="f-auth",
                allow_blank=False,
                compact=True,
            ),
        )
        for name in ("ak", "domain", "user"):
            yield from self._row(name, FieldInput(id=f"f-{name}", compact=True))
        for name in SECRET_INPUTS:
            yield from self._row(name, FieldInput(id=f"f-{name}", password=True, compact=True))
        yield from self._row("source", Label("", id="f-source"))
        yield from self._row(
            "notify_minutes", FieldInput(id="f-notify_minutes", type="integer", compact=True)
        )
        yield from self._row("prolong_hours", FieldInput(id="f-prolong_hours", type="number", compact=True))
        with Horizontal(classes="field-row", id="row-flags"):
            yield Label("", classes="field-label")
            yield FlagBox("Enabled", id="f-enabled", compact=True)
            yield FlagBox("Read-only", id="f-read_only", compact=True)
            yield FlagBox("Default", id="f-default", compact=True)

    def _row(self, name: str, widget: Widget) -> ComposeResult:
        with Horizontal(classes="field-row", id=f"row-{name}"):
            yield Label(LABELS[name], classes="field-label")
            if isinstance(widget, Input):
                widget.placeholder = PLACEHOLDERS.get(name, "")
            yield widget
        yield Label("", id=f"e-{name}", classes="field-error")
