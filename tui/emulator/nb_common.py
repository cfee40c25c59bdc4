"""What every notebooks-family route shares: the error wrapper, paging and the page envelope.

Errors use ``{"error_code", "error_msg"}``; a missing notebook is HTTP 400 ModelArts.6404.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from tui.api.constants import NB_MAX_LIMIT
from tui.emulator.record import V1_PREFIX, Conflict, NotFound
from tui.emulator.routes_v1 import Invalid, int_param
from tui.emulator.wire import Principal, Request, Response, nb_error

NOT_FOUND = ("ModelArts.6404", "The notebook does not exist.")
NbHandler = Callable[[Request, dict[str, str]], Response]


class Forbidden(Exception):
    """The account may not do this: HTTP 403 with ``code``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def nb_handler(handler: NbHandler) -> Callable[[Request, dict[str, str], Principal | None], Response]:
    """Run ``handler``, turning Invalid/Conflict (400), Forbidden (403) and NotFound (6404) into errors."""

    def run(req: Request, params: dict[str, str], principal: Principal | None) -> Response:
        # The notebooks family knows only bare UUIDs: a DE- id is simply not found.
        if params.get("instance_id", "").startswith(V1_PREFIX):
            return nb_error(*NOT_FOUND)
        try:
            return handler(req, params)
        except (Invalid, Conflict) as error:
            return nb_error(error.code, error.message)
        except Forbidden as error:
            return nb_error(error.code, error.message, 403)
        except NotFound:
            return nb_error(*NOT_FOUND)

    return run


def page_params(req: Request, default_limit: int = 10) -> tuple[int, int]:
    """(offset, limit) with limit 0..50 (0 = all, where the default allows it)."""
    limit = int_param(req, "limit", default_limit)
    if limit > NB_MAX_LIMIT or (limit == 0 and default_limit != 0):
        raise Invalid("ModelArts.0101", f"Invalid parameter limit: must be between 1 and {NB_MAX_LIMIT}.")
    return int_param(req, "offset", 0), limit


def envelope(items: list[Any], offset: int, limit: int) -> dict[str, Any]:
    """The notebooks family's page: ``{current, data, pages, size, total}`` (limit 0: everything)."""
    return paged(page_of(items, offset, limit), offset, limit, len(items))


def page_of(items: list[Any], offset: int, limit: int) -> list[Any]:
    """The items of one page (limit 0: from ``offset`` to the end)."""
    return items[offset : offset + limit] if limit else items[offset:]


def paged(page: list[Any], offset: int, limit: int, total: int) -> dict[str, Any]:
    """The envelope of one page already cut out of ``total`` items."""
    size = limit or total
    return {
        "current": offset // size if size else 0,
        "data": page,
        "pages": math.ceil(total / size) if size else 0,
        "size": size,
        "total": total,
    }
