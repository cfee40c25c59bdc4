"""``create --from EXISTING``: an instance's settings as a CreateSpec under a new name.

Read from the notebook object (section 11.0-11.2): flavor, image id, EVS size, lease hours and
type, the SSH endpoint's key pairs (``key_pair_names`` or OTC's ``ssh_keys``) and allowed IPs.
"""

from __future__ import annotations

from typing import Any

from tui.api.parse import to_int
from tui.api.parse_offers import clean
from tui.core.lifecycle import (
    AUTO_STOP_MAX_H,
    AUTO_STOP_MIN_H,
    LEASE_KINDS,
    STORAGE_MAX_GB,
    STORAGE_MIN_GB,
    CreateSpec,
)
from tui.core.models import Instance


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(t for t in (clean(v, 128) for v in value[:20]) if t)


def _ssh(endpoints: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    for item in endpoints if isinstance(endpoints, list) else []:
        if isinstance(item, dict) and "SSH" in (item.get("service"), item.get("dev_service")):
            keys = _strings(item.get("key_pair_names")) or _strings(item.get("ssh_keys"))
            return keys, _strings(item.get("allowed_access_ips"))[:5]
    return (), ()


def spec_from(instance: Instance, name: str) -> CreateSpec:
    """The settings of ``instance`` for a new notebook ``name`` (not checked: the caller does)."""
    raw = instance.raw
    image = raw.get("image")
    image_id = clean(image.get("id"), 64) if isinstance(image, dict) else ""
    volume = raw.get("volume")
    size = to_int(volume.get("capacity")) if isinstance(volume, dict) else None
    found = raw.get("lease")
    lease: dict[str, Any] = found if isinstance(found, dict) else {}
    duration_ms = to_int(lease.get("duration")) or 3_600_000
    kind = clean(lease.get("type"), 10).upper()
    keys, ips = _ssh(raw.get("endpoints"))
    return CreateSpec(
        name=name,
        flavor=instance.flavor,
        image_id=image_id,
        storage_gb=min(STORAGE_MAX_GB, max(STORAGE_MIN_GB, size or STORAGE_MIN_GB)),
        auto_stop_hours=min(AUTO_STOP_MAX_H, max(AUTO_STOP_MIN_H, round(duration_ms / 3_600_000))),
        auto_stop_kind=kind if kind in LEASE_KINDS else "TIMING",
        description=instance.description,
        key_pair_names=keys,
        allowed_ips=ips if keys else (),
    )
