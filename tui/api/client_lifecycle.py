"""Create, resize and grow notebooks, and what they may be made of (sections 11.2-11.4).

``LifecycleCalls`` is a part of ``ModelArtsClient`` (notebooks family only): the flavor and image
lists, a notebook's switchable flavors, create, and the PUTs that change a flavor or grow storage.
Inputs are checked before any request; create and the PUTs are sent once (never resent blindly).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.api.constants import INSTANCE_ID_RE, NB_NOTEBOOKS
from tui.api.family import MAX_PAGES
from tui.api.parse import parse_notebook
from tui.api.parse_offers import page_items, parse_flavors, parse_image
from tui.core.errors import ValidationError
from tui.core.lifecycle import CreateSpec, Flavor, Image, check_storage
from tui.core.models import Instance

if TYPE_CHECKING:
    from tui.api.client_notebooks import NotebooksApi

NB_FLAVORS = "/v1/{project_id}/notebooks/flavors"
NB_SWITCHABLE = "/v1/{project_id}/notebooks/{instance_id}/flavors"
NB_IMAGES = "/v1/{project_id}/images"
PAGE = 50
FLAVOR_CATEGORIES = ("CPU", "GPU", "ASCEND")


def check_instance_id(instance_id: object) -> str:
    """As ``tui.api.client.check_instance_id`` (which imports this module, so it cannot be imported here)."""
    if not isinstance(instance_id, str) or not INSTANCE_ID_RE.match(instance_id):
        raise ValidationError("instance_id", f"not a valid instance id: {str(instance_id)[:40]!r}")
    return instance_id


class LifecycleCalls:
    """The lifecycle calls of ``ModelArtsClient`` (it provides ``_ready``, ``_notebooks``, ``_remember``)."""

    if TYPE_CHECKING:

        async def _ready(self) -> None: ...
        def _notebooks(self, what: str) -> NotebooksApi: ...
        def _remember(self, instance: Instance) -> Instance: ...

    async def _nb_ready(self, what: str) -> NotebooksApi:
        nb = self._notebooks(what)
        await self._ready()
        return nb

    async def list_flavors(self, category: str | None = None) -> list[Flavor]:
        """The region's notebook flavors (sold-out ones included, marked), optionally one category."""
        if category is not None and category.upper() not in FLAVOR_CATEGORIES:
            raise ValidationError("category", f"one of {', '.join(FLAVOR_CATEGORIES)}, not {category[:20]!r}")
        nb = await self._nb_ready("flavors")
        path = nb._path(NB_FLAVORS)
        params = {"category": category.upper() if category else None}
        data = await nb._session.call("GET", path, params, retry=True)
        return parse_flavors(data, nb._endpoint(path))

    async def switchable_flavors(self, instance_id: str) -> list[Flavor]:
        """The flavors a notebook may change to (``GET /notebooks/{id}/flavors``)."""
        check_instance_id(instance_id)
        nb = await self._nb_ready("resize")
        path = nb._path(NB_SWITCHABLE, instance_id)
        data = await nb._session.call("GET", path, retry=True)
        return parse_flavors(data, nb._endpoint(path))

    async def list_images(self, kind: str | None = None) -> list[Image]:
        """Every ACTIVE image of the project (built-in and the account's own), 50 a page."""
        if kind is not None and kind not in ("BUILD_IN", "DEDICATED"):
            raise ValidationError("type", f"BUILD_IN or DEDICATED, not {kind[:20]!r}")
        nb = await self._nb_ready("images")
        path = nb._path(NB_IMAGES)
        endpoint = nb._endpoint(path)
        found: dict[str, Image] = {}
        offset = 0
        for _ in range(MAX_PAGES):
            params: dict[str, Any] = {"type": kind, "limit": PAGE, "offset": offset}
            data = await nb._session.call("GET", path, params, retry=True)
            items, total = page_items(data, endpoint)
            for image in filter(None, map(parse_image, items)):
                found.setdefault(image.id, image)
            offset += len(items)
            if not items or total is None or offset >= total:
                break
        return [i for i in found.values() if i.status in ("", "ACTIVE")]

    async def create_notebook(self, spec: CreateSpec) -> Instance:
        """``POST /notebooks``: the new notebook, in CREATING; sent once."""
        body = spec.check().body()
        nb = await self._nb_ready("create")
        path = nb._path(NB_NOTEBOOKS)
        data = await nb._session.call("POST", path, body=body)
        return self._remember(parse_notebook(data, nb._endpoint(path)))

    async def change_flavor(self, instance_id: str, flavor: str) -> Instance:
        """``PUT {"flavor": ...}`` (only while STOPPED: 6347; a flavor not switchable: 6792)."""
        check_instance_id(instance_id)
        if not isinstance(flavor, str) or not flavor.strip() or len(flavor) > 128:
            raise ValidationError("flavor", "a flavor id is needed")
        nb = await self._nb_ready("resize")
        return self._remember(await nb.update(instance_id, {"flavor": flavor.strip()}))

    async def grow_storage(self, instance_id: str, gb: int, current: int | None = None) -> Instance:
        """``PUT {"storage_new_size": GB}``: EVS grows only, at most 4096 GB (6331)."""
        check_instance_id(instance_id)
        check_storage(gb, current)
        nb = await self._nb_ready("grow storage")
        return self._remember(await nb.update(instance_id, {"storage_new_size": gb}))
