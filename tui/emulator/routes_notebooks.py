"""The current notebooks API over the same store: list, details, start, stop, lease.

Ids are the bare UUID (the v1 family shows ``DE-<uuid>`` for the same instance). Errors use
``{"error_code", "error_msg"}``; a missing notebook is HTTP 400 ModelArts.6404.
"""

from __future__ import annotations

from collections.abc import Callable

from tui.api.constants import (
    LEASE_MAX_HOURS,
    LEASE_MIN_HOURS,
    NB_LEASE,
    NB_NOTEBOOK,
    NB_NOTEBOOKS,
    NB_START,
    NB_STATUSES,
    NB_STOP,
)
from tui.emulator.auth import stable_id
from tui.emulator.context import AppContext
from tui.emulator.nb_common import Forbidden, nb_handler, page_of, page_params, paged
from tui.emulator.offers import check_can_run
from tui.emulator.routes_v1 import Invalid
from tui.emulator.state import InstanceRecord, nb_status
from tui.emulator.views import lease_view, nb_view
from tui.emulator.wire import FAMILY_NB, Request, Response, Route, json_response, route

LEASE_MIN_MS = LEASE_MIN_HOURS * 3_600_000
LEASE_MAX_MS = LEASE_MAX_HOURS * 3_600_000
_SORT_KEYS: dict[str, Callable[[InstanceRecord], object]] = {
    "create_at": lambda r: r.created,
    "update_at": lambda r: r.updated,
    "name": lambda r: r.name,
    "status": lambda r: nb_status(r.status),
    "flavor": lambda r: r.flavor,
}


_STARTABLE = ("STOPPED", "START_FAILED")


def _sort_key(
    getters: list[Callable[[InstanceRecord], object]],
) -> Callable[[InstanceRecord], tuple[object, ...]]:
    """The keys in order, the uid last (one key, the usual case, without a generator per record)."""
    if len(getters) == 1:
        first = getters[0]
        return lambda r: (first(r), r.uid)
    return lambda r: (*(get(r) for get in getters), r.uid)


def tag_filter(raw: str | None) -> list[tuple[str, str | None]]:
    """``k1|v1,k2|v2`` -> [(k1, v1), (k2, v2)]; ``k`` alone matches any value of that key."""
    pairs: list[tuple[str, str | None]] = []
    for item in (raw or "").split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("|")
        if not key.strip():
            raise Invalid("ModelArts.0101", f"Invalid parameter tags: {raw}.")
        pairs.append((key.strip(), value.strip() if sep else None))
    return pairs


def _has_tag(rec: InstanceRecord, key: str, value: str | None) -> bool:
    return key in rec.tags and (value is None or rec.tags[key] == value)


def lease_ms(raw: object, name: str = "duration") -> int:
    """A lease duration in ms between 1 and 72 hours (400 ModelArts.6361 outside)."""
    if isinstance(raw, bool):
        raise Invalid("ModelArts.0101", f"Invalid parameter {name}: must be an integer (ms).")
    try:
        value = int(raw)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise Invalid("ModelArts.0101", f"Invalid parameter {name}: must be an integer (ms).") from None
    if not LEASE_MIN_MS <= value <= LEASE_MAX_MS:
        raise Invalid(
            "ModelArts.6361",
            f"The {name} must be between {LEASE_MIN_MS} and {LEASE_MAX_MS} ms "
            f"({LEASE_MIN_HOURS} to {LEASE_MAX_HOURS} hours).",
        )
    return value


def _lease_type(raw: object) -> None:
    if raw is not None and (not isinstance(raw, str) or raw.lower() not in ("timing", "idle")):
        raise Invalid("ModelArts.0101", f"Invalid parameter type: {raw!r} (timing or idle).")


class NotebooksApi:
    """Handlers of the ``/v1/{project_id}/notebooks`` paths."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def routes(self) -> list[Route]:
        """The notebooks routes, each guarded by project-scoped authentication."""
        return [
            route("GET", NB_NOTEBOOKS, nb_handler(self.list_own), FAMILY_NB),
            route("GET", NB_NOTEBOOKS + "/all", nb_handler(self.list_all), FAMILY_NB),
            route("GET", NB_NOTEBOOK, nb_handler(self.show), FAMILY_NB),
            route("POST", NB_START, nb_handler(self.start), FAMILY_NB),
            route("POST", NB_STOP, nb_handler(self.stop), FAMILY_NB),
            route("GET", NB_LEASE, nb_handler(self.get_lease), FAMILY_NB),
            route("PATCH", NB_LEASE, nb_handler(self.renew_lease), FAMILY_NB),
        ]

    def list_own(self, req: Request, params: dict[str, str]) -> Response:
        """GET notebooks: the user's own."""
        return self._list(req, params, everyone=False)

    def list_all(self, req: Request, params: dict[str, str]) -> Response:
        """GET notebooks/all: every user's, for an admin (403 ModelArts.0108 otherwise); ``owner`` filters."""
        if not self.ctx.config.admin:
            raise Forbidden("ModelArts.0108", "You are not authorized to list the notebooks of other users.")
        return self._list(req, params, everyone=True)

    def _owner(self, rec: InstanceRecord) -> str:
        return rec.owner or self.ctx.user_name

    def _list(self, req: Request, params: dict[str, str], everyone: bool) -> Response:
        """limit 1–50 (default 10), offset, status, name (fuzzy), sort_dir, sort_key, tags; ``owner``
        (``everyone`` only). The records are filtered and sorted in place under the store's lock and
        only the page is copied and shown."""
        offset, limit = page_params(req)
        status = req.param("status")
        if status and status not in NB_STATUSES:
            raise Invalid("ModelArts.0101", f"Invalid parameter status: {status}.")
        sort_dir = (req.param("sort_dir") or "DESC").upper()
        if sort_dir not in ("ASC", "DESC"):
            raise Invalid("ModelArts.0101", f"Invalid parameter sort_dir: {req.param('sort_dir')}.")
        keys = [k.strip() for k in (req.param("sort_key") or "create_at").split(",") if k.strip()]
        bad = [k for k in keys if k not in _SORT_KEYS]
        if bad:
            raise Invalid("ModelArts.0101", f"Invalid parameter sort_key: {bad[0]}.")
        name = (req.param("name") or "").lower()
        wanted_tags = tag_filter(req.param("tags"))
        owner = req.param("owner") if everyone else None
        notebooks = (req.param("feature") or "NOTEBOOK").upper() == "NOTEBOOK"
        getters = [_SORT_KEYS[k] for k in keys]

        def pick(records: list[InstanceRecord]) -> tuple[list[InstanceRecord], int]:
            if not notebooks:
                records = []
            if owner:
                records = [r for r in records if owner in (self._owner(r), stable_id("user", self._owner(r)))]
            if status:
                records = [r for r in records if nb_status(r.status) == status]
            if name:
                records = [r for r in records if name in r.name.lower()]
            if wanted_tags:
                records = [r for r in records if all(_has_tag(r, k, v) for k, v in wanted_tags)]
            records.sort(key=_sort_key(getters), reverse=sort_dir == "DESC")
            return page_of(records, offset, limit), len(records)

        space = self.ctx.space(params)
        page, total = space.store.select(
            req.now, pick, lambda r: nb_view(r, req.now, self.ctx, space.images), everyone=everyone
        )
        return json_response(paged(page, offset, limit, total))

    def show(self, req: Request, params: dict[str, str]) -> Response:
        """GET one notebook."""
        rec = self.ctx.space(params).store.read(params["instance_id"], req.now)
        return json_response(nb_view(rec, req.now, self.ctx, self.ctx.space(params).images))

    def start(self, req: Request, params: dict[str, str]) -> Response:
        """POST start (no body): optional query ``duration`` (ms; -1 = no auto-stop) and ``type``."""
        _lease_type(req.param("type"))
        raw = req.param("duration")
        lease_s: float | None = None
        if raw not in (None, ""):
            lease_s = 0.0 if raw == "-1" else lease_ms(raw) / 1000
        rec = self.ctx.space(params).store.read(params["instance_id"], req.now)
        failure = check_can_run(self.ctx, rec.flavor, req.now) if rec.status in _STARTABLE else None
        self.ctx.space(params).store.action(params["instance_id"], "start", req.now, lease_s, failure)
        return self.show(req, params)

    def stop(self, req: Request, params: dict[str, str]) -> Response:
        """POST stop (no body)."""
        self.ctx.space(params).store.action(params["instance_id"], "stop", req.now)
        return self.show(req, params)

    def get_lease(self, req: Request, params: dict[str, str]) -> Response:
        """GET lease."""
        rec = self.ctx.space(params).store.read(params["instance_id"], req.now)
        return json_response(lease_view(rec))

    def renew_lease(self, req: Request, params: dict[str, str]) -> Response:
        """PATCH lease: restart the lease from now; query ``duration`` wins over the body."""
        body = req.json_object()
        _lease_type(body.get("type"))
        raw = req.param("duration")
        duration = lease_ms(raw) if raw not in (None, "") else lease_ms(body.get("duration"))
        rec = self.ctx.space(params).store.renew_lease(params["instance_id"], req.now, duration / 1000)
        return json_response(lease_view(rec))
