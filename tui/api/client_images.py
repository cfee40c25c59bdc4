"""Save as image and tags of notebooks (sections 11.5 and 11.7); the admin list's refusal is
``tui.core.errors.AdminListDeniedError`` (re-exported here).

``ImageTagCalls`` is a part of ``ModelArtsClient`` (notebooks family only). Inputs are checked
before any request (``tui.core.images``, ``tui.core.tags``); create-image and the tag changes are
sent once, never resent blindly (a second create-image would be 6737, a second image).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tui.api.constants import INSTANCE_ID_RE
from tui.api.parse_images import parse_saved_image
from tui.core.errors import ADMIN_DENIED as ADMIN_DENIED  # re-exported
from tui.core.errors import AdminListDeniedError as AdminListDeniedError
from tui.core.errors import ValidationError
from tui.core.images import SavedImage, check_image_name, check_image_tag, check_namespace
from tui.core.tags import MAX_TAGS, Tag, check_key, check_value

if TYPE_CHECKING:
    from tui.api.client_notebooks import NotebooksApi

NB_CREATE_IMAGE = "/v1/{project_id}/notebooks/{instance_id}/create-image"
NB_IMAGE = "/v1/{project_id}/images/{instance_id}"
NB_TAGS_CREATE = "/v1/{project_id}/notebooks/{instance_id}/tags/create"
NB_TAGS_DELETE = "/v1/{project_id}/notebooks/{instance_id}/tags/delete"


class ImageTagCalls:
    """The image and tag calls of ``ModelArtsClient`` (it provides ``_ready`` and ``_notebooks``)."""

    if TYPE_CHECKING:

        async def _ready(self) -> None: ...
        def _notebooks(self, what: str) -> NotebooksApi: ...

    async def _nb_for(self, what: str, instance_id: str) -> NotebooksApi:
        nb = self._notebooks(what)
        if instance_id and not INSTANCE_ID_RE.fullmatch(instance_id):
            raise ValidationError("instance_id", f"not a valid instance id: {instance_id[:80]!r}")
        await self._ready()
        return nb

    async def create_image(
        self, instance_id: str, name: str, tag: str, namespace: str, description: str = ""
    ) -> SavedImage:
        """``POST .../create-image``: the image in INIT; the notebook must be RUNNING (6327), a taken
        ``namespace/name:tag`` is 6737. Sent once."""
        if not isinstance(description, str) or len(description) > 512 or set("&<>\"'/") & set(description):
            raise ValidationError("description", "at most 512 characters, none of & < > \" ' /")
        body = {
            "name": check_image_name(name),
            "tag": check_image_tag(tag),
            "namespace": check_namespace(namespace),
            "description": description,
        }
        nb = await self._nb_for("save as image", instance_id)
        path = nb._path(NB_CREATE_IMAGE, instance_id)
        data = await nb._session.call("POST", path, body=body)
        return parse_saved_image(data, nb._endpoint(path))

    async def get_image(self, image_id: str) -> SavedImage:
        """``GET /v1/{project_id}/images/{id}``: an image's status (and ``status_message``)."""
        if not isinstance(image_id, str) or not image_id or len(image_id) > 128 or "/" in image_id:
            raise ValidationError("image_id", f"not a valid image id: {str(image_id)[:40]!r}")
        nb = await self._nb_for("images", "")
        path = nb._path(NB_IMAGE, image_id)
        data = await nb._session.call("GET", path, retry=True)
        return parse_saved_image(data, nb._endpoint(path))

    async def add_tags(self, instance_id: str, tags: Sequence[Tag]) -> None:
        """``POST .../tags/create`` (a value given for a key it has replaces it); at most 20 in all."""
        checked = [(check_key(k), check_value(k, v)) for k, v in tags]
        if not checked or len(checked) > MAX_TAGS:
            raise ValidationError("tag", f"give 1 to {MAX_TAGS} tags ({len(checked)} given)")
        nb = await self._nb_for("tags", instance_id)
        body = {"tags": [{"key": k, "value": v} for k, v in checked]}
        await nb._session.call("POST", nb._path(NB_TAGS_CREATE, instance_id), body=body)

    async def remove_tags(self, instance_id: str, keys: Sequence[str]) -> None:
        """``DELETE .../tags/delete`` of ``keys`` (whatever their values); unknown keys are ignored."""
        checked = list(dict.fromkeys(check_key(k) for k in keys))
        if not checked:
            raise ValidationError("tag", "give at least one tag key")
        nb = await self._nb_for("tags", instance_id)
        body = {"tags": [{"key": k} for k in checked]}
        await nb._session.call("DELETE", nb._path(NB_TAGS_DELETE, instance_id), body=body)
