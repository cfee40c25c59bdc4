"""What both API families share: the session, the project id in paths, the instance memo, and
``Listing``, the list of instances a list call returns with what it has to say about itself."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from tui.api.memo import InstanceMemo
from tui.api.transport import HttpSession
from tui.core.models import Instance

MAX_PAGES = 1000
"""A list never asks for more pages than this (a server that keeps answering would loop);
``Limits.max_pages`` is the same bound for the instance lists (50,000 notebooks at 50 a page)."""


class Listing(list[Instance]):
    """Every instance one list call got (each id once), and how the listing fell short.

    ``total`` is the count the service gave and ``pages`` the pages read; ``cut`` is True when the
    list stopped at the page limit with instances unread; ``doubled`` holds the ids one page listed
    more than once (one instance each is kept); ``partial`` is True for a first page asked alone
    (``list_instances(first=...)``) that did not hold them all.
    """

    def __init__(
        self,
        instances: Iterable[Instance] = (),
        *,
        total: int = 0,
        pages: int = 1,
        cut: bool = False,
        doubled: Iterable[str] = (),
        partial: bool = False,
    ) -> None:
        super().__init__(instances)
        self.total = total
        self.pages = pages
        self.cut = cut
        self.doubled = tuple(dict.fromkeys(doubled))
        self.partial = partial


def doubled_ids(instances: Iterable[Instance]) -> list[str]:
    """The ids listed more than once in one page (the service's own answer: a page never moves)."""
    return [i for i, n in Counter(x.id for x in instances).items() if n > 1]


class FamilyApi:
    """Base of ``V1Api`` and ``NotebooksApi``: one HttpSession, paths filled with the project id."""

    def __init__(self, session: HttpSession) -> None:
        self._session = session
        self.project_id = ""
        self._memo = InstanceMemo()

    @property
    def max_pages(self) -> int:
        return max(1, int(self._session.limits.max_pages))

    def _path(self, template: str, instance_id: str = "") -> str:
        return template.format(project_id=self.project_id, instance_id=instance_id)

    def _endpoint(self, path: str) -> str:
        return self._session.base.split("://", 1)[-1] + path
