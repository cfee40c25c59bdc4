"""Tags, the owner and saved images in notebooks answers, tolerant like ``tui.api.parse``.

Server text is untrusted: control characters become ``?`` and every size is bounded here, so no
surface that shows a tag or an owner has to remember to.
"""

from __future__ import annotations

from typing import Any

from tui.api.body import text_of
from tui.core.errors import ResponseError
from tui.core.images import SavedImage
from tui.core.tags import MAX_TAGS

_TEXT_MAX = 128
_TAGS_KEPT = 4 * MAX_TAGS
"""A server listing more tags than this has the rest dropped (it may list 20)."""


def clean(value: Any, limit: int = _TEXT_MAX) -> str:
    """A JSON scalar as one printable line of at most ``limit`` characters."""
    text = text_of(value)[:limit]
    return "".join(c if c.isprintable() else "?" for c in text).strip()


def parse_tags(value: Any) -> tuple[tuple[str, str], ...]:
    """``[{"key", "value"}, ...]`` -> sorted (key, value) pairs; anything else -> ()."""
    if not isinstance(value, list):
        return ()
    found: dict[str, str] = {}
    for item in value[:_TAGS_KEPT]:
        if isinstance(item, dict):
            key = clean(item.get("key"))
            if key:
                found[key] = clean(item.get("value"))
    return tuple(sorted(found.items()))


def parse_owner(value: Any) -> str:
    """The owner's name from ``user`` {id, name, domain}; '' when not given."""
    if not isinstance(value, dict):
        return ""
    return clean(value.get("name")) or clean(value.get("id"))


_STEPS_KEPT = 16
_STEP_TEXT = 48


def parse_progress(value: Any) -> str:
    """``action_progress`` -> ``2/4 Pulling the image``: the step PROCESSING (or FAILED), of how
    many; '' when no step is under way (all WAITING or COMPLETED, or no list)."""
    if not isinstance(value, list):
        return ""
    steps = [item for item in value[:_STEPS_KEPT] if isinstance(item, dict)]
    for index, step in enumerate(steps, start=1):
        status = clean(step.get("status")).upper()
        if status not in ("PROCESSING", "FAILED"):
            continue
        number = step.get("step")
        if not isinstance(number, int) or isinstance(number, bool) or not 0 < number <= len(steps):
            number = index
        text = clean(step.get("step_description") or step.get("description"), _STEP_TEXT)
        failed = " failed" if status == "FAILED" else ""
        return f"{number}/{len(steps)} {text or 'in progress'}{failed}"
    return ""


def parse_saved_image(data: Any, endpoint: str = "") -> SavedImage:
    """An image object (create-image answer, ``GET /images/{id}``); ResponseError without an id."""
    if not isinstance(data, dict) or not clean(data.get("id")):
        raise ResponseError(f"{endpoint}: the answer is not an image with an id", endpoint=endpoint)
    return SavedImage(
        id=clean(data.get("id")),
        name=clean(data.get("name")),
        tag=clean(data.get("tag")),
        namespace=clean(data.get("namespace")),
        status=clean(data.get("status")).upper(),
        status_message=clean(data.get("status_message"), 512),
        swr_path=clean(data.get("swr_path"), 512),
    )
