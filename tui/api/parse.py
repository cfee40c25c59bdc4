"""Tolerant parsing of ModelArts answers into the frozen values of ``tui.core.models``.

Unknown fields go to ``Instance.extra``, the whole object to ``raw``; missing optional fields
are fine; timestamps may be strings or numbers of epoch milliseconds or seconds (detected), or
ISO 8601. What cannot be an instance (not an object, no id) raises ``ResponseError``: no
``KeyError`` or ``TypeError`` ever leaves this module.
Error bodies and JSON decoding live in ``tui.api.body`` (re-exported here).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tui.api.body import SUMMARY_SCAN_BYTES as SUMMARY_SCAN_BYTES  # re-exported
from tui.api.body import ErrorBody as ErrorBody
from tui.api.body import decode_json as decode_json
from tui.api.body import parse_error_body as parse_error_body
from tui.api.body import summarize_body as summarize_body
from tui.api.body import text_of
from tui.api.endpoints import parse_endpoints
from tui.api.memo import InstanceMemo as InstanceMemo  # re-exported
from tui.api.parse_images import parse_owner, parse_progress, parse_tags
from tui.api.redact import redact_url, scrub
from tui.api.remain import remain_moved
from tui.core.errors import ResponseError
from tui.core.models import (
    FAMILY_NOTEBOOKS,
    FAMILY_V1,
    MAX_EPOCH_MS,
    ActionResult,
    AutoStop,
    Instance,
    InstancePage,
    Lease,
    Phase,
    phase_of,
)

_SECONDS_LIMIT = 100_000_000_000
"""Below this an epoch value is seconds (year 5138), at or above it milliseconds (March 1973)."""

_V1_KNOWN = frozenset(
    {
        "id",
        "name",
        "description",
        "status",
        "creation_timestamp",
        "latest_update_timestamp",
        "flavor",
        "flavor_details",
        "profile",
        "spec",
    }
)
_NB_KNOWN = frozenset(
    {
        "id",
        "name",
        "description",
        "status",
        "create_at",
        "update_at",
        "flavor",
        "flavor_details",
        "image",
        "lease",
        "url",
    }
)


# --- JSON and scalars ----------------------------------------------------------------------------
def as_object(data: Any, what: str, endpoint: str = "") -> dict[str, Any]:
    """``data`` when it is a JSON object, else ResponseError naming what was expected."""
    if not isinstance(data, dict):
        kind = type(data).__name__ if data is not None else "null"
        raise ResponseError(f"{endpoint}: expected {what} as a JSON object, got {kind}", endpoint=endpoint)
    return data


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def to_int(value: Any) -> int | None:
    """An int from an int, a float or a numeric string; None for anything else."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value and abs(value) != float("inf") else None
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            return int(float(text))
        except (ValueError, OverflowError):  # "nan", "inf", "1e400"
            return None
    return None


def to_bool(value: Any, default: bool = False) -> bool:
    """A bool from a bool, ``"true"``/``"false"`` or a number; ``default`` when absent or unclear."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in ("true", "1", "yes", "on"):
            return True
        if lowered in ("false", "0", "no", "off"):
            return False
    return default


def epoch_ms(value: Any) -> int | None:
    """Epoch milliseconds from ms or seconds (number or numeric string) or ISO 8601; None if absent.

    Also None for what no date can show: not positive, not finite, or after 9999-12-31.
    """
    if isinstance(value, bool) or value is None:
        return None
    number: int | float
    if isinstance(value, (int, float)):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            number = int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return _iso_ms(text)
    else:
        return None
    if isinstance(number, float) and (number != number or abs(number) == float("inf")):
        return None
    if number <= 0:
        return None
    ms = int(number * 1000) if number < _SECONDS_LIMIT else int(number)
    return ms if ms <= MAX_EPOCH_MS else None


def _iso_ms(text: str) -> int | None:
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        ms = int(when.timestamp() * 1000)
    except (OverflowError, OSError, ValueError):
        return None
    return ms if 0 < ms <= MAX_EPOCH_MS else None


# --- instances -----------------------------------------------------------------------------------
def _require_id(data: Any, what: str, endpoint: str) -> tuple[dict[str, Any], str]:
    obj = as_object(data, what, endpoint)
    instance_id = obj.get("id")
    if not isinstance(instance_id, (str, int)) or isinstance(instance_id, bool) or not str(instance_id):
        raise ResponseError(f"{endpoint}: {what} has no id", endpoint=endpoint)
    return obj, str(instance_id)


def _v1_auto_stop(obj: dict[str, Any]) -> AutoStop | None:
    spec = _obj(obj.get("spec"))
    auto = spec.get("auto_stop")
    if not isinstance(auto, dict):
        auto = obj.get("auto_stop")  # otcextensions sends it top level
    if not isinstance(auto, dict):
        return None
    return AutoStop(
        enabled=to_bool(auto.get("enable")),
        duration_s=to_int(auto.get("duration")),
        stop_at_ms=epoch_ms(auto.get("stop_timestamp")),
        remain_s=to_int(auto.get("remain_time")),
    )


def _v1_image(profile: dict[str, Any]) -> str:
    params = _obj(_obj(_obj(profile.get("provision")).get("spec")).get("params"))
    name, tag = text_of(params.get("image_name")), text_of(params.get("image_tag"))
    if name:
        return f"{name}:{tag}" if tag else name
    return text_of(profile.get("name")) or text_of(profile.get("id"))


def parse_v1_instance(data: Any, endpoint: str = "") -> Instance:
    """One v1 DevEnviron ``<instance>`` object."""
    obj, instance_id = _require_id(data, "instance", endpoint)
    profile = _obj(obj.get("profile"))
    flavor_details = _obj(obj.get("flavor_details"))
    spec = _obj(obj.get("spec"))
    annotations = _obj(spec.get("annotations"))
    raw = scrub(obj)
    return Instance(
        id=instance_id,
        name=text_of(obj.get("name")),
        status=text_of(obj.get("status")),
        description=text_of(obj.get("description")),
        flavor=text_of(obj.get("flavor")) or text_of(flavor_details.get("name")),
        flavor_type=text_of(flavor_details.get("type")) or text_of(profile.get("flavor_type")),
        image=_v1_image(profile),
        created_ms=epoch_ms(obj.get("creation_timestamp")),
        updated_ms=epoch_ms(obj.get("latest_update_timestamp")),
        auto_stop=_v1_auto_stop(obj),
        url=redact_url(text_of(annotations.get("url"))),
        family=FAMILY_V1,
        raw=raw,
        extra={k: v for k, v in raw.items() if k not in _V1_KNOWN},
    )


def _nb_image(image: Any) -> str:
    if isinstance(image, str):
        return image
    image = _obj(image)
    name, tag = text_of(image.get("name")), text_of(image.get("tag"))
    if name:
        return f"{name}:{tag}" if tag else name
    return text_of(image.get("swr_path")) or text_of(image.get("id"))


def _nb_auto_stop(lease: Any, running: bool) -> AutoStop | None:
    """The lease as AutoStop; like v1's stop_timestamp, a planned stop exists only while running."""
    if not isinstance(lease, dict):
        return None
    created = epoch_ms(lease.get("create_at"))
    duration_ms = to_int(lease.get("duration"))
    stop_at = None
    if (
        running
        and created is not None
        and duration_ms is not None
        and 0 < duration_ms <= MAX_EPOCH_MS - created
    ):
        stop_at = created + duration_ms
    return AutoStop(
        enabled=to_bool(lease.get("enable"), default=duration_ms is not None and duration_ms > 0),
        duration_s=duration_ms // 1000 if duration_ms is not None and duration_ms > 0 else None,
        stop_at_ms=stop_at,
        lease_type=text_of(lease.get("type")) or None,
        lease_created_ms=created,
    )


def parse_notebook(data: Any, endpoint: str = "") -> Instance:
    """One notebooks-family ``NotebookResp`` object, mapped to the same Instance."""
    obj, instance_id = _require_id(data, "notebook", endpoint)
    flavor_details = _obj(obj.get("flavor_details"))
    raw = scrub(obj)
    return Instance(
        id=instance_id,
        name=text_of(obj.get("name")),
        status=text_of(obj.get("status")),
        description=text_of(obj.get("description")),
        flavor=text_of(obj.get("flavor")) or text_of(flavor_details.get("name")),
        flavor_type=text_of(flavor_details.get("type")),
        image=_nb_image(obj.get("image")),
        created_ms=epoch_ms(obj.get("create_at")),
        updated_ms=epoch_ms(obj.get("update_at")),
        auto_stop=_nb_auto_stop(obj.get("lease"), phase_of(text_of(obj.get("status"))) is Phase.RUNNING),
        url=redact_url(text_of(obj.get("url"))),
        family=FAMILY_NOTEBOOKS,
        endpoints=parse_endpoints(obj.get("endpoints")),
        tags=parse_tags(obj.get("tags")),
        owner=parse_owner(obj.get("user")),
        progress=parse_progress(obj.get("action_progress")),
        raw=raw,
        extra={k: v for k, v in raw.items() if k not in _NB_KNOWN},
    )


def parse_instance(data: Any, family: str, endpoint: str = "") -> Instance:
    """An instance of either family."""
    if family == FAMILY_NOTEBOOKS:
        return parse_notebook(data, endpoint)
    return parse_v1_instance(data, endpoint)


# --- lists ---------------------------------------------------------------------------------------
def _items(value: Any, what: str, endpoint: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ResponseError(f"{endpoint}: expected a list of {what}", endpoint=endpoint)
    return value


def parse_v1_page(data: Any, endpoint: str = "", memo: InstanceMemo | None = None) -> InstancePage:
    """``{"instances": [...], "total_count": n}`` (a bare list is accepted too)."""
    if isinstance(data, list):
        items: list[Any] = data
        total = None
    else:
        obj = as_object(data, "instance list", endpoint)
        items = _items(obj.get("instances"), "instances", endpoint)
        total = to_int(obj.get("total_count"))
    parse = parse_v1_instance if memo is None else memo.parser(parse_v1_instance, remain_moved)
    instances = tuple(parse(item, endpoint) for item in items)
    return InstancePage(instances, total if total is not None else len(instances))


@dataclass(frozen=True, slots=True)
class NotebookPage:
    """One notebooks list answer: the page and the paging numbers the service sent."""

    page: InstancePage
    pages: int | None
    current: int | None


def parse_notebook_page(data: Any, endpoint: str = "", memo: InstanceMemo | None = None) -> NotebookPage:
    """``{"current", "data": [...], "pages", "size", "total"}``."""
    if isinstance(data, list):
        items: list[Any] = data
        obj: dict[str, Any] = {}
    else:
        obj = as_object(data, "notebook list", endpoint)
        items = _items(obj.get("data", obj.get("notebooks")), "notebooks", endpoint)
    parse = parse_notebook if memo is None else memo.parser(parse_notebook)
    instances = tuple(parse(item, endpoint) for item in items)
    total = to_int(obj.get("total"))
    return NotebookPage(
        InstancePage(instances, total if total is not None else len(instances)),
        to_int(obj.get("pages")),
        to_int(obj.get("current")),
    )


# --- actions, leases, deletes --------------------------------------------------------------------
def parse_v1_action(data: Any, instance_id: str, action: str, endpoint: str = "") -> ActionResult:
    """``{"current_status": ..., "previous_state": ...}`` (``previous_status`` accepted too)."""
    obj = as_object(data, "action result", endpoint)
    previous = obj.get("previous_state", obj.get("previous_status"))
    return ActionResult(
        instance_id, action, text_of(obj.get("current_status", obj.get("status"))), text_of(previous)
    )


def parse_lease(data: Any, endpoint: str = "") -> Lease:
    """A notebooks ``Lease`` object (or an object holding one under ``lease``)."""
    obj = as_object(data, "lease", endpoint)
    if isinstance(obj.get("lease"), dict) and "duration" not in obj:
        obj = obj["lease"]
    duration = to_int(obj.get("duration"))
    return Lease(
        create_at_ms=epoch_ms(obj.get("create_at")),
        duration_ms=duration,
        enabled=to_bool(obj.get("enable"), default=duration is not None and duration > 0),
        type=text_of(obj.get("type")),
        update_at_ms=epoch_ms(obj.get("update_at")),
    )


def parse_deleted_id(data: Any, fallback: str, endpoint: str = "") -> str:
    """The id a delete answered with: v1 ``{"instance_id"}``, notebooks ``{"id", ...}``; else ``fallback``."""
    if not isinstance(data, dict):
        return fallback
    return text_of(data.get("instance_id")) or text_of(data.get("id")) or fallback
