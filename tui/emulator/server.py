"""The emulator on a real loopback socket: ``ThreadingHTTPServer`` in a daemon thread.

with Emulator(EmulatorConfig(clock=ManualClock())) as emu:
    emu.url        # http://127.0.0.1:PORT (ModelArts and IAM)
    emu.store      # instances
    emu.requests   # RecordedRequest per request, in arrival order
    emu.faults     # knobs read on every request
"""

from __future__ import annotations

import contextlib
import email.utils
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from tui.emulator.app import App
from tui.emulator.auth import Authenticator, TokenStore
from tui.emulator.capacity import Capacity
from tui.emulator.config import DEMO_USER, EmulatorConfig
from tui.emulator.context import AppContext
from tui.emulator.faults import FaultInjector, Faults
from tui.emulator.projects import build_spaces
from tui.emulator.routes_flavors import FlavorsApi
from tui.emulator.routes_iam import IamApi
from tui.emulator.routes_images import ImagesApi
from tui.emulator.routes_notebooks import NotebooksApi
from tui.emulator.routes_notebooks_lifecycle import LifecycleApi
from tui.emulator.routes_tags import TagsApi
from tui.emulator.routes_v1 import V1Api
from tui.emulator.wire import Request, Response, gateway_error


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request the emulator answered. ``headers`` keys are lower-case; ``at`` is emulator time."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    status: int
    at: float
    request_id: str = ""
    error_code: str | None = None


def _utf8(value: str) -> str:
    """http.server decodes header bytes as latin-1: get the UTF-8 text back."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes: no 40 ms delayed-ACK stall
    timeout = 30
    server: _Server

    def version_string(self) -> str:
        return "api-gateway"

    def date_time_string(self, timestamp: float | None = None) -> str:
        when = self.server.emulator.clock() if timestamp is None else timestamp
        return email.utils.formatdate(when, usegmt=True)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        return

    def _read_body(self) -> bytes | None:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            size = int(length)
        except ValueError:
            return None
        return self.rfile.read(size) if size > 0 else b""

    def _dispatch(self) -> None:
        emulator = self.server.emulator
        request_id = uuid.uuid4().hex
        path, _, query = self.path.partition("?")
        try:
            body = self._read_body()
        except ValueError:
            body = None
        headers = [(name, _utf8(value)) for name, value in self.headers.items()]
        if body is None:
            self.close_connection = True
            response, drop = gateway_error(400, "APIGW.0201", "Bad request body framing", request_id), False
        else:
            req = Request(self.command, path, query, headers, body, request_id, emulator.clock())
            outcome = emulator.app.handle(req)
            response, drop = outcome.response, outcome.drop
        emulator.record(
            RecordedRequest(
                self.command,
                path,
                query,
                {k.lower(): v for k, v in headers},
                body or b"",
                response.status,
                emulator.clock(),
                request_id,
                response.error_code,
            )
        )
        self._send(response, request_id, drop)

    def _send(self, response: Response, request_id: str, drop: bool) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("X-Request-Id", request_id)
            for name, value in response.headers:
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if drop:
                self.wfile.write(response.body[: len(response.body) // 2])
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.wfile.write(response.body)
        except OSError:
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _dispatch


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # socketserver's 5 drops the SYNs of 20 pages at once: a 1 s retransmit each

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
        self.emulator = emulator
        self._open: set[socket.socket] = set()
        self._conn_threads: set[threading.Thread] = set()  # type: ignore[assignment]
        self._guard = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(
            target=self._serve_connection, args=(request, client_address), daemon=True, name="emulator-conn"
        )
        with self._guard:
            self._open.add(request)
            self._conn_threads.add(thread)
        thread.start()

    def _serve_connection(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            with self._guard:
                self._open.discard(request)
                self._conn_threads.discard(threading.current_thread())

    def handle_error(self, request: Any, client_address: Any) -> None:
        return  # a client that went away is not the emulator's problem

    def close_connections(self, timeout: float = 2.0) -> None:
        """Cut every open connection and wait for the connection threads to end."""
        with self._guard:
            sockets, threads = list(self._open), list(self._conn_threads)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(timeout)


class Emulator:
    """A faithful ModelArts + IAM emulator on a real socket; a context manager that starts and stops it."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config = config if config is not None else EmulatorConfig()
        self.clock = config.clock or time.time
        self.projects = build_spaces(config, self.clock)
        primary = next(iter(self.projects.values()))
        self.store, self.images = primary.store, primary.images
        self.capacity = Capacity(self.clock)
        for flavor, seconds in config.sold_out.items():
            self.capacity.sell_out(flavor, seconds)
        for flavor, seconds in config.short.items():
            self.capacity.make_short(flavor, seconds)
        self.faults = Faults(
            latency_ms=config.latency_ms, fail_rate=config.fail_rate, throttle_rps=config.throttle_rps
        )
        self.requests: list[RecordedRequest] = []
        self._requests_lock = threading.Lock()
        self.tokens = TokenStore(self.clock)
        self.context = AppContext(
            config,
            self.clock,
            self.store,
            self.tokens,
            lambda: self.url,
            self.images,
            self.capacity,
            self.projects,
        )
        if config.token:
            self.tokens.add_static(
                config.token, primary.id, primary.name, self.context.user_name, self.context.domain_name
            )
        self.authenticator = Authenticator(
            {config.ak: config.sk}, self.tokens, self.context.user_name or DEMO_USER
        )
        self._stopping = threading.Event()
        apis = (V1Api, FlavorsApi, TagsApi, NotebooksApi, LifecycleApi, ImagesApi, IamApi)
        routes = [r for api in apis for r in api(self.context).routes()]  # fixed paths before {id}
        self.app = App(
            self.context, routes, self.authenticator, FaultInjector(self.faults, config.seed), self._stopping
        )
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://HOST:PORT`` of the running server (ModelArts and IAM)."""
        if self._server is None:
            raise RuntimeError("the emulator is not running")
        host, port = self._server.server_address[:2]
        host = str(host)
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def start(self) -> Emulator:
        """Bind and serve in a daemon thread; returns self."""
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server((self.config.host, self.config.port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True, name="emulator"
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, cut open connections and join the threads."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if thread is not None:
            thread.join(5)
        self._server = self._thread = None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def record(self, entry: RecordedRequest) -> None:
        """Append to ``requests`` (thread-safe)."""
        with self._requests_lock:
            self.requests.append(entry)

    def issue_token(self, project_id: str | None = None, ttl_s: float | None = None) -> str:
        """A valid X-Auth-Token for ``project_id`` (default: the primary project), as if issued by IAM now."""
        cfg = self.config
        pid = project_id or self.context.primary.id
        space = self.projects.get(pid)
        info = self.tokens.issue(
            project_id=pid,
            project_name=space.name if space is not None else self.context.primary.name,
            user=self.context.user_name,
            domain=self.context.domain_name,
            ttl_s=cfg.token_ttl_s if ttl_s is None else ttl_s,
        )
        return info.token
