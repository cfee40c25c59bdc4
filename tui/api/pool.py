"""One bounded connection pool per endpoint host, shared by every profile on that host.

A profile costs a few objects, not a connection pool of its own: building an httpx client with
its own transport loads the CA store (about a megabyte and tens of milliseconds of CPU each),
which 1,000 profiles on one endpoint paid 1,000 times. Here every profile whose endpoint has the
same origin (scheme, host, port) and the same certificate settings borrows one
``httpx.AsyncHTTPTransport`` limited to ``per_host`` connections, and takes a slot of the
origin's semaphore for each refresh, so no host ever sees more than ``per_host`` at once.

httpx honours ``HTTP(S)_PROXY``/``ALL_PROXY``/``NO_PROXY`` only for a client that builds its
own transport, so while one of them is set every client does (the slots still bound each host).
"""

from __future__ import annotations

import asyncio
import threading
from urllib.parse import urlsplit
from urllib.request import getproxies

import httpx

from tui.api.runtime import BorrowedTransport, Transport
from tui.api.tls import ssl_verify


def origin_of(url: str) -> str:
    """``scheme://host:port`` of an endpoint (the pool's key); the text itself when it has none."""
    try:
        parts = urlsplit((url or "").strip())  # "http://[::1" fails here already
        port = parts.port
    except ValueError:
        return url
    if not parts.hostname:
        return url
    port = port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{parts.hostname.lower()}:{port}"


class HostPools:
    """The pools and the slots of every endpoint host, for one service (closed with it)."""

    def __init__(self, per_host: int) -> None:
        self.per_host = max(1, int(per_host))
        self._transports: dict[tuple[str, str], httpx.AsyncHTTPTransport] = {}
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._pages: dict[str, asyncio.Semaphore] = {}
        self._lock = threading.Lock()  # clients are built in threads (a ``*_command`` may be slow)

    def slot(self, url: str) -> asyncio.Semaphore:
        """The semaphore of ``url``'s host: ``per_host`` holders at once."""
        key = origin_of(url)
        found = self._slots.get(key)
        if found is None:
            found = self._slots[key] = asyncio.Semaphore(self.per_host)
        return found

    def pages(self, url: str, bound: int) -> asyncio.Semaphore:
        """The list pages in flight at once to ``url``'s host, all its listings together (``bound``,
        set by the first to ask: what a listing leaves of the pool to a start or a read)."""
        key = origin_of(url)
        found = self._pages.get(key)
        if found is None:
            found = self._pages[key] = asyncio.Semaphore(max(1, bound))
        return found

    def transport_for(self, url: str, verify: bool | str) -> Transport | None:
        """The shared transport for ``url``'s host and these certificate settings (borrowed);
        None while a proxy is set in the environment (the client then builds its own)."""
        if getproxies():
            return None
        key = (origin_of(url), repr(verify))
        with self._lock:
            found = self._transports.get(key)
            if found is None:
                limits = httpx.Limits(max_connections=self.per_host, max_keepalive_connections=self.per_host)
                found = httpx.AsyncHTTPTransport(verify=ssl_verify(verify), limits=limits)
                self._transports[key] = found
        return BorrowedTransport(found)

    @property
    def pools(self) -> int:
        """How many connection pools are open (one per host and certificate setting)."""
        return len(self._transports)

    async def aclose(self) -> None:
        transports, self._transports = list(self._transports.values()), {}
        for transport in transports:
            await transport.aclose()
