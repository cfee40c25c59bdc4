"""How one instance reads in the CLI: the JSON record, a ``list`` row and the ``show`` view.

Time left, durations and flavor text come from ``tui.service.present``, as in the TUI.
In JSON, ``profile`` is always the config profile; the v1 API's image profile is ``image_profile``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tui.core.models import FAMILY_NOTEBOOKS, Instance
from tui.core.tags import tags_text
from tui.service import Row
from tui.service.present import age_text, countdown_text, flavor_text, short_id, time_left_s

LIST_HEADER = ("NAME", "ID", "STATUS", "FLAVOR", "AUTO-STOP", "AGE")


def image_profile(instance: Instance) -> str | None:
    """The v1 API's ``profile`` (the engine/image profile) by name, or None."""
    raw = instance.raw.get("profile")
    if isinstance(raw, dict):
        name = raw.get("name") or raw.get("id")
        return str(name) if name else None
    return None


def instance_json(row: Row, instance: Instance, now_ms: int) -> dict[str, Any]:
    """The JSON record of one instance of one config profile."""
    text, warning = countdown_text(instance, now_ms)
    auto = instance.auto_stop
    return {
        "profile": row.profile,
        "id": instance.id,
        "short_id": short_id(instance.id),
        "name": instance.name,
        "alias": row.alias or None,
        "status": instance.status,
        "phase": instance.phase.value,
        "flavor": instance.flavor,
        "flavor_type": instance.flavor_type,
        "flavor_text": flavor_text(instance),
        "image": instance.image,
        "image_profile": image_profile(instance),
        "family": instance.family,
        "created_ms": instance.created_ms,
        "auto_stop_at_ms": auto.stop_at_ms if auto and auto.enabled else None,
        "time_left_s": time_left_s(instance, now_ms),
        "time_left": text,
        "time_left_warning": warning,
        "tags": dict(instance.tags),
        "owner": instance.owner or None,
        "progress": instance.progress or None,
    }


def list_cells(row: Row, now_ms: int) -> list[str]:
    """One ``list`` row: the same words as the table in the TUI (full id, since scripts need it)."""
    instance = row.instance
    return [
        row.display_name,
        instance.id,
        instance.status,
        flavor_text(instance),
        countdown_text(instance, now_ms)[0],
        age_text(instance.created_ms, now_ms),
    ]


def _when(ms: int | None) -> str:
    if ms is None:
        return "—"
    return datetime.fromtimestamp(ms / 1000).astimezone().strftime("%Y-%m-%d %H:%M %Z")


def _auto_stop(instance: Instance, now_ms: int) -> str:
    text, _ = countdown_text(instance, now_ms)
    auto = instance.auto_stop
    if auto is not None and auto.enabled and auto.stop_at_ms is not None and text not in ("—", "off"):
        return f"{text} left (at {_when(auto.stop_at_ms)})"
    return text


def show_lines(row: Row, instance: Instance, now_ms: int) -> list[tuple[str, str]]:
    """The ``show`` view: label and value pairs, in reading order."""
    name = instance.name + (f" (alias {row.alias})" if row.alias and row.alias != instance.name else "")
    flavor = flavor_text(instance) + (f" ({instance.flavor})" if instance.flavor else "")
    created = _when(instance.created_ms)
    if instance.created_ms is not None:
        created += f", {age_text(instance.created_ms, now_ms)} ago"
    lines = [
        ("name", name),
        ("id", f"{instance.id} (short {short_id(instance.id)})"),
        ("profile", row.profile),
        ("status", instance.status + (f" (step {instance.progress})" if instance.progress else "")),
        ("auto-stop", _auto_stop(instance, now_ms)),
        ("flavor", flavor),
        ("image", instance.image or "—"),
        ("api", instance.family),
        ("created", created),
        ("description", instance.description or "—"),
        ("url", instance.url or "—"),
    ]
    profile = image_profile(instance)
    if profile:
        lines.insert(7, ("image profile", profile))
    if instance.family == FAMILY_NOTEBOOKS:
        lines += [("tags", tags_text(instance.tags) or "—"), ("owner", instance.owner or "—")]
    return lines
