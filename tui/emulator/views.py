"""How an instance looks in each family: the v1 ``<instance>`` and the notebooks ``NotebookResp``."""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Any

from tui.emulator.auth import stable_id
from tui.emulator.catalog import TARGET_DOMAIN, flavor_details, image_json, profile_json
from tui.emulator.context import AppContext
from tui.emulator.images import ImageStore
from tui.emulator.state import InstanceRecord, nb_status, v1_status

_STEPS = ("Allocating storage", "Scheduling compute resources", "Pulling the image", "Starting the notebook")


def ms(epoch: float) -> int:
    """Epoch seconds to integer epoch milliseconds."""
    return int(round(epoch * 1000))


_flavor_details = lru_cache(maxsize=64)(flavor_details)
_profile_json = lru_cache(maxsize=64)(profile_json)
_image_json = lru_cache(maxsize=64)(image_json)


def notebook_url(rec: InstanceRecord) -> str:
    """The JupyterLab URL of a running instance (same link in both families)."""
    return f"{TARGET_DOMAIN}/modelarts/hubv100/notebook/user/{rec.v1_id}/lab"


def v1_view(rec: InstanceRecord, now: float, ctx: AppContext) -> dict[str, Any]:
    """The documented v1 ``<instance>`` (sections 1.9 and 1.10)."""
    running = rec.status == "RUNNING"
    stop_at = rec.stop_at
    auto_stop: dict[str, Any] = {
        "enable": rec.auto_stop_enable or stop_at is not None,
        "duration": rec.auto_stop_duration_s,
        "prompt": rec.auto_stop_prompt,
    }
    if stop_at is not None:
        auto_stop["stop_timestamp"] = ms(stop_at)
        auto_stop["remain_time"] = max(0, int(stop_at - now))
    if rec.storage_type == "obs":
        location: dict[str, Any] = {"path": rec.storage_path}
    else:
        location = {"path": rec.storage_path, "volume_size": rec.volume_size, "volume_unit": "GB"}
    failed = {"code": rec.error_code, "message": rec.error_message, "detail": {}} if rec.error_code else None
    return {
        "id": rec.v1_id,
        "name": rec.name,
        "description": rec.description,
        "status": v1_status(rec.status),
        "creation_timestamp": str(ms(rec.created)),
        "latest_update_timestamp": str(ms(rec.updated)),
        "profile": _profile_json(rec.profile_id, rec.flavor),
        "flavor": rec.flavor,
        "flavor_details": _flavor_details(rec.flavor),
        "pool": None,
        "spec": {
            "storage": {"type": rec.storage_type, "location": location},
            "extend_storage": None,
            "auto_stop": auto_stop,
            "annotations": {"target_domain": TARGET_DOMAIN, "url": notebook_url(rec) if running else ""},
            "failed_reasons": failed,
            "extend_params": None,
            "repository": None,
        },
        "workspace": {"id": "0"},
        "ai_project": {"id": "default-ai-project"},
        "error_code": rec.error_code,
        "queuing_info": None,
        "user": {"id": ctx.user_id, "name": ctx.user_name},
        "repository": None,
    }


def lease_view(rec: InstanceRecord) -> dict[str, Any]:
    """The notebooks ``Lease``: the current run's while RUNNING, else the configured auto-stop."""
    running = rec.status == "RUNNING" and rec.lease_start is not None
    enable = rec.lease_enable if running else rec.auto_stop_enable
    duration_s = rec.lease_duration_s if running and rec.lease_enable else rec.auto_stop_duration_s
    start = rec.lease_start if rec.lease_start is not None else rec.created
    updated = rec.lease_updated if rec.lease_updated is not None else rec.updated
    return {
        "create_at": ms(start),
        "duration": int(round(duration_s * 1000)),
        "enable": enable,
        "type": "TIMING",
        "update_at": ms(updated),
    }


def _progress(rec: InstanceRecord, now: float) -> list[dict[str, Any]]:
    if nb_status(rec.status) not in ("STARTING", "CREATING", "INIT") or rec.ends_at is None:
        return []
    span = rec.ends_at - rec.since
    fraction = (now - rec.since) / span if span > 0 else 1.0
    current = min(len(_STEPS), 1 + int(fraction * len(_STEPS)))
    return [
        {
            "notebook_id": rec.uid,
            "step": step,
            "status": "COMPLETED" if step < current else "PROCESSING" if step == current else "WAITING",
            "step_description": text,
            "description": text,  # Huawei's SDK model (JobProgress) reads this name
        }
        for step, text in enumerate(_STEPS, start=1)
    ]


def ssh_uri(rec: InstanceRecord, ctx: AppContext) -> str:
    """``host:port`` of the SSH endpoint: ``--ssh`` when given, else a TEST-NET address (RFC 5737)
    that leads nowhere and whose port moves with every start, as a real one does."""
    if ctx.config.ssh:
        return ctx.config.ssh
    seed = int(rec.uid[:8], 16)
    return f"198.51.100.{seed % 254 + 1}:{30000 + (seed + 7919 * rec.runs) % 10000}"


def endpoints_view(rec: InstanceRecord, ctx: AppContext) -> list[dict[str, Any]]:
    """``endpoints``: the JupyterLab service always, the SSH one when the instance has it (11.0)."""
    running = rec.status == "RUNNING"
    items: list[dict[str, Any]] = [
        {
            "service": "NOTEBOOK",
            "dev_service": "NOTEBOOK",
            "uri": notebook_url(rec) if running else "",
            "key_pair_names": [],
            "allowed_access_ips": [],
        }
    ]
    if rec.ssh:
        keys = [ctx.config.key_pair] if ctx.config.key_pair else list(rec.key_pair_names)
        items.append(
            {
                "service": "SSH",
                "dev_service": "SSH",
                "uri": ssh_uri(rec, ctx),
                "key_pair_names": keys,
                "allowed_access_ips": list(rec.allowed_ips),
            }
        )
    return items


def _image(rec: InstanceRecord, images: ImageStore | None, now: float) -> dict[str, Any]:
    found = images.get(rec.image_id) if images is not None and rec.image_id else None
    if found is None:
        return _image_json(rec.profile_id, rec.flavor)
    full = images.view(found, now) if images is not None else {}
    return {k: full[k] for k in ("id", "name", "swr_path", "tag", "type", "arch", "dev_services")}


def _user(rec: InstanceRecord, ctx: AppContext) -> dict[str, Any]:
    domain = {"id": ctx.domain_id, "name": ctx.domain_name}
    if rec.owner:
        return {"id": stable_id("user", rec.owner), "name": rec.owner, "domain": domain}
    return {"id": ctx.user_id, "name": ctx.user_name, "domain": domain}


def nb_view(
    rec: InstanceRecord, now: float, ctx: AppContext, images: ImageStore | None = None
) -> dict[str, Any]:
    """The notebooks family's ``NotebookResp`` (sections 6 and 11)."""
    running = rec.status == "RUNNING"
    volume: dict[str, Any] = {
        "category": rec.storage_type.upper(),
        "ownership": "MANAGED",
        "mount_path": "/home/ma-user/work/",
        "capacity": rec.volume_size or 5,
    }
    if rec.volume_resize_until is not None and now < rec.volume_resize_until:
        volume["status"] = "RESIZING"
    user = _user(rec, ctx)
    return {
        "id": rec.uid,
        "name": rec.name,
        "description": rec.description,
        "status": nb_status(rec.status),
        "flavor": rec.flavor,
        "feature": "NOTEBOOK",
        "fail_reason": rec.error_message or None,
        "token": str(uuid.UUID(hex=rec.token)) if rec.token else None,
        "url": notebook_url(rec) if running else "",
        "workspace_id": "0",
        "create_at": ms(rec.created),
        "update_at": ms(rec.updated),
        "image": _image(rec, images if images is not None else ctx.images, now),
        "lease": lease_view(rec),
        "volume": volume,
        "pool": None,
        "endpoints": endpoints_view(rec, ctx),
        "action_progress": _progress(rec, now),
        "billing_items": ["STORAGE", "COMPUTE"],
        "tags": [{"key": k, "value": v} for k, v in sorted(rec.tags.items())],
        "user": user,
        "user_id": user["id"],
    }
