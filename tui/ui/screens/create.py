"""The create form (``n``): name, flavor, image, storage, auto-stop, SSH key pairs and allowed IPs.

Flavors and images come from the service (a worker loads them when the form opens). Sold-out
flavors are listed but cannot be highlighted or chosen; the image list shows only the images that
fit the highlighted flavor (arch, resource category), SSH ones marked. Every field is checked with
the rules of ``tui.core.lifecycle`` before the form closes; it returns the CreateSpec or None.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.core.errors import ModelArtsError
from tui.core.lifecycle import CreateSpec, Flavor, Image, images_for
from tui.service import InstanceService
from tui.ui.widgets.inputs import FieldError, FieldInput, FlagBox

STYLES = Path(__file__).resolve().parent.parent / "styles" / "lifecycle.tcss"


def flavor_prompt(flavor: Flavor) -> str:
    """One picker line: short id, category, vCPUs, GB, accelerator, arch, and ``sold out``."""
    short = flavor.id.removeprefix("modelarts.")
    line = f"{short:<16} {flavor.category:<6} {flavor.vcpus:>2} vCPU {flavor.memory_gb:>4g} GB {flavor.gpu:<19} {flavor.arch}"
    return f"{line}  sold out" if flavor.sold_out else line


def image_prompt(image: Image) -> str:
    """One picker line: ``ssh`` for images that offer SSH, the name and tag, BUILD_IN or DEDICATED."""
    return f"{'ssh' if image.ssh else '   '} {image.label[:58]:<58} {image.type.lower()}"


def _words(text: str) -> tuple[str, ...]:
    return tuple(w for w in text.replace(",", " ").split() if w)


class CreateScreen(ModalScreen[CreateSpec | None]):
    """Returns the checked CreateSpec, or None when cancelled."""

    CSS_PATH = STYLES
    AUTO_FOCUS = "#create-name"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="create-cancel"),
        Binding("ctrl+s", "submit", "Create", id="create-submit"),
    ]

    def __init__(self, service: InstanceService, profile: str, taken: Collection[str] = ()) -> None:
        super().__init__()
        self._service = service
        self._profile = profile
        self._taken = set(taken)
        self.flavors: list[Flavor] = []
        self.images: list[Image] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="create-dialog", classes="dialog"):
            yield Label(f"Create a notebook in profile {self._profile}", classes="dialog-title", markup=False)
            with Horizontal(classes="create-row"):
                yield Label("Name ", classes="create-label")
                yield FieldInput(id="create-name", placeholder="letters, digits, - and _", compact=True)
            with Horizontal(classes="create-row"):
                yield Label("Storage GB ", classes="create-label")
                yield FieldInput("5", id="create-storage", type="integer", compact=True)
                yield Label("  Auto-stop h ", classes="create-label")
                yield FieldInput("1", id="create-hours", type="integer", compact=True)
                yield FlagBox("when idle", id="create-idle", compact=True)
            yield Label("Flavor (sold-out ones cannot be chosen)", classes="create-caption")
            yield OptionList(Option("loading…", disabled=True), id="create-flavors", markup=False)
            yield Static("", id="create-flavor-detail", markup=False)
            yield Label("Image (those that fit the flavor; ssh: offers SSH)", classes="create-caption")
            yield OptionList(Option("choose a flavor first", disabled=True), id="create-images", markup=False)
            with Horizontal(classes="create-row"):
                yield Label("SSH key pairs ", classes="create-label")
                yield FieldInput(id="create-keys", placeholder="names, comma separated", compact=True)
                yield Label("  IPs ", classes="create-label")
                yield FieldInput(id="create-ips", placeholder="any", compact=True)
            yield FieldError(id="create-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Create", id="create", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
            yield Label("tab next field · ↑/↓ choose · ctrl+s create · esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self._load()

    @work(exclusive=True, group="create-form", exit_on_error=False)
    async def _load(self) -> None:
        try:
            flavors = await self._service.flavors(self._profile)
            images = await self._service.images(self._profile)
        except ModelArtsError as error:
            self._error(f"cannot list flavors and images: {error.summary()}")
            return
        self.show_offers(flavors, images)

    def show_offers(self, flavors: list[Flavor], images: list[Image]) -> None:
        """Fill the pickers: every flavor (sold-out ones disabled), then the images of the first one."""
        self.flavors, self.images = flavors, images
        picker = self.query_one("#create-flavors", OptionList)
        picker.clear_options()
        picker.add_options([Option(flavor_prompt(f), id=f.id, disabled=f.sold_out) for f in flavors])
        first = next((i for i, f in enumerate(flavors) if not f.sold_out), None)
        if first is not None:
            picker.highlighted = first
            self._show_images(flavors[first])

    def chosen_flavor(self) -> Flavor | None:
        picker = self.query_one("#create-flavors", OptionList)
        index = picker.highlighted
        if index is None or not self.flavors or index >= len(self.flavors):
            return None
        flavor = self.flavors[index]
        return None if flavor.sold_out else flavor

    def chosen_image(self) -> Image | None:
        picker = self.query_one("#create-images", OptionList)
        index = picker.highlighted
        flavor = self.chosen_flavor()
        fitting = images_for(self.images, flavor) if flavor else []
        return fitting[index] if index is not None and index < len(fitting) else None

    def _show_images(self, flavor: Flavor) -> None:
        detail = f"{flavor.id} · {flavor.category} · {flavor.vcpus} vCPUs · {flavor.memory_gb:g} GB"
        detail += f" · {flavor.gpu}" if flavor.gpu else ""
        self.query_one("#create-flavor-detail", Static).update(f"{detail} · {flavor.arch}")
        fitting = images_for(self.images, flavor)
        picker = self.query_one("#create-images", OptionList)
        picker.clear_options()
        if not fitting:
            picker.add_option(Option("no image fits this flavor", disabled=True))
            return
        picker.add_options([Option(image_prompt(i), id=i.id) for i in fitting])
        picker.highlighted = 0

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "create-flavors":
            flavor = self.chosen_flavor()
            if flavor is not None:
                self._show_images(flavor)
        self._error("")

    def spec(self) -> CreateSpec:
        """The form as a CreateSpec, checked (ModelArtsError naming what is wrong)."""
        from tui.core.errors import ValidationError

        name = self.query_one("#create-name", Input).value.strip()
        if name in self._taken:
            raise ValidationError("name", f"a notebook named {name} exists in profile {self._profile}")
        flavor, image = self.chosen_flavor(), self.chosen_image()
        numbers = {}
        for field, widget in (("storage", "#create-storage"), ("auto-stop hours", "#create-hours")):
            text = self.query_one(widget, Input).value.strip()
            if not text.isdigit():
                raise ValidationError(field, "a whole number")
            numbers[field] = int(text)
        idle = self.query_one("#create-idle", FlagBox).value
        return CreateSpec(
            name=name,
            flavor=flavor.id if flavor else "",
            image_id=image.id if image else "",
            storage_gb=numbers["storage"],
            auto_stop_hours=numbers["auto-stop hours"],
            auto_stop_kind="IDLE" if idle else "TIMING",
            key_pair_names=_words(self.query_one("#create-keys", Input).value),
            allowed_ips=_words(self.query_one("#create-ips", Input).value),
            extra={"feature": "DEFAULT"} if flavor is not None and flavor.free else {},
        ).check()

    def _error(self, text: str) -> None:
        self.query_one("#create-error", Label).update(text)

    def action_submit(self) -> None:
        try:
            spec = self.spec()
        except ModelArtsError as error:
            self._error(str(error))
            return
        self.dismiss(spec)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_submit()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._error("")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "create":
            self.action_submit()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
