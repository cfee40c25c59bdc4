"""How an instance looks in each family: the v1 ``<instance>`` and the notebooks ``NotebookResp``."""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Any

from tui.emulator.catalog import TARGET_DOMAIN, flavor_details, image_json, profile_json
from tui.emulator.context import AppContext
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
    if nb_status(rec.status) != "STARTING" or rec.ends_at is None:
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


def nb_view(rec: InstanceRecord, now: float, ctx: AppContext) -> dict[str, Any]:
    """The notebooks family's ``NotebookResp`` (section 6)."""
    running = rec.status == "RUNNING"
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
        "image": _image_json(rec.profile_id, rec.flavor),
        "lease": lease_view(rec),
        "volume": {
            "category": "OBS" if rec.storage_type == "obs" else "EVS",
            "ownership": "MANAGED",
            "mount_path": "/home/ma-user/work/",
            "capacity": rec.volume_size or 5,
        },
        "pool": None,
        "endpoints": [],
        "action_progress": _progress(rec, now),
        "billing_items": ["STORAGE", "COMPUTE"],
        "user": {
            "id": ctx.user_id,
            "name": ctx.user_name,
            "domain": {"id": ctx.domain_id, "name": ctx.domain_name},
        },
    }
