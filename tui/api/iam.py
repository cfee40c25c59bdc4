"""IAM project queries: every project one credential can see (section 11.8 of the reference).

    async with IamClient(iam_endpoint, auth, on_call=...) as iam:
        await iam.list_projects() -> list[Project]

With a token (``TokenAuth``, ``IamPasswordAuth``): ``GET /v3/auth/projects``, the projects the
token's user may access. Signed with AK/SK: ``GET /v3/projects`` (all projects of the account, as
the official SDK lists them). The calls go through ``HttpSession``: retried like any GET, one
redacted ``ApiCall`` per request, only ``ModelArtsError`` subclasses raised.

Project text comes from the server: names and ids are bounded and stripped of control
characters here, so no caller has to.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from tui.api.auth import AkSkAuth, iam_base
from tui.api.body import text_of
from tui.api.constants import IAM_AUTH_PROJECTS, IAM_PROJECTS
from tui.api.parse import as_object
from tui.api.runtime import Runtime
from tui.api.transport import CallSink, HttpSession
from tui.core.errors import ResponseError

MAX_PROJECTS = 5000
"""IAM's own page limit; more items than this in one answer are not read."""
_TEXT_MAX = 128


@dataclass(frozen=True, slots=True)
class Project:
    """One IAM project: a region (``eu-de``) or a sub-project of one (``eu-de_team``)."""

    id: str
    name: str
    enabled: bool = True
    domain_id: str = ""
    parent_id: str = ""

    @property
    def region(self) -> str:
        """The region id of the project (the name before any ``_``)."""
        return self.name.split("_", 1)[0]


def _clean(value: Any) -> str:
    text = text_of(value)
    return "".join(c if c.isprintable() else "?" for c in text[:_TEXT_MAX]).strip()


def parse_projects(data: Any, endpoint: str = "") -> list[Project]:
    """``{"projects": [...]}`` -> projects; items without an id or a name are left out."""
    items = as_object(data, "the project list", endpoint).get("projects")
    if not isinstance(items, list):
        raise ResponseError(f"{endpoint}: the answer has no 'projects' list", endpoint=endpoint)
    projects: list[Project] = []
    for item in items[:MAX_PROJECTS]:
        if not isinstance(item, dict):
            continue
        pid, name = _clean(item.get("id")), _clean(item.get("name"))
        if not pid or not name:
            continue
        enabled = item.get("enabled")
        projects.append(
            Project(
                id=pid,
                name=name,
                enabled=enabled is not False,
                domain_id=_clean(item.get("domain_id")),
                parent_id=_clean(item.get("parent_id")),
            )
        )
    return projects


class IamClient:
    """Project queries against one IAM endpoint with one credential."""

    def __init__(
        self,
        iam_endpoint: str,
        auth: httpx.Auth,
        runtime: Runtime | None = None,
        *,
        on_call: CallSink | None = None,
        verify: bool | str = True,
    ) -> None:
        self._signed = isinstance(auth, AkSkAuth)
        self._http = HttpSession(iam_base(iam_endpoint or ""), auth, runtime, on_call=on_call, verify=verify)

    @property
    def projects_path(self) -> str:
        """The path this credential lists projects with."""
        return IAM_PROJECTS if self._signed else IAM_AUTH_PROJECTS

    async def list_projects(self) -> list[Project]:
        """Every project the credential can see, in the order IAM lists them."""
        endpoint = self._http.base + self.projects_path
        projects: list[Project] = await self._http.call(
            "GET", self.projects_path, retry=True, parse=lambda data: parse_projects(data, endpoint)
        )
        return projects

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> IamClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
