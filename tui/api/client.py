"""ModelArtsClient: typed async calls on notebook instances of either API family.

    client = ModelArtsClient(endpoint, project_id, auth, family="devenv-v1" | "notebooks", ...)
    async with client:
        await client.list_instances()            # every page
        await client.start(instance_id)          # ActionResult

Inputs are checked before any request (a bad id is a ValidationError naming the field, and
nothing is sent). Only ``tui.core.errors.ModelArtsError`` subclasses are raised. Every HTTP
request produces one redacted ``ApiCall`` through ``on_call`` (see ``api.transport``).

Actions are never retried blindly: when a start or stop meets a 429, a 5xx, a timeout or a
dropped connection, the instance is read again; if it already moved towards the target, that
is success; only a 429 (the gateway did not pass the request on) is sent again, after the wait.
This is the one retry budget of an action: ``Limits.action_sends`` POSTs in all (the service
does not retry on top).
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import httpx

from tui.api import constants as c
from tui.api.auth import IamPasswordAuth
from tui.api.client_images import AdminListDeniedError, ImageTagCalls
from tui.api.client_lifecycle import LifecycleCalls
from tui.api.client_notebooks import NotebooksApi, as_action_result
from tui.api.client_v1 import V1Api
from tui.api.family import Listing
from tui.api.retry import backoff_delay
from tui.api.runtime import Runtime
from tui.api.transport import CallSink, HttpSession
from tui.core.actions import action_named
from tui.core.errors import (
    AuthError,
    ConnectionDroppedError,
    ModelArtsError,
    OutcomeUnknownError,
    RequestTimeoutError,
    ResponseError,
    ServerError,
    ThrottledError,
    ValidationError,
)
from tui.core.models import FAMILY_NOTEBOOKS, FAMILY_V1, ActionResult, Instance, Lease

_PROJECT_ID_CHARS = re.compile(r"[A-Za-z0-9_-]{1,64}")
_DESCRIPTION_FORBIDDEN = set("&<>\"'/")
DESCRIPTION_MAX = 512
AUTO_STOP_MIN_S = 3600
AUTO_STOP_MAX_S = 86400
LEASE_TYPES = ("timing", "idle")

_AMBIGUOUS = (ThrottledError, ServerError, ConnectionDroppedError, RequestTimeoutError, ResponseError)
"""Failures after which an action may or may not have happened: read the instance to know."""


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_instance_id(instance_id: object) -> str:
    """The id when it has the shape of an instance id; ValidationError('instance_id') otherwise."""
    if not isinstance(instance_id, str) or not c.INSTANCE_ID_RE.fullmatch(instance_id):
        raise ValidationError("instance_id", f"not a valid instance id: {_short(instance_id)}")
    return instance_id


class ModelArtsClient(ImageTagCalls, LifecycleCalls):
    """Notebook instances of one project at one ModelArts endpoint, through one httpx client."""

    def __init__(
        self,
        endpoint: str,
        project_id: str,
        auth: httpx.Auth,
        family: str = FAMILY_V1,
        *,
        runtime: Runtime | None = None,
        on_call: CallSink | None = None,
        verify: bool | str = True,
        **pieces: Any,
    ) -> None:
        """``pieces`` (timeout, transport, clock, sleep, max_retries, action_sends) change fields of ``runtime``."""
        if "max_retries" in pieces:
            pieces["get_retries"] = pieces.pop("max_retries")
        unknown = set(pieces) - {"timeout", "transport", "clock", "sleep", "get_retries", "action_sends"}
        if unknown:
            raise TypeError(f"unexpected arguments {sorted(unknown)}")
        runtime = (runtime or Runtime()).but(**pieces)
        if family not in (FAMILY_V1, FAMILY_NOTEBOOKS):
            raise ValidationError("family", f"unknown API family {_short(family)} (devenv-v1 or notebooks)")
        project_id = (project_id or "").strip()
        if project_id and not _PROJECT_ID_CHARS.fullmatch(project_id):
            raise ValidationError("project_id", f"not a valid project id: {_short(project_id)}")
        if not project_id and not isinstance(auth, IamPasswordAuth):
            raise ValidationError(
                "project_id", "a project id is needed (only IAM password auth can look it up)"
            )
        self.family = family
        self.project_id = project_id
        self._auth = auth
        self._sleep = runtime.sleep
        self._action_sends = max(1, int(runtime.limits.action_sends))
        self._session = HttpSession(endpoint, auth, runtime, on_call=on_call, verify=verify)
        self._v1 = V1Api(self._session) if family == FAMILY_V1 else None
        self._nb = NotebooksApi(self._session) if family == FAMILY_NOTEBOOKS else None
        self._last_status: dict[str, str] = {}
        self._project_lock = asyncio.Lock()
        self._actions_resume_at = 0.0
        """``time.monotonic()`` before which a new action waits: the gateway just answered 429."""

    def __repr__(self) -> str:
        return (
            f"ModelArtsClient({self._session.base!r}, project_id={self.project_id!r}, family={self.family!r})"
        )

    # --- lifecycle ---------------------------------------------------------------------------
    async def __aenter__(self) -> ModelArtsClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the underlying httpx client (idempotent)."""
        await self._session.aclose()

    @property
    def endpoint(self) -> str:
        """The ModelArts base URL."""
        return self._session.base

    @property
    def clock_skew_s(self) -> float | None:
        """Server ``Date`` minus the local clock at the last answer; None before any answer."""
        return self._session.clock_skew_s

    def secret_values(self) -> tuple[str, ...]:
        """What redaction must mask for this client: its auth's secrets as resolved (commands too)."""
        return self._session.secrets()

    # --- project id --------------------------------------------------------------------------
    async def _ready(self) -> None:
        if not self.project_id:
            async with self._project_lock:
                if not self.project_id:
                    self.project_id = await self._resolve_project_id()
        for api in (self._v1, self._nb):
            if api is not None:
                api.project_id = self.project_id

    async def _resolve_project_id(self) -> str:
        auth = self._auth
        assert isinstance(auth, IamPasswordAuth)  # checked in __init__
        if not auth.project_id:
            response = await self._session.transmit(auth.token_request(), with_auth=False)
            auth.accept_token_response(response)
        if not auth.project_id:
            raise ValidationError(
                "project_id", f"IAM at {auth.token_endpoint} named no project for {auth.project_name!r}"
            )
        if not _PROJECT_ID_CHARS.fullmatch(auth.project_id):  # it goes into every path from here on
            raise ValidationError(
                "project_id",
                f"IAM at {auth.token_endpoint} named an unusable project id {_short(auth.project_id)}",
            )
        return auth.project_id

    def _notebooks(self, what: str) -> NotebooksApi:
        if self._nb is None:
            raise ValidationError("family", f"{what} needs the notebooks API; this client uses {self.family}")
        return self._nb

    def _remember(self, instance: Instance) -> Instance:
        self._last_status[instance.id] = instance.status
        return instance

    # --- reads -------------------------------------------------------------------------------
    async def list_instances(
        self,
        status: str | None = None,
        sort: str | None = None,
        order: str | None = None,
        everyone: bool = False,
        first: int = 0,
    ) -> Listing:
        """Every instance (all pages), optionally filtered by status and sorted; ``everyone``: every
        user's (notebooks family, an admin account). The ``Listing`` says when it fell short.
        ``first`` (v1; the notebooks family lists every page at once): only the first ``first`` by
        name, in one request, ``partial`` when there are more (a first screen before the rest)."""
        api = self._v1 or self._notebooks("list")
        if everyone and self._v1 is not None:
            raise ValidationError("scope", "listing every user's notebooks needs the notebooks API")
        if status is not None:
            status = str(status).strip().upper()
            if status not in api.statuses:
                raise ValidationError(
                    "status", f"unknown status {_short(status)} ({', '.join(api.statuses)})"
                )
        if sort is not None:
            keys = c.V1_SORT_KEYS if self._v1 else NotebooksApi.sort_keys
            if sort not in keys:
                raise ValidationError("sort", f"cannot sort by {_short(sort)} ({', '.join(keys)})")
        if order is not None:
            order = str(order).strip().lower()
            if order not in c.ORDERS:
                raise ValidationError("order", f"order is asc or desc, not {_short(order)}")
        await self._ready()
        try:
            instances = await (
                self._nb.list(status, sort, order, True)
                if self._nb and everyone
                else self._v1.first_page(first, status)
                if self._v1 and first > 0
                else api.list(status, sort, order)
            )
        except AuthError as error:
            if everyone and error.status == 403:
                raise AdminListDeniedError(error) from error
            raise
        for instance in instances:
            self._remember(instance)
        return instances

    async def get_instance(self, instance_id: str) -> Instance:
        """One instance's details."""
        check_instance_id(instance_id)
        await self._ready()
        api = self._v1 or self._notebooks("details")
        return self._remember(await api.get(instance_id))

    # --- actions -----------------------------------------------------------------------------
    async def start(
        self, instance_id: str, duration_ms: int | None = None, lease_type: str | None = None
    ) -> ActionResult:
        """Start a STOPPED instance; notebooks take an optional lease ``duration_ms`` and ``lease_type``."""
        check_instance_id(instance_id)
        if self._v1 is not None:
            if duration_ms is not None or lease_type is not None:
                field = "duration_ms" if duration_ms is not None else "lease_type"
                raise ValidationError(field, "only the notebooks API takes a start duration or lease type")
        else:
            if duration_ms is not None and (
                isinstance(duration_ms, bool)
                or not isinstance(duration_ms, int)
                or (duration_ms <= 0 and duration_ms != -1)
            ):
                raise ValidationError(
                    "duration_ms", f"a positive number of milliseconds (or -1), not {_short(duration_ms)}"
                )
            if lease_type is not None:
                lease_type = str(lease_type).strip().lower()
                if lease_type not in LEASE_TYPES:
                    raise ValidationError("lease_type", f"timing or idle, not {_short(lease_type)}")
        return await self._act(instance_id, "start", duration_ms, lease_type)

    async def stop(self, instance_id: str) -> ActionResult:
        """Stop a RUNNING instance."""
        check_instance_id(instance_id)
        return await self._act(instance_id, "stop", None, None)

    async def _send_action(
        self, instance_id: str, verb: str, duration_ms: int | None, lease_type: str | None, previous: str
    ) -> ActionResult:
        if self._v1 is not None:
            return await self._v1.action(instance_id, verb)
        nb = self._notebooks(verb)
        instance = await nb.action(instance_id, verb, duration_ms, lease_type)
        return as_action_result(instance, instance_id, verb, previous)

    async def _act(
        self, instance_id: str, verb: str, duration_ms: int | None, lease_type: str | None
    ) -> ActionResult:
        await self._ready()
        previous = self._last_status.get(instance_id, "")
        sent = 1
        wait = self._actions_resume_at - time.monotonic()
        if wait > 0:  # another action was just throttled: a new one joins the wait, not the crowd
            await self._sleep(wait)
        while True:
            try:
                result = await self._send_action(instance_id, verb, duration_ms, lease_type, previous)
            except _AMBIGUOUS as error:
                moved, read = await self._reread(instance_id, verb)
                if moved is not None:
                    return ActionResult(instance_id, verb, moved.status, previous)
                if not isinstance(error, ThrottledError) and (
                    read is not None or isinstance(error, RequestTimeoutError)
                ):
                    raise OutcomeUnknownError(verb, error, read) from error  # a timed-out one may still act
                if isinstance(error, ThrottledError) and sent < self._action_sends:
                    delay = backoff_delay(sent, error)
                    self._actions_resume_at = max(self._actions_resume_at, time.monotonic() + delay)
                    await self._sleep(delay)
                    sent += 1
                    continue
                raise
            if result.current_status:
                self._last_status[instance_id] = result.current_status
            return result

    async def _reread(self, instance_id: str, verb: str) -> tuple[Instance | None, ModelArtsError | None]:
        """``(instance, None)`` when a fresh read shows it already on its way to ``verb``'s target,
        ``(None, None)`` when it shows it has not moved, ``(None, error)`` when the read failed."""
        try:
            instance = await self.get_instance(instance_id)
        except ModelArtsError as error:
            return None, error
        return (instance if instance.phase in action_named(verb).on_its_way else None), None

    # --- changes -----------------------------------------------------------------------------
    async def update(
        self,
        instance_id: str,
        description: str | None = None,
        auto_stop_enable: bool | None = None,
        auto_stop_duration_s: int | None = None,
    ) -> Instance:
        """Change the description and (v1) the auto-stop settings; the answer is the instance."""
        check_instance_id(instance_id)
        body: dict[str, Any] = {}
        if description is not None:
            body["description"] = _check_description(description)
        if auto_stop_enable is not None or auto_stop_duration_s is not None:
            if self._nb is not None:
                field = "auto_stop_enable" if auto_stop_enable is not None else "auto_stop_duration_s"
                raise ValidationError(
                    field, "the notebooks API sets auto-stop through the lease (renew_lease)"
                )
            auto: dict[str, Any] = {}
            if auto_stop_enable is not None:
                auto["enable"] = bool(auto_stop_enable)
            if auto_stop_duration_s is not None:
                auto["duration"] = _check_auto_stop_duration(auto_stop_duration_s)
            body["spec"] = {"auto_stop": auto}
        if not body:
            raise ValidationError("update", "nothing to change: give a description or auto-stop settings")
        await self._ready()
        api = self._v1 or self._notebooks("update")
        return self._remember(await api.update(instance_id, body))

    async def delete(self, instance_id: str) -> str:
        """Delete an instance; returns the id the service confirmed."""
        check_instance_id(instance_id)
        await self._ready()
        api = self._v1 or self._notebooks("delete")
        deleted = await api.delete(instance_id)
        self._last_status.pop(instance_id, None)
        return deleted

    # --- lease (notebooks) -------------------------------------------------------------------
    async def get_lease(self, instance_id: str) -> Lease:
        """The auto-stop lease of a notebook (notebooks family only)."""
        nb = self._notebooks("the lease")
        check_instance_id(instance_id)
        await self._ready()
        return await nb.get_lease(instance_id)

    async def renew_lease(self, instance_id: str, hours: float) -> Lease:
        """Set the lease to ``hours`` (1 to 72) from now's lease start (notebooks family only)."""
        nb = self._notebooks("prolonging")
        check_instance_id(instance_id)
        if isinstance(hours, bool) or not isinstance(hours, (int, float)) or hours != hours:
            raise ValidationError("hours", f"a number of hours, not {_short(hours)}")
        if not c.LEASE_MIN_HOURS <= hours <= c.LEASE_MAX_HOURS:
            raise ValidationError(
                "hours", f"between {c.LEASE_MIN_HOURS} and {c.LEASE_MAX_HOURS}, not {hours:g}"
            )
        await self._ready()
        return await nb.renew_lease(instance_id, int(round(hours * 3_600_000)))


def _check_description(description: object) -> str:
    if not isinstance(description, str):
        raise ValidationError("description", f"must be text, not {_short(description)}")
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError(
            "description", f"at most {DESCRIPTION_MAX} characters ({len(description)} given)"
        )
    bad = sorted(_DESCRIPTION_FORBIDDEN & set(description))
    if bad:
        raise ValidationError("description", f"must not contain {' '.join(bad)}")
    return description


def _check_auto_stop_duration(seconds: object) -> int:
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise ValidationError("auto_stop_duration_s", f"whole seconds, not {_short(seconds)}")
    if not AUTO_STOP_MIN_S <= seconds <= AUTO_STOP_MAX_S:
        raise ValidationError(
            "auto_stop_duration_s", f"between {AUTO_STOP_MIN_S} and {AUTO_STOP_MAX_S} seconds, not {seconds}"
        )
    return seconds
