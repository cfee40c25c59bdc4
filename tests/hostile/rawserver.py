"""A hostile HTTP server on a real socket (127.0.0.1, port 0): each test writes the bytes it answers.

``RawServer(answer)`` calls ``answer(request, sock)`` for every request that arrives;
``request`` is the head and body as bytes, ``sock`` the connection to write whatever it likes to
(a forged header, a gzip bomb, one byte every so often). Connections are closed after each answer.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

Answer = Callable[["RawRequest", socket.socket], None]


@dataclass
class RawRequest:
    """What the client sent: the request line, the headers (lower-case names) and the body."""

    line: str
    headers: dict[str, str]
    body: bytes

    @property
    def method(self) -> str:
        return self.line.split(" ", 1)[0]

    @property
    def path(self) -> str:
        return self.line.split(" ")[1]


def http_answer(
    status: int, body: bytes, headers: list[tuple[bytes, bytes]] | None = None, reason: bytes = b"OK"
) -> bytes:
    """The bytes of a whole HTTP/1.1 answer with a Content-Length (headers as raw bytes)."""
    head = [b"HTTP/1.1 %d %s" % (status, reason), b"Content-Length: %d" % len(body), b"Connection: close"]
    names = {name.lower() for name, _ in headers or []}
    if b"content-type" not in names:
        head.append(b"Content-Type: application/json")
    head += [name + b": " + value for name, value in headers or []]
    return b"\r\n".join(head) + b"\r\n\r\n" + body


@dataclass
class RawServer:
    """A threaded TCP server that hands every request to ``answer``; a context manager."""

    answer: Answer
    requests: list[RawRequest] = field(default_factory=list)
    bytes_sent: int = 0

    def __post_init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def __enter__(self) -> RawServer:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        with self._lock:
            for conn in self._conns:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(timeout=5)
        self._sock.close()

    @property
    def stopping(self) -> threading.Event:
        """Set when the test is done: a dripping answer should end."""
        return self._stop

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self._conns.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            try:
                request = _read_request(conn)
                if request is None:
                    return
                self.requests.append(request)
                self.answer(request, conn)
            except OSError:
                return

    def send(self, conn: socket.socket, data: bytes) -> None:
        """``conn.sendall`` that counts the bytes (for the README's figures)."""
        conn.sendall(data)
        self.bytes_sent += len(data)


def _read_request(conn: socket.socket) -> RawRequest | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return RawRequest(lines[0], headers, body)
