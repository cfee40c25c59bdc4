"""What may be sent again, and after how long: the one retry policy of the client.

GETs are resent by ``HttpSession.call`` (``Limits.get_retries`` times); an action is resent only
by ``ModelArtsClient`` after a fresh read showed it did not happen, and only after a 429 (the
gateway passed nothing on), at most ``Limits.action_sends`` POSTs in all.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime

from tui.core.errors import ApiError, ConnectionDroppedError, ModelArtsError, ResponseError, ThrottledError

RETRY_STATUSES = frozenset({429, 502, 503, 504})
RETRY_AFTER_CAP_S = 30.0
BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 8.0


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - now)


def retryable(error: ModelArtsError) -> bool:
    """True for what a GET may safely send again: throttling, 502/503/504, a dropped connection."""
    if isinstance(error, ConnectionDroppedError | ThrottledError):
        return True
    status = getattr(error, "status", None)
    return isinstance(error, ApiError | ResponseError) and status in RETRY_STATUSES


def backoff_delay(attempt: int, error: ModelArtsError) -> float:
    """Seconds before attempt ``attempt + 1``: Retry-After when given (capped), else exponential."""
    retry_after = getattr(error, "retry_after", None)
    if isinstance(retry_after, (int, float)):
        return min(float(retry_after), RETRY_AFTER_CAP_S)
    return min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** (attempt - 1))
