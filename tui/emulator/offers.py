"""What a notebook can have: which flavors can be had now, which image it runs, what it may switch to."""

from __future__ import annotations

from tui.emulator.capacity import SHORT, SOLD_OUT
from tui.emulator.catalog_nb import BUILTIN_IMAGES, NB_FLAVORS, ImageDef, NbFlavor, profile_image_id
from tui.emulator.context import AppContext
from tui.emulator.images import ImageStore
from tui.emulator.record import Conflict, InstanceRecord


def sold_out(ctx: AppContext, flavor: str, now: float) -> bool:
    """True while ``flavor`` cannot be had: the catalog flag or a capacity knob."""
    known = NB_FLAVORS.get(flavor)
    return (known is not None and known.sold_out) or ctx.capacity.sold_out(flavor, now)


def check_can_run(ctx: AppContext, flavor: str, now: float) -> tuple[str, str] | None:
    """Raise 6329 for a sold-out flavor; return the 6360 failure a start ends with when it is short."""
    if sold_out(ctx, flavor, now):
        code, text = SOLD_OUT
        raise Conflict(code, text.format(flavor=flavor))
    if ctx.capacity.short(flavor, now):
        code, text = SHORT
        return code, text.format(flavor=flavor)
    return None


def image_of(images: ImageStore, rec: InstanceRecord) -> ImageDef:
    """The image a notebook runs (a saved one, or its profile's built-in one)."""
    found = images.get(rec.image_id or profile_image_id(rec.profile_id))
    return found.image if found is not None else BUILTIN_IMAGES[0]


def switchable(images: ImageStore, rec: InstanceRecord) -> list[NbFlavor]:
    """Flavors the notebook may change to: its image fits them, not free ones, not its own."""
    image = image_of(images, rec)
    return [f for f in NB_FLAVORS.values() if f.id != rec.flavor and not f.free and image.fits(f)]
