"""Validation of notebook create and update bodies (sections 11.2 and 11.4); each raises Invalid."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tui.emulator.catalog_nb import NB_FLAVORS, ImageDef, NbFlavor
from tui.emulator.images import ImageStore
from tui.emulator.routes_notebooks import lease_ms
from tui.emulator.routes_v1 import Invalid

NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,128}")
EVS_MIN_GB, EVS_MAX_GB = 5, 4096
MAX_ALLOWED_IPS = 5
IMAGE_NOT_FOUND = "ModelArts.6797"


@dataclass(frozen=True, slots=True)
class SshConfig:
    """The SSH endpoint asked for: on or off, key pairs and allowed IPs."""

    enabled: bool
    key_pair_names: tuple[str, ...] = ()
    allowed_ips: tuple[str, ...] = ()


def check_name(value: object) -> str:
    """A notebook name: 1–128 letters, digits, - and _ (6334 otherwise)."""
    if not isinstance(value, str) or not value:
        raise Invalid("ModelArts.0101", "Invalid parameter name: it is required.")
    if not NAME_RE.fullmatch(value):
        raise Invalid("ModelArts.6334", "The name may contain only letters, digits, - and _ (at most 128).")
    return value


def check_flavor(value: object) -> NbFlavor:
    """A flavor the region offers (6323 otherwise)."""
    if not isinstance(value, str) or value not in NB_FLAVORS:
        raise Invalid("ModelArts.6323", f"The flavor {value!r} is not supported.")
    return NB_FLAVORS[value]


def check_image(images: ImageStore, value: object, now: float) -> ImageDef:
    """An ACTIVE image of the project (6797 otherwise)."""
    found = images.get(value) if isinstance(value, str) else None
    if found is None or images.status(found, now) != "ACTIVE":
        raise Invalid(IMAGE_NOT_FOUND, f"The image {value!r} does not exist.")
    return found.image


def check_fits(image: ImageDef, flavor: NbFlavor) -> None:
    """The image runs on the flavor: same arch, category in its resource categories (6345)."""
    if not image.fits(flavor):
        raise Invalid(
            "ModelArts.6345",
            f"The image {image.name}:{image.tag} ({image.arch}, {'/'.join(image.categories)}) "
            f"does not support the flavor {flavor.id} ({flavor.arch}, {flavor.category}).",
        )


def check_feature(value: object, flavor: NbFlavor) -> str:
    """NOTEBOOK (paid flavors) or DEFAULT (free CodeLab flavors); 6870 when they do not match."""
    feature = value.upper() if isinstance(value, str) else "NOTEBOOK" if value is None else ""
    if feature not in ("NOTEBOOK", "DEFAULT"):
        raise Invalid("ModelArts.0101", f"Invalid parameter feature: {value!r}.")
    if (feature == "DEFAULT") != flavor.free:
        raise Invalid("ModelArts.6870", f"The flavor {flavor.id} does not support the feature {feature}.")
    return feature


def check_volume(value: object) -> tuple[str, int]:
    """``volume`` {category, ownership, capacity}: (category, GB); EVS 5–4096 GB (6331)."""
    if not isinstance(value, dict):
        raise Invalid("ModelArts.0101", "Invalid parameter volume: it is required.")
    category = value.get("category")
    if category not in ("EVS", "EFS", "OBS", "OBSFS"):
        raise Invalid("ModelArts.0101", f"Invalid parameter volume.category: {category!r}.")
    if value.get("ownership", "MANAGED") not in ("MANAGED", "DEDICATED"):
        raise Invalid("ModelArts.0101", f"Invalid parameter volume.ownership: {value.get('ownership')!r}.")
    capacity = value.get("capacity", EVS_MIN_GB)
    if category == "EVS" and (
        isinstance(capacity, bool)
        or not isinstance(capacity, int)
        or not EVS_MIN_GB <= capacity <= EVS_MAX_GB
    ):
        raise Invalid("ModelArts.6331", f"The EVS size must be between {EVS_MIN_GB} and {EVS_MAX_GB} GB.")
    return str(category), capacity if isinstance(capacity, int) else EVS_MIN_GB


def _strings(value: object, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise Invalid("ModelArts.0101", f"Invalid parameter {name}: must be a list of strings.")
    return tuple(value)


def check_endpoints(value: object, image: ImageDef) -> SshConfig | None:
    """``endpoints`` [{service: NOTEBOOK|SSH, key_pair_names, allowed_access_ips}]: the SSH part.

    None when the body has no ``endpoints``; SshConfig(False) when it has no SSH item.
    """
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise Invalid("ModelArts.0101", "Invalid parameter endpoints: must be a list of objects.")
    ssh: SshConfig = SshConfig(False)
    for item in value:
        service = item.get("service")
        if service not in ("NOTEBOOK", "SSH"):
            raise Invalid("ModelArts.0101", f"Invalid parameter endpoints.service: {service!r}.")
        if service != "SSH":
            continue
        if "SSH" not in image.dev_services:
            raise Invalid("ModelArts.0101", f"The image {image.name}:{image.tag} does not support SSH.")
        keys = _strings(item.get("key_pair_names"), "key_pair_names")
        if not keys:
            raise Invalid("ModelArts.0101", "Invalid parameter key_pair_names: SSH needs a key pair.")
        ips = _strings(item.get("allowed_access_ips"), "allowed_access_ips")
        if len(ips) > MAX_ALLOWED_IPS:
            raise Invalid("ModelArts.0101", f"At most {MAX_ALLOWED_IPS} allowed_access_ips are allowed.")
        ssh = SshConfig(True, keys, ips)
    return ssh


def check_lease(body: dict[str, Any]) -> float | None:
    """Auto-stop seconds from ``duration`` (ms, wins) or ``lease`` {duration, type}; None: not given."""
    if body.get("duration") is not None:
        return lease_ms(body["duration"]) / 1000
    lease = body.get("lease")
    if lease is None:
        return None
    if not isinstance(lease, dict):
        raise Invalid("ModelArts.0101", "Invalid parameter lease: must be an object.")
    kind = lease.get("type", "TIMING")
    if not isinstance(kind, str) or kind.upper() not in ("TIMING", "IDLE"):
        raise Invalid("ModelArts.0101", f"Invalid parameter lease.type: {kind!r}.")
    return lease_ms(lease.get("duration"), "lease.duration") / 1000


def check_storage_size(value: object, category: str, current: int) -> int:
    """``storage_new_size``: EVS only, larger than now, at most 4096 GB (6331 otherwise)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("ModelArts.0101", "Invalid parameter storage_new_size: must be an integer (GB).")
    if category != "EVS":
        raise Invalid("ModelArts.6331", "Only EVS storage can be expanded.")
    if not current < value <= EVS_MAX_GB:
        raise Invalid(
            "ModelArts.6331",
            f"The new EVS size must be larger than the current {current} GB and at most {EVS_MAX_GB} GB.",
        )
    return value
