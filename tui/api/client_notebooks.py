"""The current notebooks API (``/v1/{project_id}/notebooks``) on one HttpSession.

It maps to the same models as v1: ``Instance(family="notebooks")`` with the raw status kept, the
lease as ``AutoStop``; start and stop answer a NotebookResp, turned into an ActionResult.
"""

from __future__ import annotations

from typing import Any

from tui.api import constants as c
from tui.api.family import MAX_PAGES, FamilyApi
from tui.api.parse import parse_deleted_id, parse_lease, parse_notebook, parse_notebook_page
from tui.core.models import FAMILY_NOTEBOOKS, ActionResult, Instance, Lease

_SORT_KEYS = {"name": "name", "creation_timestamp": "create_at", "create_at": "create_at"}


class NotebooksApi(FamilyApi):
    """List, details, start/stop, update, delete and lease of notebooks-family instances."""

    family = FAMILY_NOTEBOOKS
    statuses = c.NB_STATUSES
    sort_keys = tuple(_SORT_KEYS)

    async def list(
        self, status: str | None, sort: str | None, order: str | None, everyone: bool = False
    ) -> list[Instance]:
        """Every instance (``everyone``: every user's, ``/notebooks/all``), 50 a page, following
        ``total``/``pages`` with ``offset``."""
        path = self._path(c.NB_NOTEBOOKS + ("/all" if everyone else ""))
        params: dict[str, Any] = {
            "limit": c.NB_MAX_LIMIT,
            "status": status,
            "sort_key": _SORT_KEYS.get(sort or ""),
            "sort_dir": order.upper() if order else None,
        }
        found: dict[str, Instance] = {}
        offset = 0
        endpoint = self._endpoint(path)

        def parse(data: Any) -> Any:
            return parse_notebook_page(data, endpoint, self._memo)

        self._memo.begin()
        for index in range(MAX_PAGES):
            params["offset"] = offset
            answer = await self._session.call("GET", path, params, retry=True, parse=parse)
            items = answer.page.instances
            new = [i for i in items if i.id not in found]
            for instance in new:
                found[instance.id] = instance
            if not new or len(found) >= answer.page.total:
                break
            if answer.pages is not None and index + 1 >= answer.pages:
                break
            offset += len(items)
        self._memo.end()
        return list(found.values())

    async def get(self, instance_id: str) -> Instance:
        """One notebook's details."""
        path = self._path(c.NB_NOTEBOOK, instance_id)
        data = await self._session.call("GET", path, retry=True)
        return parse_notebook(data, self._endpoint(path))

    async def action(
        self, instance_id: str, verb: str, duration_ms: int | None = None, lease_type: str | None = None
    ) -> Instance:
        """``POST .../start`` (optional query ``duration``, ``type``) or ``.../stop``, no body, sent once."""
        template = c.NB_START if verb == "start" else c.NB_STOP
        path = self._path(template, instance_id)
        params = {"duration": duration_ms, "type": lease_type} if verb == "start" else None
        data = await self._session.call("POST", path, params)
        return parse_notebook(data, self._endpoint(path))

    async def update(self, instance_id: str, body: dict[str, Any]) -> Instance:
        """``PUT`` of name/description; the answer is the whole notebook."""
        path = self._path(c.NB_NOTEBOOK, instance_id)
        data = await self._session.call("PUT", path, body=body)
        return parse_notebook(data, self._endpoint(path))

    async def delete(self, instance_id: str) -> str:
        """``DELETE``; the answer is the notebook being deleted."""
        path = self._path(c.NB_NOTEBOOK, instance_id)
        data = await self._session.call("DELETE", path)
        return parse_deleted_id(data, instance_id, self._endpoint(path))

    async def get_lease(self, instance_id: str) -> Lease:
        """``GET .../lease``."""
        path = self._path(c.NB_LEASE, instance_id)
        data = await self._session.call("GET", path, retry=True)
        return parse_lease(data, self._endpoint(path))

    async def renew_lease(self, instance_id: str, duration_ms: int) -> Lease:
        """``PATCH .../lease {"duration": ms, "type": "timing"}``; a 204 is followed by a GET."""
        path = self._path(c.NB_LEASE, instance_id)
        data = await self._session.call("PATCH", path, body={"duration": duration_ms, "type": "timing"})
        if data is None:
            return await self.get_lease(instance_id)
        return parse_lease(data, self._endpoint(path))


def as_action_result(instance: Instance, instance_id: str, verb: str, previous: str) -> ActionResult:
    """A NotebookResp after start/stop as the ActionResult both families return."""
    return ActionResult(instance.id or instance_id, verb, instance.status, previous)
