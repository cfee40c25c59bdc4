"""How a request failed, in our terms: httpx exceptions to typed errors, unreadable answers.

What is resent: ``tui.api.retry``; certificate settings: ``tui.api.tls``."""

from __future__ import annotations

import ssl
from collections.abc import Iterable

import httpx

from tui.api.body import summarize_body
from tui.api.redact import redact
from tui.core.errors import (
    ConnectError,
    ConnectionDroppedError,
    RequestTimeoutError,
    TLSError,
    TransportError,
)

_JSON_STARTS = frozenset(bytes([c]) for c in b'{["-0123456789tfn')
_BLANK = frozenset(b" \t\r\n")
SIGNATURE_REFUSALS = frozenset({"0301", "0303"})
"""Gateway codes (APIGW./APIG.) of a refused signature: the clock may be why."""


def unreadable_reason(response: httpx.Response) -> str | None:
    """Why a 1xx-3xx answer is not usable (a redirect, a body that is not JSON), or None."""
    status = response.status_code
    if 300 <= status < 400:
        return f"unexpected redirect (HTTP {status}) to {response.headers.get('Location') or '?'}"
    # A look at both ends, not a parse: big lists are decoded once, later, in ``send``. It catches
    # HTML pages and cut-off JSON; ``send`` still raises ResponseError for anything else.
    content = response.content
    start, end = (3 if content.startswith(b"\xef\xbb\xbf") else 0), len(content)  # json.loads takes a BOM
    while start < end and content[start] in _BLANK:  # no copy of a big body, as .strip() would make
        start += 1
    while end > start and content[end - 1] in _BLANK:
        end -= 1
    if start == end:
        return None
    first, last = content[start : start + 1], content[end - 1 : end]
    if first not in _JSON_STARTS or (first in b"{[" and last not in b"}]"):
        return f"answer is not JSON ({summarize_body(content) or 'empty'})"
    return None


def chain(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def request_of(exc: BaseException) -> httpx.Request | None:
    if isinstance(exc, httpx.RequestError):
        try:
            return exc.request
        except RuntimeError:
            return None
    return None


def endpoint_of(request: httpx.Request) -> str:
    """``host[:port]/path``: how messages name where a request went (no query, no secrets)."""
    return request.url.netloc.decode("ascii", "replace") + request.url.path


def transport_error(
    exc: BaseException, endpoint: str, timeout: float, secrets: Iterable[str] = ()
) -> TransportError:
    """The typed error for an exception raised while no whole HTTP answer arrived."""
    detail = redact(str(exc) or type(exc).__name__, secrets)
    if any(isinstance(e, ssl.SSLError) for e in chain(exc)) or "CERTIFICATE_VERIFY_FAILED" in detail:
        return TLSError(f"TLS failure talking to {endpoint}: {detail}", endpoint=endpoint)
    if isinstance(exc, (httpx.TimeoutException, TimeoutError)):
        phase = "connection" if isinstance(exc, httpx.ConnectTimeout) else "answer"
        return RequestTimeoutError(f"no {phase} from {endpoint} within {timeout:g}s", endpoint=endpoint)
    if isinstance(
        exc,
        (
            httpx.RemoteProtocolError,
            httpx.ReadError,
            httpx.WriteError,
            ConnectionResetError,
            BrokenPipeError,
            ConnectionAbortedError,
        ),
    ):
        return ConnectionDroppedError(
            f"connection to {endpoint} dropped before a whole answer arrived: {detail}", endpoint=endpoint
        )
    if isinstance(exc, (httpx.ConnectError, httpx.ProxyError, ConnectionRefusedError, OSError)):
        return ConnectError(f"cannot connect to {endpoint}: {detail}", endpoint=endpoint)
    if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return ConnectError(f"cannot send to {endpoint}: {detail}", endpoint=endpoint)
    return TransportError(f"request to {endpoint} failed: {detail}", endpoint=endpoint)
