"""What both API families share: the session, the project id in paths, the instance memo."""

from __future__ import annotations

from tui.api.parse import InstanceMemo
from tui.api.transport import HttpSession

MAX_PAGES = 1000
"""A list never asks for more pages than this (a server that keeps answering would loop)."""


class FamilyApi:
    """Base of ``V1Api`` and ``NotebooksApi``: one HttpSession, paths filled with the project id."""

    def __init__(self, session: HttpSession) -> None:
        self._session = session
        self.project_id = ""
        self._memo = InstanceMemo()

    def _path(self, template: str, instance_id: str = "") -> str:
        return template.format(project_id=self.project_id, instance_id=instance_id)

    def _endpoint(self, path: str) -> str:
        return self._session.base.split("://", 1)[-1] + path
