"""Ask for the image a notebook is saved as: name, tag, SWR organisation, description.

The name rules are checked here, as the user types (``tui.core.images``), so nothing is sent for
a name the service would refuse. Returns the parameters of the ``save_image`` action, or None.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.core.errors import ValidationError
from tui.core.images import check_image_name, check_image_tag, check_namespace
from tui.ui.widgets.inputs import FieldError, FieldInput

FIELDS = ("name", "tag", "namespace", "description")


class SaveImageModal(ModalScreen[dict[str, object] | None]):
    """The parameters of a save as image (and whether to stop or delete afterwards), or None."""

    AUTO_FOCUS = "#image-name"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="save-image-cancel"),
    ]

    def __init__(self, item: str, namespace: str = "", *, then: str = "") -> None:
        """``then``: "stop" or "delete" once the image is ACTIVE ("" for neither)."""
        super().__init__()
        self._item = item
        self._namespace = namespace
        self._then = then

    def compose(self) -> ComposeResult:
        title = f"Save as image, then {self._then}" if self._then else "Save as image"
        with Vertical(id="save-image-dialog", classes="dialog"):
            yield Label(title, classes="dialog-title")
            yield Static(f"  {self._item}", markup=False, id="save-image-item")
            yield Label("Name (lower case, digits, - _ .):")
            yield FieldInput(id="image-name", compact=True)
            yield Label("Tag:")
            yield FieldInput("v1", id="image-tag", compact=True)
            yield Label("SWR organisation:")
            yield FieldInput(self._namespace, id="image-namespace", compact=True)
            yield Label("Description:")
            yield FieldInput(id="image-description", compact=True)
            yield FieldError(id="save-image-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
            yield Label("tab next · enter save · esc cancel", classes="dialog-hint")

    def _values(self) -> dict[str, str]:
        return {f: self.query_one(f"#image-{f}", Input).value.strip() for f in FIELDS}

    def _submit(self) -> None:
        values = self._values()
        try:
            check_image_name(values["name"])
            check_image_tag(values["tag"])
            if not values["namespace"]:
                raise ValidationError("namespace", "give the SWR organisation to save into")
            check_namespace(values["namespace"])
        except ValidationError as error:
            self.query_one("#save-image-error", Label).update(str(error))
            self.query_one(f"#image-{error.field}", Input).focus()
            return
        then = {"then_stop": self._then == "stop", "then_delete": self._then == "delete"}
        self.dismiss({**values, **then})

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#save-image-error", Label).update("")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "save":
            self._submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
