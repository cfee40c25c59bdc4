"""The current notebooks API (``/v1/{project_id}/notebooks``) on one HttpSession.

It maps to the same models as v1: ``Instance(family="notebooks")`` with the raw status kept, the
lease as ``AutoStop``; start and stop answer a NotebookResp, turned into an ActionResult.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from tui.api import constants as c
from tui.api.family import FamilyApi, Listing, doubled_ids
from tui.api.listtext import ListText
from tui.api.parse import NotebookPage, parse_deleted_id, parse_lease, parse_notebook, parse_notebook_page
from tui.api.transport import HttpSession
from tui.core.models import FAMILY_NOTEBOOKS, ActionResult, Instance, Lease

log = logging.getLogger(__name__)

PAGE_CONCURRENCY = 20
"""Pages of one listing in flight at once at most: a 1,000-instance listing sends its 19 later
pages in one round trip."""
POOL_RESERVE = 4
"""Connections of the host's pool (``[ui] connections_per_host``) its listings leave to others (a
start pressed meanwhile, a read): in the app every listing on one host shares one bound of pages
(``Runtime.pages``, from ``HostPools.pages``), so two profiles there never take the whole pool."""


def page_bound(per_host: int) -> int:
    """Pages of one listing in flight with a pool of ``per_host`` connections (20 with the default 24)."""
    return max(1, min(PAGE_CONCURRENCY, per_host - POOL_RESERVE))


_SORT_KEYS = {"name": "name", "creation_timestamp": "create_at", "create_at": "create_at"}


class NotebooksApi(FamilyApi):
    """List, details, start/stop, update, delete and lease of notebooks-family instances."""

    family = FAMILY_NOTEBOOKS
    statuses = c.NB_STATUSES
    sort_keys = tuple(_SORT_KEYS)

    def __init__(self, session: HttpSession) -> None:
        super().__init__(session)
        self._texts: dict[tuple[Any, ...], ListText] = {}
        """One ListText a page of the last listing (by path, query and offset): a poll decodes the
        items of a page whose text changed, the others are the objects the memo holds."""

    async def list(
        self, status: str | None, sort: str | None, order: str | None, everyone: bool = False
    ) -> Listing:
        """Every instance (``everyone``: every user's, ``/notebooks/all``), ``limit`` 50 a page: the
        first page gives ``total``, the others are then fetched at once (at most
        ``PAGE_CONCURRENCY`` in flight) and merged by id.

        An instance that moved between pages while they were fetched is never doubled (merged by
        id); when ``total`` changed meanwhile or the merge has fewer than ``total`` (one may have
        moved past a page already read), the pages are fetched once more and the log says so. At
        most ``max_pages`` pages are read: a listing cut there says so (``Listing.cut``), as does a
        page that names one id twice (``Listing.doubled``).
        """
        path = self._path(c.NB_NOTEBOOKS + ("/all" if everyone else ""))
        params: dict[str, Any] = {
            "limit": c.NB_MAX_LIMIT,
            "status": status,
            "sort_key": _SORT_KEYS.get(sort or ""),
            "sort_dir": order.upper() if order else None,
        }
        endpoint = self._endpoint(path)
        texts: dict[tuple[Any, ...], ListText] = {}

        async def page(offset: int) -> NotebookPage:
            async with bound:
                return await self._page(path, {**params, "offset": offset}, endpoint, texts)

        bound = self._session.pages or asyncio.Semaphore(page_bound(self._session.limits.per_host))
        self._memo.begin()
        for attempt in (1, 2):
            first = await page(0)
            found = {i.id: i for i in first.page.instances}
            doubled = doubled_ids(first.page.instances)
            total, size = first.page.total, len(first.page.instances)
            offsets = range(size, total, size) if size else range(0)
            rest = await asyncio.gather(*(page(o) for o in offsets[: self.max_pages - 1]))
            for answer in rest:
                doubled += doubled_ids(answer.page.instances)
                for instance in answer.page.instances:
                    found.setdefault(instance.id, instance)
            totals = {answer.page.total for answer in rest} | {total}
            reachable = min(total, size * self.max_pages)  # past the page limit nothing is read
            if attempt == 2 or (len(totals) == 1 and len(found) >= reachable):
                break
            log.info(
                "%s: the listing changed while its %d pages were read (total %s, %d merged); reading it again",
                endpoint,
                1 + len(rest),
                "/".join(str(t) for t in sorted(totals)),
                len(found),
            )
        self._memo.end()
        self._texts = texts  # the pages of this listing; others are forgotten
        cut = len(offsets) > self.max_pages - 1 and len(found) < total
        return Listing(found.values(), total=total, pages=1 + len(rest), cut=cut, doubled=doubled)

    async def _page(
        self, path: str, params: dict[str, Any], endpoint: str, texts: dict[tuple[Any, ...], ListText]
    ) -> NotebookPage:
        """One page, decoded by the ListText of its path and query (``texts``: this listing's)."""
        key = (path, *params.values())
        text = texts[key] = texts.get(key) or self._texts.get(key) or ListText("data", self._memo.previous)

        def parse(data: Any) -> Any:
            return parse_notebook_page(data, endpoint, self._memo)

        answer: NotebookPage = await self._session.call(
            "GET", path, params, retry=True, parse=parse, decode=text.decode
        )
        text.adopt(self._memo.kept)  # one copy of each item's JSON: the memo's
        return answer

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
