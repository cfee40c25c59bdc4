"""Images of one project: the built-in ones, the seeded DEDICATED one, and those saved from notebooks.

A saved image's status is a function of the clock (section 11.5): INIT for one transition,
CREATING for another, then ACTIVE, or CREATE_FAILED with a ``status_message`` when the store
was told to fail it (``fail_next``).
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from typing import Any

from tui.emulator.catalog_nb import BUILTIN_IMAGES, SEEDED_DEDICATED, ImageDef, image_swr_path
from tui.emulator.clock import Clock

FAILED_MESSAGE = "Failed to commit the image: the container file system is larger than the 35 GB limit."


@dataclass(slots=True)
class ImageRecord:
    """One image and, for a saved one, when it was asked for and whether it fails."""

    image: ImageDef
    created: float
    saved: bool = False
    fail: bool = False
    workspace_id: str = "0"


class ImageStore:
    """Thread-safe images keyed by id; statuses settle on the clock."""

    def __init__(self, clock: Clock, transition_seconds: float, start: float) -> None:
        self.clock = clock
        self.transition_seconds = transition_seconds
        self.fail_next = 0
        self._lock = threading.Lock()
        self._images: dict[str, ImageRecord] = {
            image.id: ImageRecord(image, start - 90 * 86400) for image in (*BUILTIN_IMAGES, SEEDED_DEDICATED)
        }

    def status(self, rec: ImageRecord, now: float) -> str:
        """INIT -> CREATING -> ACTIVE | CREATE_FAILED for a saved image; ACTIVE otherwise."""
        if not rec.saved:
            return "ACTIVE"
        age = now - rec.created
        if age < self.transition_seconds:
            return "INIT"
        if age < 2 * self.transition_seconds:
            return "CREATING"
        return "CREATE_FAILED" if rec.fail else "ACTIVE"

    def get(self, image_id: str) -> ImageRecord | None:
        """The image with this id, or None."""
        with self._lock:
            return self._images.get(image_id)

    def all(self) -> list[ImageRecord]:
        """Every image, built-in first, then by creation time."""
        with self._lock:
            return list(self._images.values())

    def tag_taken(self, namespace: str, name: str, tag: str) -> bool:
        """True when ``namespace/name:tag`` already exists."""
        with self._lock:
            return any(
                (r.image.namespace, r.image.name, r.image.tag) == (namespace, name, tag)
                for r in self._images.values()
            )

    def save(
        self, name: str, tag: str, namespace: str, base: ImageDef, description: str, now: float
    ) -> ImageRecord:
        """Register an image saved from a notebook running ``base`` (starts in INIT)."""
        image = ImageDef(
            str(uuid.uuid5(uuid.NAMESPACE_URL, f"{namespace}/{name}:{tag}@{now}")),
            name,
            tag,
            base.arch,
            base.dev_services,
            base.categories,
            description,
            namespace=namespace,
            type="DEDICATED",
        )
        with self._lock:
            fail = self.fail_next > 0
            self.fail_next = max(0, self.fail_next - 1)
            rec = ImageRecord(image, now, saved=True, fail=fail)
            self._images[image.id] = rec
            return rec

    def view(self, rec: ImageRecord, now: float) -> dict[str, Any]:
        """The documented image object (``ImageResponse``)."""
        image = rec.image
        status = self.status(rec, now)
        settled = rec.created + (2 * self.transition_seconds if rec.saved else 0)
        return {
            "id": image.id,
            "name": image.name,
            "tag": image.tag,
            "namespace": image.namespace,
            "arch": image.arch,
            "dev_services": list(image.dev_services),
            "resource_categories": list(image.categories),
            "service_type": "COMMON" if image.type == "BUILD_IN" else "UNKNOWN",
            "swr_path": image_swr_path(image.namespace, image.name, image.tag),
            "status": status,
            "status_message": FAILED_MESSAGE if status == "CREATE_FAILED" else "",
            "visibility": "PUBLIC" if image.type == "BUILD_IN" else "PRIVATE",
            "type": image.type,
            "origin": "CUSTOMIZE" if rec.saved else "IMAGE_REGISTER" if image.type == "DEDICATED" else "",
            "description": image.description,
            "workspace_id": rec.workspace_id,
            "size": 0 if status in ("INIT", "CREATING") else 8_912_896_000,
            "create_at": int(rec.created * 1000),
            "update_at": int(min(now, settled) * 1000) if rec.saved else int(rec.created * 1000),
        }
