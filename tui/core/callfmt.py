"""Plain-text rendering of call records, shared by the CLI's ``-v``, the log panel and the log file."""

from __future__ import annotations

import time

from tui.core.error_codes import describe
from tui.core.models import ApiCall
from tui.core.untrusted import visible


def format_call(call: ApiCall, *, with_time: bool = True) -> str:
    """``12:00:01 GET /v1/…/instances 200 35ms [code] req=…`` on one line."""
    parts: list[str] = []
    if with_time:
        parts.append(time.strftime("%H:%M:%S", time.localtime(call.at)))
    parts += [call.method, call.path, str(call.status) if call.status is not None else "---"]
    parts.append(f"{call.latency_ms:.0f}ms")
    if call.error_code:
        parts.append(call.error_code)
    if call.message and not call.ok:
        parts.append(call.message)
    if call.request_id:
        parts.append(f"req={call.request_id}")
    if call.attempt > 1:
        parts.append(f"attempt={call.attempt}")
    return visible(" ".join(parts))  # one line, whatever a record holds


NO_ANSWER = (
    "No whole answer arrived (refused, timed out or dropped). "
    "Retry; refresh (r) before repeating a start or stop."
)
UNREADABLE = (
    "The answer was not the API's JSON (a login or proxy page, or a cut-off body). "
    "Retry; check the endpoint and any proxy if it persists."
)


def explain_call(call: ApiCall) -> str | None:
    """``meaning hint`` for a failed call, or None for a success.

    A call without an HTTP status (no answer) or with an unreadable body has no error code: it
    gets a fixed explanation instead of the catalogue's "unknown".
    """
    if call.ok:
        return None
    if call.status is None:
        return NO_ANSWER
    if call.unreadable:
        return UNREADABLE
    info = describe(call.error_code, call.status)
    return f"{info.meaning} {info.hint}"
