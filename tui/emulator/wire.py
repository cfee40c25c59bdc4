"""Requests, responses, routes and the three error body shapes the real service sends.

gateway (auth, throttling, unknown API)  {"error_code", "error_msg", "request_id"}
v1 DevEnviron                            {"error_code", "error_message"}
notebooks family                         {"error_code", "error_msg"}
IAM (keystone)                           {"error": {"code", "title", "message"}}
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui.api.signer import parse_query

JSON = "application/json"
FAMILY_V1 = "v1"
FAMILY_NB = "notebooks"
FAMILY_IAM = "iam"


class BodyError(ValueError):
    """The request body is not the JSON object the API expects."""


@dataclass(slots=True)
class Request:
    """One request as it arrived: the raw wire path, raw query and body bytes, UTF-8 headers."""

    method: str
    path: str
    raw_query: str
    headers: list[tuple[str, str]]
    body: bytes
    request_id: str
    now: float
    query: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.query = parse_query(self.raw_query)

    def header(self, name: str) -> str | None:
        """The last value of a header, looked up case-insensitively."""
        wanted = name.lower()
        found = None
        for key, value in self.headers:
            if key.lower() == wanted:
                found = value
        return found

    def param(self, name: str) -> str | None:
        """The first value of a query parameter."""
        for key, value in self.query:
            if key == name:
                return value
        return None

    def params(self, name: str) -> list[str]:
        """Every value of a (possibly repeated) query parameter."""
        return [value for key, value in self.query if key == name]

    def json_object(self) -> dict[str, Any]:
        """The body as a JSON object; an empty body is ``{}``."""
        if not self.body.strip():
            return {}
        try:
            data = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise BodyError(f"The request body is not valid JSON: {error}") from error
        if not isinstance(data, dict):
            raise BodyError("The request body must be a JSON object.")
        return data


@dataclass(slots=True)
class Response:
    """What to send: status, body bytes, content type and extra headers."""

    status: int
    body: bytes = b""
    content_type: str = JSON
    headers: list[tuple[str, str]] = field(default_factory=list)
    error_code: str | None = None


def dumps(obj: object) -> bytes:
    """Compact UTF-8 JSON."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_response(obj: object, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Response:
    """A JSON answer."""
    return Response(status, dumps(obj), JSON, headers or [])


def gateway_error(status: int, code: str, message: str, request_id: str) -> Response:
    """An API-gateway error (APIGW.*), repeating the request id in the body."""
    body = {"error_code": code, "error_msg": message, "request_id": request_id}
    return Response(status, dumps(body), JSON, [], code)


def v1_error(code: str, message: str, status: int = 400) -> Response:
    """A v1 DevEnviron error as its documentation samples show it."""
    return Response(status, dumps({"error_code": code, "error_message": message}), JSON, [], code)


def nb_error(code: str, message: str, status: int = 400) -> Response:
    """A notebooks-family error."""
    return Response(status, dumps({"error_code": code, "error_msg": message}), JSON, [], code)


def family_error(family: str, code: str, message: str, status: int = 400) -> Response:
    """The error shape of ``family`` (v1 or notebooks)."""
    return v1_error(code, message, status) if family == FAMILY_V1 else nb_error(code, message, status)


_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}


def iam_error(status: int, message: str) -> Response:
    """A keystone-style IAM error."""
    body = {"error": {"code": status, "title": _TITLES.get(status, "Error"), "message": message}}
    return Response(status, dumps(body), JSON, [], f"IAM.{status}")


Handler = Callable[[Request, dict[str, str], "Principal | None"], Response]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request authenticated as: the project it may act on (None for a domain token)."""

    kind: str
    project_id: str | None
    user: str
    ak: str | None = None


@dataclass(frozen=True, slots=True)
class Route:
    """One API: method, path pattern (named groups), handler and how it authenticates.

    ``auth``: "project" (ModelArts: token or AK/SK, URL project must match), "any" (IAM reads:
    token or AK/SK, any scope) or "none" (IAM token issue).
    """

    method: str
    pattern: re.Pattern[str]
    handler: Handler
    family: str
    auth: str = "project"


def route(method: str, template: str, handler: Handler, family: str, auth: str = "project") -> Route:
    """A Route from a ``/v1/{project_id}/...`` template; a trailing slash is tolerated."""
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template.rstrip("/"))
    return Route(method, re.compile(f"{regex}/?"), handler, family, auth)
