"""The request pipeline without sockets: faults, routing, authentication, project check, handler.

latency -> throttle (429) -> injected 5xx -> route (404 APIGW.0101) -> auth (401 APIGW.0301)
        -> project check (400 ModelArts.0210) -> handler -> garbage body / dropped socket
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from urllib.parse import unquote

from tui.emulator.auth import GATEWAY_PREFIX, Authenticator, AuthFailure
from tui.emulator.context import AppContext
from tui.emulator.faults import FaultInjector
from tui.emulator.wire import (
    FAMILY_IAM,
    BodyError,
    Principal,
    Request,
    Response,
    Route,
    family_error,
    gateway_error,
    iam_error,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the server sends: the response, and whether to cut it off mid-body."""

    response: Response
    drop: bool = False


class App:
    """Routes a Request to its handler the way the API gateway and the service would."""

    def __init__(
        self,
        ctx: AppContext,
        routes: list[Route],
        authenticator: Authenticator,
        injector: FaultInjector,
        stopping: threading.Event,
    ) -> None:
        self.ctx = ctx
        self.routes = routes
        self.authenticator = authenticator
        self.injector = injector
        self.stopping = stopping

    def handle(self, req: Request) -> Outcome:
        """The answer to ``req`` (faults included)."""
        delay = self.injector.delay_s()
        if delay > 0:
            self.stopping.wait(delay)
        throttled = self.injector.throttle(req.request_id)
        if throttled is not None:
            return Outcome(throttled)
        failed = self.injector.failure(req.request_id)
        if failed is not None:
            return Outcome(failed)
        response = self.route(req)
        garbage = self.injector.garbage()
        return Outcome(garbage or response, self.injector.drop())

    def _project_refusal(self, family: str, project: str, principal: Principal) -> Response | None:
        """0204 for a token without a project; 0210 for a project the credentials do not open.

        A token opens its own project; AK/SK opens the X-Project-Id it names, or without one any
        project of the account.
        """
        if principal.project_id is None and principal.kind != "aksk":
            return family_error(
                family, "ModelArts.0204", "The token is not scoped to a project; use a project token."
            )
        if project not in self.ctx.projects or principal.project_id not in (None, project):
            return family_error(
                family,
                "ModelArts.0210",
                f"Invalid project ID {project}: it does not match the project of the credentials.",
            )
        return None

    def route(self, req: Request) -> Response:
        """Find the API, authenticate, check the project and run the handler."""
        path = unquote(req.path)
        for candidate in self.routes:
            match = candidate.pattern.fullmatch(path)
            if match is not None and candidate.method == req.method:
                break
        else:
            return gateway_error(
                404,
                "APIGW.0101",
                "The API does not exist or has not been published in the environment",
                req.request_id,
            )
        params = match.groupdict()
        principal = None
        if candidate.auth != "none":
            try:
                principal = self.authenticator.authenticate(req)
            except AuthFailure as failure:
                if candidate.family == FAMILY_IAM:
                    return iam_error(
                        401, f"The request you have made requires authentication: {failure.message}"
                    )
                return gateway_error(401, "APIGW.0301", GATEWAY_PREFIX + failure.message, req.request_id)
        if candidate.auth == "project" and principal is not None:
            refused = self._project_refusal(candidate.family, params.get("project_id", ""), principal)
            if refused is not None:
                return refused
        try:
            return candidate.handler(req, params, principal)
        except BodyError as error:
            if candidate.family == FAMILY_IAM:
                return iam_error(400, str(error))
            return family_error(candidate.family, "ModelArts.6400", str(error))
        except Exception:  # a bug in a handler must not kill the connection thread
            log.exception("emulator handler failed for %s %s", req.method, req.path)
            return family_error(candidate.family, "ModelArts.0010", "Internal error.", 500)
