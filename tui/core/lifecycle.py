"""What a notebook is made of and may change to: flavors, images, the create request, the rules.

Plain values (no I/O), shared by the client, the service, the CLI and the create form, so a rule a
user meets (a name, a storage size, an image that fits a flavor) is written once. Section 11.2-11.4.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tui.core.errors import ValidationError

NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
NAME_MAX = 128
STORAGE_MIN_GB, STORAGE_MAX_GB = 5, 4096
AUTO_STOP_MIN_H, AUTO_STOP_MAX_H = 1, 72
LEASE_KINDS = ("TIMING", "IDLE")
MAX_ALLOWED_IPS = 5
KB_PER_GB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Flavor:
    """A notebooks flavor (``GET /notebooks/flavors``); memory already in GB (the API gives KB)."""

    id: str
    arch: str
    category: str
    vcpus: int
    memory_gb: float
    gpu: str = ""
    """``1 x T4 (16GB)`` for a GPU or NPU flavor, else empty."""
    sold_out: bool = False
    free: bool = False
    description: str = ""

    @property
    def summary(self) -> str:
        """One line a picker shows: ``8 vCPUs  32 GB  1 x T4 (16GB)  x86_64``."""
        parts = [f"{self.vcpus} vCPUs", f"{self.memory_gb:g} GB"]
        if self.gpu:
            parts.append(self.gpu)
        parts.append(self.arch)
        return "  ".join(parts)


@dataclass(frozen=True, slots=True)
class Image:
    """An image a notebook can run (``GET /images``)."""

    id: str
    name: str
    tag: str
    arch: str
    dev_services: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    type: str = ""
    status: str = ""

    @property
    def label(self) -> str:
        return f"{self.name}:{self.tag}" if self.tag else self.name

    @property
    def ssh(self) -> bool:
        """True when the image offers SSH (``dev_services`` has it)."""
        return "SSH" in self.dev_services

    def fits(self, flavor: Flavor) -> bool:
        """A notebook of ``flavor`` can run it: same arch, the flavor's category among its categories."""
        return self.arch == flavor.arch and flavor.category in self.categories


def images_for(images: list[Image], flavor: Flavor) -> list[Image]:
    """The images that fit ``flavor``, SSH ones first, then by label."""
    fitting = [i for i in images if i.fits(flavor)]
    return sorted(fitting, key=lambda i: (not i.ssh, i.label))


@dataclass(frozen=True, slots=True)
class CreateSpec:
    """Everything a create sends (section 11.2); ``check()`` says what is wrong before anything is sent."""

    name: str
    flavor: str
    image_id: str
    storage_gb: int = STORAGE_MIN_GB
    auto_stop_hours: int = 1
    auto_stop_kind: str = "TIMING"
    description: str = ""
    key_pair_names: tuple[str, ...] = ()
    allowed_ips: tuple[str, ...] = ()
    extra: dict[str, object] = field(default_factory=dict, compare=False)
    """Fields copied as they are by ``create --from`` (``feature``, ``workspace_id``)."""

    def check(self) -> CreateSpec:
        """The spec when every field keeps the documented rules; ValidationError naming the field."""
        check_name(self.name)
        for field_name, value in (("flavor", self.flavor), ("image", self.image_id)):
            if not value:
                raise ValidationError(field_name, f"choose a {field_name}")
        check_storage(self.storage_gb)
        if not AUTO_STOP_MIN_H <= self.auto_stop_hours <= AUTO_STOP_MAX_H:
            raise ValidationError(
                "auto_stop_hours",
                f"between {AUTO_STOP_MIN_H} and {AUTO_STOP_MAX_H} hours, not {self.auto_stop_hours}",
            )
        if self.auto_stop_kind not in LEASE_KINDS:
            raise ValidationError("auto_stop_kind", f"TIMING or IDLE, not {self.auto_stop_kind!r}")
        bad = sorted(set("&<>\"'/") & set(self.description))
        if bad or len(self.description) > 512:
            raise ValidationError("description", "at most 512 characters, none of & < > \" ' /")
        if self.allowed_ips and not self.key_pair_names:
            raise ValidationError("key_pair_names", "allowed IPs need an SSH key pair name")
        if len(self.allowed_ips) > MAX_ALLOWED_IPS:
            raise ValidationError("allowed_ips", f"at most {MAX_ALLOWED_IPS} addresses")
        for key in self.key_pair_names:
            if not NAME_RE.match(key):
                raise ValidationError("key_pair_names", f"not a key pair name: {key[:40]!r}")
        return self

    def body(self) -> dict[str, object]:
        """The JSON body of ``POST /notebooks``."""
        body: dict[str, object] = {
            **self.extra,
            "name": self.name,
            "flavor": self.flavor,
            "image_id": self.image_id,
            "volume": {"category": "EVS", "ownership": "MANAGED", "capacity": self.storage_gb},
            "lease": {"duration": self.auto_stop_hours * 3_600_000, "type": self.auto_stop_kind},
        }
        if self.description:
            body["description"] = self.description
        if self.key_pair_names:
            body["endpoints"] = [
                {
                    "service": "SSH",
                    "key_pair_names": list(self.key_pair_names),
                    "allowed_access_ips": list(self.allowed_ips),
                }
            ]
        return body


def check_name(name: str) -> str:
    """A notebook name: 1-128 letters, digits, ``-`` and ``_`` (section 11.2)."""
    if not name:
        raise ValidationError("name", "a name is needed")
    if len(name) > NAME_MAX:
        raise ValidationError("name", f"at most {NAME_MAX} characters ({len(name)} given)")
    if not NAME_RE.match(name):
        raise ValidationError("name", "only letters, digits, - and _")
    return name


def check_storage(gb: int, current: int | None = None) -> int:
    """An EVS size in GB: 5-4096, and larger than ``current`` when growing (it never shrinks)."""
    if isinstance(gb, bool) or not isinstance(gb, int):
        raise ValidationError("storage", f"whole GB, not {gb!r}")
    if current is not None and gb <= current:
        raise ValidationError("storage", f"storage only grows: more than the current {current} GB")
    if not STORAGE_MIN_GB <= gb <= STORAGE_MAX_GB:
        raise ValidationError("storage", f"between {STORAGE_MIN_GB} and {STORAGE_MAX_GB} GB, not {gb}")
    return gb
