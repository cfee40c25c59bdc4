"""Flavors and images (sections 11.3 and 11.4) into ``tui.core.lifecycle`` values, tolerantly.

A page is ``{current, data[], pages, size, total}``. Text is server text: control characters are
dropped and every string is bounded here, so no surface has to remember to. An item without an
id is skipped; an answer that is not an object or whose ``data`` is not a list is a ResponseError.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from tui.api.parse import as_object, to_bool, to_int
from tui.core.errors import ResponseError
from tui.core.lifecycle import KB_PER_GB, Flavor, Image

TEXT_MAX = 160
"""Characters kept of any one server string (a flavor id, an image name)."""
LIST_MAX = 16
"""Entries kept of a server list (dev_services, resource_categories)."""
MAX_FLAVORS = 1_000
"""Flavors kept of one answer (a region offers a few dozen; the pickers list every one kept)."""
_FLAVORS_READ = 10 * MAX_FLAVORS
"""Items of one answer looked at, at most (repeated ids are skipped, not kept)."""


def clean(value: Any, limit: int = TEXT_MAX) -> str:
    """A scalar as text without control characters, at most ``limit`` characters."""
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    text = str(value)[: limit * 2]
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    return text[:limit]


def _words(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(w for w in (clean(v, 40).upper() for v in value[:LIST_MAX]) if w)


def _accel(item: dict[str, Any]) -> str:
    for key, count_key, memory_key in (("gpu", "gpu", "gpu_memory"), ("ascend", "npu", "npu_memory")):
        accel = item.get(key)
        if isinstance(accel, dict):
            count = to_int(accel.get(count_key)) or 0
            kind, memory = clean(accel.get("type"), 40), clean(accel.get(memory_key), 20)
            if count > 0:
                return f"{count} x {kind}" + (f" ({memory})" if memory else "")
    return ""


def parse_flavor(item: Any) -> Flavor | None:
    """One flavor object; None when it has no id."""
    if not isinstance(item, dict):
        return None
    flavor_id = clean(item.get("id") or item.get("name"))
    if not flavor_id:
        return None
    memory_kb = to_int(item.get("memory")) or 0
    return Flavor(
        id=flavor_id,
        arch=clean(item.get("arch"), 20),
        category=clean(item.get("category"), 20).upper(),
        vcpus=max(0, to_int(item.get("vcpus")) or 0),
        memory_gb=round(max(0, memory_kb) / KB_PER_GB, 1),
        gpu=_accel(item),
        sold_out=to_bool(item.get("sold_out")),
        free=to_bool(item.get("free")),
        description=clean(item.get("description")),
    )


def parse_image(item: Any) -> Image | None:
    """One image object; None when it has no id."""
    if not isinstance(item, dict):
        return None
    image_id = clean(item.get("id"), 64)
    if not image_id:
        return None
    return Image(
        id=image_id,
        name=clean(item.get("name")),
        tag=clean(item.get("tag"), 64),
        arch=clean(item.get("arch"), 20),
        dev_services=_words(item.get("dev_services")),
        categories=_words(item.get("resource_categories")),
        type=clean(item.get("type"), 20).upper(),
        status=clean(item.get("status"), 20).upper(),
    )


def page_items(data: Any, endpoint: str) -> tuple[list[Any], int | None]:
    """The ``data`` list of a page and its ``total`` (None when not given)."""
    obj = as_object(data, "a page", endpoint)
    items = obj.get("data", [])
    if items is None:
        items = []
    if not isinstance(items, list):
        raise ResponseError(f"{endpoint}: expected a list in data", endpoint=endpoint)
    return items, to_int(obj.get("total"))


def parse_flavors(data: Any, endpoint: str = "") -> list[Flavor]:
    """A flavor page as flavors (those without an id skipped, the first of a repeated id kept),
    at most ``MAX_FLAVORS`` of them."""
    items, _ = page_items(data, endpoint)
    found: dict[str, Flavor] = {}
    for item in items[:_FLAVORS_READ]:
        flavor = parse_flavor(item)
        if flavor is not None:
            found.setdefault(flavor.id, flavor)
            if len(found) >= MAX_FLAVORS:
                break
    return list(found.values())
