"""Notebook tags (section 11.7): add, remove, and every key with its values in the project.

POST   /v1/{pid}/notebooks/{id}/tags/create   {"tags": [{"key", "value"}]}   at most 20 per notebook
DELETE /v1/{pid}/notebooks/{id}/tags/delete   {"tags": [{"key"[, "value"]}]}
GET    /v1/{pid}/notebooks/tags               {"tags": [{"key", "values": [...]}]}
The notebook list filters with ``tags=k1|v1,k2|v2`` (routes_notebooks).
"""

from __future__ import annotations

from tui.emulator.context import AppContext
from tui.emulator.nb_common import nb_handler
from tui.emulator.record import InstanceRecord
from tui.emulator.routes_v1 import Invalid
from tui.emulator.wire import FAMILY_NB, Request, Response, Route, json_response, route

TAGS_CREATE = "/v1/{project_id}/notebooks/{instance_id}/tags/create"
TAGS_DELETE = "/v1/{project_id}/notebooks/{instance_id}/tags/delete"
TAGS = "/v1/{project_id}/notebooks/tags"
MAX_TAGS = 20
KEY_MAX, VALUE_MAX = 36, 43
_BAD = set("=*<>\\,|/")


def _tags(body: dict[str, object], need_value: bool) -> list[tuple[str, str | None]]:
    raw = body.get("tags")
    if not isinstance(raw, list) or not raw or not all(isinstance(t, dict) for t in raw):
        raise Invalid("ModelArts.0101", "Invalid parameter tags: a non-empty list of {key, value}.")
    out: list[tuple[str, str | None]] = []
    for tag in raw:
        key, value = tag.get("key"), tag.get("value")
        if not isinstance(key, str) or not 0 < len(key.strip()) <= KEY_MAX or _BAD & set(key):
            raise Invalid(
                "ModelArts.0101", f"Invalid tag key {key!r}: 1 to {KEY_MAX} characters, none of =*<>\\,|/."
            )
        if value is None and not need_value:
            out.append((key.strip(), None))
            continue
        if not isinstance(value, str) or len(value) > VALUE_MAX or _BAD & set(value):
            raise Invalid("ModelArts.0101", f"Invalid tag value {value!r}: at most {VALUE_MAX} characters.")
        out.append((key.strip(), value))
    return out


class TagsApi:
    """Handlers of the tag paths."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def routes(self) -> list[Route]:
        """Tag routes (the list before ``/notebooks/{id}``, which would match ``tags`` too)."""
        return [
            route("GET", TAGS, nb_handler(self.list), FAMILY_NB),
            route("POST", TAGS_CREATE, nb_handler(self.create), FAMILY_NB),
            route("DELETE", TAGS_DELETE, nb_handler(self.delete), FAMILY_NB),
        ]

    def create(self, req: Request, params: dict[str, str]) -> Response:
        """Add or overwrite tags; more than 20 on the notebook is refused, nothing changed."""
        tags = _tags(req.json_object(), need_value=True)

        def add(rec: InstanceRecord, now: float) -> None:
            merged = dict(rec.tags)
            merged.update({k: v or "" for k, v in tags})
            if len(merged) > MAX_TAGS:
                raise Invalid("ModelArts.0101", f"A notebook can have at most {MAX_TAGS} tags.")
            rec.tags = merged

        self.ctx.space(params).store.mutate(params["instance_id"], add, req.now)
        return json_response({})

    def delete(self, req: Request, params: dict[str, str]) -> Response:
        """Remove tags by key (and value, when one is given); unknown keys are ignored."""
        tags = _tags(req.json_object(), need_value=False)

        def remove(rec: InstanceRecord, now: float) -> None:
            kept = dict(rec.tags)
            for key, value in tags:
                if key in kept and value in (None, kept[key]):
                    del kept[key]
            rec.tags = kept

        self.ctx.space(params).store.mutate(params["instance_id"], remove, req.now)
        return json_response({})

    def list(self, req: Request, params: dict[str, str]) -> Response:
        """Every tag key on the user's notebooks with its distinct values, sorted."""
        values: dict[str, set[str]] = {}
        for rec in self.ctx.space(params).store.snapshot(req.now):
            for key, value in rec.tags.items():
                values.setdefault(key, set()).add(value)
        return json_response({"tags": [{"key": k, "values": sorted(values[k])} for k in sorted(values)]})
