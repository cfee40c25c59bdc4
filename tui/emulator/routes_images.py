"""Images: ``GET /v1/{pid}/images``, ``GET /v1/{pid}/images/{id}`` and save-as-image (section 11.5).

``POST /v1/{pid}/notebooks/{id}/create-image`` needs a RUNNING notebook, which shows SNAPSHOTTING
for one transition; the image goes INIT -> CREATING -> ACTIVE (or CREATE_FAILED with a
``status_message``). A ``namespace/name:tag`` that exists already is 400 ModelArts.6737.
"""

from __future__ import annotations

import re

from tui.emulator.context import AppContext
from tui.emulator.nb_checks import IMAGE_NOT_FOUND
from tui.emulator.nb_common import envelope, nb_handler, page_params
from tui.emulator.offers import image_of
from tui.emulator.record import Conflict, InstanceRecord
from tui.emulator.routes_v1 import Invalid, check_description
from tui.emulator.wire import FAMILY_NB, Request, Response, Route, json_response, route

IMAGES = "/v1/{project_id}/images"
IMAGE = "/v1/{project_id}/images/{image_id}"
CREATE_IMAGE = "/v1/{project_id}/notebooks/{instance_id}/create-image"
IMAGE_NAME_RE = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?")
TAG_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
NAMESPACE_RE = re.compile(r"[a-z][a-z0-9._-]{0,62}[a-z0-9]")
_SORT = {
    "create_at": lambda v: v["create_at"],
    "name": lambda v: v["name"],
    "update_at": lambda v: v["update_at"],
}


def _text(body: dict[str, object], key: str, pattern: re.Pattern[str], rule: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise Invalid("ModelArts.0101", f"Invalid parameter {key}: {value!r} ({rule}).")
    return value


class ImagesApi:
    """Handlers of the image list, one image, and save-as-image."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def routes(self) -> list[Route]:
        """The image routes."""
        return [
            route("GET", IMAGES, nb_handler(self.list), FAMILY_NB),
            route("GET", IMAGE, nb_handler(self.show), FAMILY_NB),
            route("POST", CREATE_IMAGE, nb_handler(self.create), FAMILY_NB),
        ]

    def list(self, req: Request, params: dict[str, str]) -> Response:
        """GET images: type (BUILD_IN/DEDICATED), name (exact, or part with name_fuzzy_match=true),
        namespace, sort_key, sort_dir, limit (1–50, default 10) and offset."""
        kind = (req.param("type") or "").upper()
        if kind not in ("", "BUILD_IN", "DEDICATED"):
            raise Invalid("ModelArts.0101", f"Invalid parameter type: {req.param('type')}.")
        sort_key = req.param("sort_key") or "create_at"
        sort_dir = (req.param("sort_dir") or "DESC").upper()
        if sort_key not in _SORT or sort_dir not in ("ASC", "DESC"):
            raise Invalid("ModelArts.0101", "Invalid parameter sort_key or sort_dir.")
        offset, limit = page_params(req)
        name = req.param("name") or ""
        fuzzy = (req.param("name_fuzzy_match") or "").lower() == "true"
        namespace = req.param("namespace")
        views = [
            self.ctx.space(params).images.view(rec, req.now) for rec in self.ctx.space(params).images.all()
        ]
        views = [
            v
            for v in views
            if (not kind or v["type"] == kind)
            and (not name or (name in v["name"] if fuzzy else name == v["name"]))
            and (namespace is None or v["namespace"] == namespace)
        ]
        views.sort(key=lambda v: (_SORT[sort_key](v), v["id"]), reverse=sort_dir == "DESC")
        return json_response(envelope(views, offset, limit))

    def show(self, req: Request, params: dict[str, str]) -> Response:
        """GET one image (6797 when there is none)."""
        rec = self.ctx.space(params).images.get(params["image_id"])
        if rec is None:
            raise Invalid(IMAGE_NOT_FOUND, f"The image {params['image_id']} does not exist.")
        return json_response(self.ctx.space(params).images.view(rec, req.now))

    def create(self, req: Request, params: dict[str, str]) -> Response:
        """POST create-image: {name, namespace, tag, description}; the notebook must be RUNNING."""
        body = req.json_object()
        name = _text(
            body, "name", IMAGE_NAME_RE, "lower case letters, digits, - _ .; a letter or digit at each end"
        )
        tag = _text(body, "tag", TAG_RE, "letters, digits, - _ .; at most 128")
        namespace = _text(body, "namespace", NAMESPACE_RE, "an SWR organisation")
        description = check_description(body.get("description", ""))
        store, images = self.ctx.space(params).store, self.ctx.space(params).images
        saved: list[dict[str, object]] = []

        def snapshot(rec: InstanceRecord, now: float) -> None:
            if rec.status != "RUNNING":
                raise Conflict(
                    "ModelArts.6327", "The instance is not in running. Please refresh the page and start it."
                )
            if images.tag_taken(namespace, name, tag):
                raise Invalid("ModelArts.6737", f"The image tag {namespace}/{name}:{tag} already exists.")
            image = images.save(name, tag, namespace, image_of(images, rec), description, now)
            saved.append(images.view(image, now))
            store.snapshotting(rec, now)

        store.mutate(params["instance_id"], snapshot, req.now)
        return json_response(saved[0])
