"""Flavors of the notebooks family: ``GET /notebooks/flavors`` and a notebook's switchable list.

A flavor is sold out when the catalog says so or a capacity knob (``--sold-out``) holds; the
list shows it with ``sold_out: true``. Switchable flavors (section 11.4) are those the notebook's
image can run (same arch, category in its ``resource_categories``), other than its own.
"""

from __future__ import annotations

from typing import Any

from tui.emulator.catalog_nb import NB_FLAVORS, NbFlavor
from tui.emulator.context import AppContext
from tui.emulator.nb_common import envelope, nb_handler, page_params
from tui.emulator.offers import sold_out, switchable
from tui.emulator.routes_v1 import Invalid
from tui.emulator.wire import FAMILY_NB, Request, Response, Route, json_response, route

NB_FLAVORS_PATH = "/v1/{project_id}/notebooks/flavors"
NB_SWITCHABLE = "/v1/{project_id}/notebooks/{instance_id}/flavors"
CATEGORIES = ("CPU", "GPU", "ASCEND")


class FlavorsApi:
    """Handlers of the flavor lists."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def routes(self) -> list[Route]:
        """The flavor routes (before ``/notebooks/{id}``, which would match ``flavors`` too)."""
        return [
            route("GET", NB_FLAVORS_PATH, nb_handler(self.list), FAMILY_NB),
            route("GET", NB_SWITCHABLE, nb_handler(self.switchable), FAMILY_NB),
        ]

    def _json(self, flavors: list[NbFlavor], now: float) -> list[dict[str, Any]]:
        return [f.json(sold_out(self.ctx, f.id, now)) for f in flavors]

    def list(self, req: Request, params: dict[str, str]) -> Response:
        """GET flavors: ``category`` (CPU/GPU/ASCEND), ``type`` (MANAGED; DEDICATED pools: none here)."""
        category = (req.param("category") or "").upper()
        if category and category not in CATEGORIES:
            raise Invalid("ModelArts.0101", f"Invalid parameter category: {req.param('category')}.")
        kind = (req.param("type") or "MANAGED").upper()
        if kind not in ("MANAGED", "DEDICATED"):
            raise Invalid("ModelArts.0101", f"Invalid parameter type: {req.param('type')}.")
        offset, limit = page_params(req, default_limit=0)
        flavors = [f for f in NB_FLAVORS.values() if not category or f.category == category]
        if kind == "DEDICATED":
            flavors = []
        return json_response(envelope(self._json(flavors, req.now), offset, limit))

    def switchable(self, req: Request, params: dict[str, str]) -> Response:
        """GET a notebook's switchable flavors (same shape as the list)."""
        rec = self.ctx.space(params).store.read(params["instance_id"], req.now)
        offset, limit = page_params(req, default_limit=0)
        return json_response(
            envelope(self._json(switchable(self.ctx.space(params).images, rec), req.now), offset, limit)
        )
