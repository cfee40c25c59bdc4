"""The v1 DevEnviron API (``/v1/{project_id}/demanager/instances``) on one HttpSession.

Inputs arrive validated by ``ModelArtsClient``; each method is one logical call (the list
follows every page). GETs are retried by the session; actions, PUT and DELETE are sent once.
"""

from __future__ import annotations

from typing import Any

from tui.api import constants as c
from tui.api.body import decode_json
from tui.api.family import FamilyApi, Listing, doubled_ids
from tui.api.listtext import ListText
from tui.api.parse import parse_deleted_id, parse_v1_action, parse_v1_instance, parse_v1_page
from tui.api.transport import HttpSession
from tui.core.models import FAMILY_V1, ActionResult, Instance


class V1Api(FamilyApi):
    """List, details, action, update and delete of v1 DevEnviron notebook instances."""

    family = FAMILY_V1
    statuses = c.V1_STATUSES

    def __init__(self, session: HttpSession) -> None:
        super().__init__(session)
        self._text = ListText("instances", known=self._memo.previous)

    async def list(self, status: str | None, sort: str | None, order: str | None) -> Listing:
        """Every instance: ``limit=0`` asks for all at once; ``offset`` follows if fewer came (at
        most ``max_pages`` pages; a listing cut there, or a page naming one id twice, says so)."""
        path = self._path(c.V1_INSTANCES)
        params: dict[str, Any] = {
            "de_type": c.DE_TYPE,
            "limit": 0,
            "status": status,
            "sortby": sort,
            "order": order,
        }
        found: dict[str, Instance] = {}
        doubled: list[str] = []
        new: list[Instance] = []
        offset = total = pages = 0
        endpoint = self._endpoint(path)

        def parse(data: Any) -> Any:
            return parse_v1_page(data, endpoint, self._memo)

        self._memo.begin()
        for _ in range(self.max_pages):
            if offset:
                params["offset"] = offset
            decode = self._text.decode if not offset else decode_json  # the first page keeps its items' text
            page = await self._session.call("GET", path, params, retry=True, parse=parse, decode=decode)
            if not offset:
                self._text.adopt(self._memo.kept)
            pages += 1
            doubled += doubled_ids(page.instances)
            new = [i for i in page.instances if i.id not in found]
            for instance in new:
                found.setdefault(instance.id, instance)
            total = page.total
            if not new or len(found) >= page.total:
                break
            offset += len(page.instances)
        self._memo.end()
        cut = len(found) < total and bool(new)  # the last page still brought news: the limit stopped it
        return Listing(found.values(), total=total, pages=pages, cut=cut, doubled=doubled)

    async def first_page(self, first: int, status: str | None) -> Listing:
        """The first ``first`` instances by name, one request (what a first screen shows); by itself,
        not through the memo: the whole list that follows is the first one a poll compares with.
        ``partial`` (the whole list follows) for a full page, or one short of its total (a server
        that pages below ``first``): an account of exactly ``first`` costs a second request."""
        path = self._path(c.V1_INSTANCES)
        params = {"de_type": c.DE_TYPE, "limit": first, "status": status, "sortby": "name", "order": "asc"}
        endpoint = self._endpoint(path)
        page = await self._session.call(
            "GET", path, params, retry=True, parse=lambda data: parse_v1_page(data, endpoint)
        )
        found: dict[str, Instance] = {}
        for instance in page.instances:
            found.setdefault(instance.id, instance)
        partial = len(page.instances) >= first or len(found) < page.total  # a full page: ask the rest
        return Listing(found.values(), total=page.total, doubled=doubled_ids(page.instances), partial=partial)

    async def get(self, instance_id: str) -> Instance:
        """One instance's details."""
        path = self._path(c.V1_INSTANCE, instance_id)
        data = await self._session.call("GET", path, retry=True)
        return parse_v1_instance(data, self._endpoint(path))

    async def action(self, instance_id: str, verb: str) -> ActionResult:
        """``POST .../action {"action": verb}``, sent once."""
        path = self._path(c.V1_ACTION, instance_id)
        data = await self._session.call("POST", path, body={"action": verb})
        return parse_v1_action(data, instance_id, verb, self._endpoint(path))

    async def update(self, instance_id: str, body: dict[str, Any]) -> Instance:
        """``PUT`` of description and/or ``spec.auto_stop``; the answer is the whole instance."""
        path = self._path(c.V1_INSTANCE, instance_id)
        data = await self._session.call("PUT", path, body=body)
        return parse_v1_instance(data, self._endpoint(path))

    async def delete(self, instance_id: str) -> str:
        """``DELETE``; the answer names the deleted id."""
        path = self._path(c.V1_INSTANCE, instance_id)
        data = await self._session.call("DELETE", path)
        return parse_deleted_id(data, instance_id, self._endpoint(path))
