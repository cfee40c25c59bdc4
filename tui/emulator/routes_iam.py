"""IAM on the same port: password tokens (``POST /v3/auth/tokens``) and project lookup.

Keystone shapes (section 4a, 5): 201 with ``X-Subject-Token`` and a ``token`` body; errors as
``{"error": {"code", "title", "message"}}``.
"""

from __future__ import annotations

from typing import Any

from tui.api.constants import H_SUBJECT_TOKEN, IAM_PROJECTS, IAM_TOKENS
from tui.emulator.auth import TokenInfo, iso, stable_id
from tui.emulator.context import AppContext, ProjectSpace
from tui.emulator.wire import (
    FAMILY_IAM,
    BodyError,
    Principal,
    Request,
    Response,
    Route,
    iam_error,
    json_response,
    route,
)

_WRONG = "The username or password is wrong."


class IamApi:
    """Token issue and project queries for the configured account."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def routes(self) -> list[Route]:
        """IAM routes: token issue needs no auth; project reads need a token or AK/SK."""
        return [
            route("POST", IAM_TOKENS, self.issue, FAMILY_IAM, auth="none"),
            route("GET", IAM_PROJECTS, self.projects, FAMILY_IAM, auth="any"),
            route("GET", "/v3/auth/projects", self.projects, FAMILY_IAM, auth="any"),
        ]

    def _project(self, space: ProjectSpace) -> dict[str, Any]:
        return {
            "id": space.id,
            "name": space.name,
            "domain_id": self.ctx.domain_id,
            "parent_id": self.ctx.domain_id,
            "is_domain": False,
            "enabled": True,
            "description": "",
            "links": {"self": f"{self.ctx.base_url()}/v3/projects/{space.id}"},
        }

    def _match_user(self, user: dict[str, Any]) -> tuple[str, str] | None:
        domain = user.get("domain") or {}
        password = user.get("password")
        for (domain_name, user_name), secret in self.ctx.config.iam_users.items():
            domain_ok = domain.get("name") == domain_name or domain.get("id") == stable_id(
                "domain", domain_name
            )
            user_ok = user.get("name") == user_name or user.get("id") == stable_id("user", user_name)
            if domain_ok and user_ok and password == secret:
                return domain_name, user_name
        return None

    def issue(self, req: Request, params: dict[str, str], principal: Principal | None) -> Response:
        """POST /v3/auth/tokens with the password method, project scope by id or name."""
        try:
            body = req.json_object()
            identity = body["auth"]["identity"]
            methods = identity["methods"]
            user = identity["password"]["user"] if "password" in methods else None
        except (BodyError, KeyError, TypeError):
            return iam_error(400, "The request body is not a valid password authentication request.")
        if not isinstance(user, dict):
            return iam_error(401, "Only the password authentication method is supported.")
        who = self._match_user(user)
        if who is None:
            return iam_error(401, _WRONG)
        scope = body["auth"].get("scope") or {}
        project = scope.get("project") if isinstance(scope, dict) else None
        cfg = self.ctx.config
        if isinstance(project, dict):
            if project.get("id") is None and project.get("name") is None:
                return iam_error(400, "The project scope needs an id or a name.")
            space = self._scoped(project)
            if space is None:
                return iam_error(401, "The request you have made requires authentication (unknown project).")
            info = self.ctx.tokens.issue(
                project_id=space.id,
                project_name=space.name,
                user=who[1],
                domain=who[0],
                ttl_s=cfg.token_ttl_s,
            )
        else:
            info = self.ctx.tokens.issue(
                project_id=None, project_name=None, user=who[1], domain=who[0], ttl_s=cfg.token_ttl_s
            )
        token = self._token_body(info, catalog=not req.param("nocatalog"))
        return json_response({"token": token}, 201, [(H_SUBJECT_TOKEN, info.token)])

    def _scoped(self, project: dict[str, Any]) -> ProjectSpace | None:
        """The served project that matches the scope's id and name (each when given)."""
        for space in self.ctx.projects.values():
            if project.get("id") in (None, space.id) and project.get("name") in (None, space.name):
                return space
        return None

    def _token_body(self, info: TokenInfo, catalog: bool) -> dict[str, Any]:
        domain = {"id": stable_id("domain", info.domain), "name": info.domain}
        body: dict[str, Any] = {
            "expires_at": iso(info.expires_at if info.expires_at is not None else info.issued_at),
            "issued_at": iso(info.issued_at),
            "methods": ["password"],
            "user": {
                "id": stable_id("user", info.user),
                "name": info.user,
                "domain": domain,
                "password_expires_at": "",
            },
            "roles": [
                {"id": stable_id("role", "te_admin"), "name": "te_admin"},
                {"id": stable_id("role", "modelarts_adm"), "name": "modelarts_adm"},
            ],
        }
        if info.project_id is not None:
            body["project"] = {"id": info.project_id, "name": info.project_name, "domain": domain}
        else:
            body["domain"] = domain
        if catalog:
            space = self.ctx.projects.get(info.project_id or "", self.ctx.primary)
            base = self.ctx.base_url()
            body["catalog"] = [
                self._service("modelarts", "modelarts", f"{base}/v1/{space.id}", space.region),
                self._service("modelartsv1", "modelartsv1", f"{base}/v1/{space.id}", space.region),
                self._service("identity", "iam", f"{base}/v3", space.region),
            ]
        return body

    @staticmethod
    def _service(kind: str, name: str, url: str, region: str) -> dict[str, Any]:
        return {
            "type": kind,
            "id": stable_id("service", kind),
            "name": name,
            "endpoints": [
                {
                    "id": stable_id("endpoint", kind),
                    "interface": "public",
                    "region": region,
                    "region_id": region,
                    "url": url,
                }
            ],
        }

    def projects(self, req: Request, params: dict[str, str], principal: Principal | None) -> Response:
        """GET /v3/projects (AK/SK or token) and /v3/auth/projects (the token user's): every served
        project, with the documented filters (name, domain_id, enabled, parent_id)."""
        projects = [self._project(space) for space in self.ctx.projects.values()]
        for key in ("name", "domain_id", "parent_id", "id"):
            wanted = req.param(key)
            if wanted is not None:
                projects = [p for p in projects if p[key] == wanted]
        enabled = req.param("enabled")
        if enabled is not None:
            projects = [p for p in projects if str(p["enabled"]).lower() == enabled.lower()]
        links = {"self": f"{self.ctx.base_url()}{req.path}", "previous": None, "next": None}
        return json_response({"projects": projects, "links": links})
