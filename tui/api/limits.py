"""What one request may cost: the size of its decoded body and its total time.

A server that answers with a gzip bomb (1 MB that unpacks to 1 GB), an endless chunked body,
or one byte at a time (each read within the timeout) must not take memory or time without end.
``HttpSession`` reads every body through ``read_capped`` and runs every request, auth flow and
whole body included, under ``Runtime.limits.deadline_s`` (both set per profile).
"""

from __future__ import annotations

import httpx

from tui.core.errors import ResponseError
from tui.core.limits import MIB as MIB  # re-exported


async def read_capped(response: httpx.Response, cap: int) -> bool:
    """Read the body up to ``cap`` decoded bytes; False, the rest unread and the stream closed, past it.

    httpx decodes each network chunk (at most 64 KB) at once, so the peak stays near ``cap``
    plus one chunk's expansion, whatever the compression ratio.
    """
    if response.is_stream_consumed:  # built with its content (unit tests' MockTransport)
        return len(response.content) <= cap
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > cap:
            await response.aclose()
            return False
    response._content = bytes(body)  # what ``aread`` sets, read within the cap
    return True


def too_large(response: httpx.Response, cap: int, endpoint: str) -> ResponseError:
    """The error for an answer past the cap."""
    size = f"{cap / MIB:g} MB" if cap >= MIB else f"{cap:,} bytes"
    return ResponseError(
        f"{endpoint}: the answer is larger than {size} (max_answer_mb); stopped reading it",
        status=response.status_code,
        endpoint=endpoint,
    )
