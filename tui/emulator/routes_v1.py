"""The v1 DevEnviron (demanager) API: list, create, details, update, delete, action, token.

Paths, shapes and codes from sections 0, 1 and 2 of the reference. Errors use the v1 body
``{"error_code", "error_message"}``; a missing instance is HTTP 400 ModelArts.6309.
"""

from __future__ import annotations

import re
from typing import Any

from tui.api.constants import (
    ORDERS,
    V1_ACTION,
    V1_INSTANCE,
    V1_INSTANCES,
    V1_SORT_KEYS,
    V1_STATUSES,
    V1_TOKEN,
)
from tui.core.models import FAMILY_V1 as MODEL_FAMILY_V1
from tui.emulator.catalog import FLAVORS, PROFILES
from tui.emulator.context import AppContext
from tui.emulator.state import Conflict, InstanceRecord, NotFound, v1_status
from tui.emulator.views import v1_view
from tui.emulator.wire import FAMILY_V1, Principal, Request, Response, Route, json_response, route, v1_error

NOT_FOUND = ("ModelArts.6309", "The instance does not exist.")
_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_BAD_DESCRIPTION = set("&<>\"'/")
AUTO_STOP_MIN_S = 3600
AUTO_STOP_MAX_S = 86400


class Invalid(Exception):
    """A request value the API refuses: (code, message), HTTP 400."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def int_param(req: Request, name: str, default: int, minimum: int = 0) -> int:
    """A non-negative integer query parameter (``ModelArts.0101`` when it is not one)."""
    raw = req.param(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid("ModelArts.0101", f"Invalid parameter {name}: {raw!r} is not an integer.") from None
    if value < minimum:
        raise Invalid("ModelArts.0101", f"Invalid parameter {name}: must be at least {minimum}.")
    return value


def check_description(value: object) -> str:
    """A valid description (<= 512 characters, none of & < > \" ' /)."""
    if not isinstance(value, str):
        raise Invalid("ModelArts.0101", "Invalid parameter description: must be a string.")
    if len(value) > 512 or _BAD_DESCRIPTION & set(value):
        raise Invalid("ModelArts.6334", "The description contains illegal characters or is too long.")
    return value


def check_auto_stop(value: object) -> dict[str, Any]:
    """A valid ``auto_stop`` object: duration required when enabled, 3600–86400 s."""
    if not isinstance(value, dict):
        raise Invalid("ModelArts.0101", "Invalid parameter auto_stop: must be an object.")
    enable = value.get("enable", False)
    if not isinstance(enable, bool):
        raise Invalid("ModelArts.0101", "Invalid parameter auto_stop.enable: must be a boolean.")
    duration = value.get("duration")
    if duration is None:
        if enable:
            raise Invalid("ModelArts.6348", "The auto stop duration is required when auto stop is enabled.")
    elif isinstance(duration, bool) or not isinstance(duration, int):
        raise Invalid("ModelArts.0101", "Invalid parameter auto_stop.duration: must be an integer.")
    elif not AUTO_STOP_MIN_S <= duration <= AUTO_STOP_MAX_S:
        raise Invalid(
            "ModelArts.6349",
            f"The auto stop duration must be between {AUTO_STOP_MIN_S} and {AUTO_STOP_MAX_S} seconds.",
        )
    return value


def _storage(spec: dict[str, Any]) -> tuple[str, str, int]:
    storage = spec.get("storage")
    if not isinstance(storage, dict):
        raise Invalid("ModelArts.6316", "The storage parameter is required.")
    kind = storage.get("type")
    location = storage.get("location") or {}
    if not isinstance(location, dict):
        raise Invalid("ModelArts.0101", "Invalid parameter storage.location: must be an object.")
    if kind == "obs":
        path = location.get("path")
        if not isinstance(path, str) or not path:
            raise Invalid("ModelArts.6317", "The storage path is required for OBS storage.")
        if not path.endswith("/"):
            raise Invalid("ModelArts.6318", "The param path needs to end with /.")
        if "/" not in path.strip("/"):
            raise Invalid("ModelArts.6358", "The storage path cannot be the root directory of a bucket.")
        return ("obs", path, 0)
    if kind == "evs":
        size = location.get("volume_size", 5)
        if isinstance(size, bool) or not isinstance(size, int) or not 5 <= size <= 4096:
            raise Invalid("ModelArts.6331", "The EVS volume size must be between 5 and 4096 GB.")
        return ("evs", "/home/ma-user/work", size)
    raise Invalid("ModelArts.6324", f"The storage type {kind!r} is not supported.")


class V1Api:
    """Handlers of the demanager paths over the shared store."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def routes(self) -> list[Route]:
        """The v1 routes, each guarded by project-scoped authentication."""
        return [
            route("GET", V1_INSTANCES, self._wrap(self.list), FAMILY_V1),
            route("POST", V1_INSTANCES, self._wrap(self.create), FAMILY_V1),
            route("GET", V1_INSTANCE, self._wrap(self.show), FAMILY_V1),
            route("PUT", V1_INSTANCE, self._wrap(self.update), FAMILY_V1),
            route("DELETE", V1_INSTANCE, self._wrap(self.delete), FAMILY_V1),
            route("POST", V1_ACTION, self._wrap(self.action), FAMILY_V1),
            route("GET", V1_TOKEN, self._wrap(self.token), FAMILY_V1),
        ]

    @staticmethod
    def _wrap(handler: Any) -> Any:
        def run(req: Request, params: dict[str, str], principal: Principal | None) -> Response:
            try:
                return handler(req, params)
            except Invalid as error:
                return v1_error(error.code, error.message)
            except Conflict as error:
                return v1_error(error.code, error.message)
            except NotFound:
                return v1_error(*NOT_FOUND)

        return run

    def list(self, req: Request, params: dict[str, str]) -> Response:
        """GET instances: de_type required; status, sortby, order, offset, limit (0 = all)."""
        if req.param("de_type") != "Notebook":
            raise Invalid("ModelArts.0101", "Invalid parameter de_type: only Notebook is supported.")
        statuses = set(req.params("status"))
        unknown = statuses - set(V1_STATUSES)
        if unknown:
            raise Invalid("ModelArts.0101", f"Invalid parameter status: {sorted(unknown)[0]}.")
        sortby = req.param("sortby") or "name"
        if sortby not in V1_SORT_KEYS:
            raise Invalid("ModelArts.6303", f"Sorting by {sortby} is not supported.")
        order = req.param("order") or "asc"
        if order not in ORDERS:
            raise Invalid("ModelArts.0101", f"Invalid parameter order: {order}.")
        offset = int_param(req, "offset", 0)
        limit = int_param(req, "limit", 0)
        workspace = req.param("workspace_id")

        def pick(records: list[InstanceRecord]) -> tuple[list[InstanceRecord], int]:
            if statuses:
                records = [r for r in records if v1_status(r.status) in statuses]
            if workspace not in (None, "", "0"):
                records = []
            if sortby == "name":
                records.sort(key=lambda r: (r.name, r.uid), reverse=order == "desc")
            else:
                records.sort(key=lambda r: (r.created, r.uid), reverse=order == "desc")
            return (records[offset : offset + limit] if limit else records[offset:]), len(records)

        store = self.ctx.space(params).store
        views, total = store.select(req.now, pick, lambda r: v1_view(r, req.now, self.ctx))
        return json_response({"instances": views, "total_count": total})

    def show(self, req: Request, params: dict[str, str]) -> Response:
        """GET one instance."""
        rec = self.ctx.space(params).store.read(params["instance_id"], req.now)
        return json_response(v1_view(rec, req.now, self.ctx))

    def create(self, req: Request, params: dict[str, str]) -> Response:
        """POST instances: validate as section 1.3 lists; answer the instance in CREATING."""
        body = req.json_object()
        name = body.get("name")
        if not isinstance(name, str) or not name:
            raise Invalid("ModelArts.0101", "Invalid parameter name: it is required.")
        if not _NAME_RE.fullmatch(name):
            raise Invalid(
                "ModelArts.6334", "The name may contain only letters, digits, - and _ (at most 64)."
            )
        description = check_description(body.get("description", ""))
        profile_id = body.get("profile_id")
        if profile_id not in PROFILES:
            raise Invalid("ModelArts.0101", f"Invalid parameter profile_id: {profile_id!r}.")
        flavor = body.get("flavor")
        if not isinstance(flavor, str) or flavor not in FLAVORS:
            raise Invalid("ModelArts.6323", f"The flavor {flavor!r} is not supported.")
        if FLAVORS[flavor].type not in PROFILES[profile_id].flavor_types:
            raise Invalid("ModelArts.6330", "The profile and flavor types do not match.")
        spec = body.get("spec")
        if not isinstance(spec, dict):
            raise Invalid("ModelArts.6316", "The storage parameter is required.")
        storage = _storage(spec)
        auto_stop = check_auto_stop(spec.get("auto_stop", {}))
        if self.ctx.space(params).store.name_taken(name):
            raise Invalid("ModelArts.6301", f"The instance {name} already exists.")
        enabled = bool(auto_stop.get("enable"))
        new_id = self.ctx.space(params).store.add(
            name,
            "CREATING",
            MODEL_FAMILY_V1,
            flavor,
            description=description,
            profile_id=profile_id,
            auto_stop_s=auto_stop.get("duration", 3600) if enabled else None,
            storage=storage,
        )
        rec = self.ctx.space(params).store.read(new_id, req.now)
        return json_response(v1_view(rec, req.now, self.ctx))

    def update(self, req: Request, params: dict[str, str]) -> Response:
        """PUT: description and auto-stop (``spec.auto_stop`` or top-level ``auto_stop``)."""
        body = req.json_object()
        description = check_description(body["description"]) if "description" in body else None
        spec = body.get("spec")
        # otcextensions sends auto_stop at the top level; the docs put it in spec.
        raw_auto = (
            spec["auto_stop"] if isinstance(spec, dict) and "auto_stop" in spec else body.get("auto_stop")
        )
        auto = check_auto_stop(raw_auto) if raw_auto is not None else None

        def change(rec: InstanceRecord, now: float) -> None:
            if description is not None:
                rec.description = description
            if auto is not None:
                enable = auto.get("enable", rec.auto_stop_enable)
                rec.auto_stop_enable = enable
                rec.auto_stop_duration_s = auto.get("duration", rec.auto_stop_duration_s)
                rec.auto_stop_prompt = auto.get("prompt", rec.auto_stop_prompt)
                if rec.status == "RUNNING":
                    # Turning auto-stop off or on acts now; a new duration only at the next start.
                    if not enable:
                        rec.lease_enable = False
                    elif not rec.lease_enable:
                        rec.lease_enable = True
                        rec.lease_start = rec.lease_updated = now
                        rec.lease_duration_s = rec.auto_stop_duration_s
            rec.updated = now

        rec = self.ctx.space(params).store.mutate(params["instance_id"], change, req.now)
        return json_response(v1_view(rec, req.now, self.ctx))

    def delete(self, req: Request, params: dict[str, str]) -> Response:
        """DELETE: refused while RUNNING (6304); answers ``{"instance_id": id}``."""
        self.ctx.space(params).store.delete(params["instance_id"], req.now)
        return json_response({"instance_id": params["instance_id"]})

    def action(self, req: Request, params: dict[str, str]) -> Response:
        """POST action: start / stop / restart with the section-0 codes."""
        verb = req.json_object().get("action")
        if verb in ("queue", "dequeue"):
            raise Invalid("ModelArts.6377", "Queuing is supported only for free-tier flavors.")
        if verb not in ("start", "stop", "restart"):
            raise Invalid("ModelArts.0101", f"Invalid parameter action: {verb!r}.")
        previous, current = self.ctx.space(params).store.action(params["instance_id"], verb, req.now)
        return json_response({"current_status": v1_status(current), "previous_state": v1_status(previous)})

    def token(self, req: Request, params: dict[str, str]) -> Response:
        """GET token: the notebook's access token, only while RUNNING."""
        rec = self.ctx.space(params).store.read(params["instance_id"], req.now)
        if rec.status != "RUNNING":
            raise Conflict(
                "ModelArts.6327", "The instance is not in running. Please refresh the page and start it."
            )
        return json_response({"token": rec.token})
