"""TLS and proxies over real sockets: verification on by default, a per-profile CA bundle, the
``insecure`` escape hatch with a persistent warning, and HTTP(S)_PROXY / NO_PROXY from the environment.

The emulator speaks plain HTTP; a small TLS front (asyncio, a self-signed certificate made with the
``openssl`` command) forwards bytes to it, so signatures are checked end to end through TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import ssl
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tui.config.model import Profile
from tui.core.errors import ConnectError, TLSError, ValidationError
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig
from tui.service import InstanceService
from tui.service.factory import build_client, tls_warnings

PROXY_VARS = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
)


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    """The emulator on the real clock, like the service here (no ManualClock skew)."""
    return EmulatorConfig()


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)


def _make_cert(folder: Path, name: str) -> tuple[Path, Path]:
    cert, key = folder / f"{name}.pem", folder / f"{name}-key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Path, Path]]]:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    folder = tmp_path_factory.mktemp("tls")
    yield {"server": _make_cert(folder, "server"), "other": _make_cert(folder, "other")}


@contextlib.asynccontextmanager
async def tls_front(emu: Emulator, cert: Path, key: Path) -> AsyncIterator[str]:
    """``https://127.0.0.1:PORT`` forwarding every connection to the emulator's plain port."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    host, port = emu.url.removeprefix("http://").rsplit(":", 1)

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (OSError, ssl.SSLError):
            pass
        finally:
            with contextlib.suppress(OSError, ssl.SSLError, RuntimeError):
                writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context)
    try:
        yield f"https://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
        await server.wait_closed()


def profile(url: str, name: str = "tls", **changes: Any) -> Profile:
    base = Profile(
        name=name,
        project_id=DEMO_PROJECT_ID,
        endpoint=url,
        iam_endpoint=url,
        auth="aksk",
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
    )
    return replace(base, **changes)


async def _refresh(p: Profile) -> tuple[Any, InstanceService]:
    svc = InstanceService([p])
    try:
        (status,) = (await svc.refresh()).profiles
    finally:
        await svc.aclose()
    return status, svc


# --- TLS ------------------------------------------------------------------------------------------
async def test_certificates_are_verified_by_default(emulator: Emulator, certs: dict[str, Any]) -> None:
    async with tls_front(emulator, *certs["server"]) as url:
        status, _ = await _refresh(profile(url))
    error = status.error
    assert isinstance(error, TLSError), error
    host = url.removeprefix("https://")
    assert error.endpoint == f"{host}/v1/{DEMO_PROJECT_ID}/demanager/instances"
    assert host in str(error) and "CERTIFICATE_VERIFY_FAILED" in str(error)
    assert "certificate" in error.meaning and "ca_bundle" in error.hint
    assert emulator.requests == [], "nothing got past the refused handshake"


async def test_a_profile_ca_bundle_is_trusted(emulator: Emulator, certs: dict[str, Any]) -> None:
    cert, _ = certs["server"]
    async with tls_front(emulator, *certs["server"]) as url:
        status, _ = await _refresh(profile(url, ca_bundle=str(cert)))
    assert status.ok and status.count == 12, status.error
    assert status.warning is None
    assert len(emulator.requests) == 1 and emulator.requests[0].status == 200  # signature checked through TLS


async def test_another_ca_bundle_does_not_trust_the_server(emulator: Emulator, certs: dict[str, Any]) -> None:
    other, _ = certs["other"]
    async with tls_front(emulator, *certs["server"]) as url:
        status, _ = await _refresh(profile(url, ca_bundle=str(other)))
    assert isinstance(status.error, TLSError)


async def test_ssl_cert_file_from_the_environment_is_honoured(
    emulator: Emulator, certs: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, _ = certs["server"]
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    async with tls_front(emulator, *certs["server"]) as url:
        status, _ = await _refresh(profile(url))
    assert status.ok, status.error


async def test_a_missing_ca_bundle_is_refused_before_any_request(emulator: Emulator, tmp_path: Path) -> None:
    status, _ = await _refresh(
        profile(emulator.url.replace("http:", "https:"), ca_bundle=str(tmp_path / "no.pem"))
    )
    assert isinstance(status.error, ValidationError) and status.error.field == "ca_bundle"
    assert "no.pem" in str(status.error)
    assert emulator.requests == []


async def test_insecure_works_and_warns_naming_the_profile(emulator: Emulator, certs: dict[str, Any]) -> None:
    lab = profile("https://placeholder", name="lab-box", insecure=True)
    (warning,) = tls_warnings(lab)
    assert "'lab-box'" in warning and "TLS certificate checks are OFF" in warning and "ca_bundle" in warning
    async with tls_front(emulator, *certs["server"]) as url:
        p = replace(lab, endpoint=url, iam_endpoint=url)
        svc = InstanceService([p])
        try:
            before = svc.profile_warnings("lab-box")  # shown from the start, before any refresh
            (status,) = (await svc.refresh()).profiles
        finally:
            await svc.aclose()
    assert before == (warning,)
    assert status.ok and status.count == 12
    assert status.warning is not None and "'lab-box'" in status.warning and "OFF" in status.warning


def test_plain_http_to_another_host_warns_but_loopback_does_not() -> None:
    remote = profile("http://modelarts.example.com", name="plain")
    assert any("plain http://" in w and "'plain'" in w for w in tls_warnings(remote))
    assert tls_warnings(profile("http://127.0.0.1:8080")) == ()
    assert tls_warnings(profile("http://localhost:8080")) == ()
    assert tls_warnings(profile("https://modelarts.eu-de.otc.t-systems.com")) == ()


def test_the_client_verifies_unless_told_otherwise(certs: dict[str, Any]) -> None:
    """What the factory hands httpx: verification on, a CA bundle as a context, off only when insecure."""
    cert, _ = certs["server"]
    calls = []
    for p in (
        profile("https://h.example"),
        profile("https://h.example", ca_bundle=str(cert)),
        profile("https://h.example", insecure=True),
    ):
        client = build_client(p)
        # httpx exposes the context only on its private pool; what is checked is what httpx will use
        calls.append(client._session._http._transport._pool._ssl_context)  # type: ignore[attr-defined]
    default, bundle, insecure = calls
    assert default.verify_mode is ssl.CERT_REQUIRED and default.check_hostname
    assert bundle.verify_mode is ssl.CERT_REQUIRED and bundle.check_hostname
    assert insecure.verify_mode is ssl.CERT_NONE and not insecure.check_hostname


# --- proxies --------------------------------------------------------------------------------------
class ProxyStub:
    """A loopback HTTP proxy that records each request line and answers it itself."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            writer.close()
            return
        first = head.split(b"\r\n", 1)[0].decode("latin-1")
        self.lines.append(first)
        if first.startswith("CONNECT "):
            writer.write(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        else:
            body = b'{"instances":[],"total_count":0}'
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
            )
        with contextlib.suppress(OSError):
            await writer.drain()
        writer.close()


@pytest.fixture
async def proxy() -> AsyncIterator[ProxyStub]:
    stub = ProxyStub()
    stub.server = await asyncio.start_server(stub.handle, "127.0.0.1", 0)
    yield stub
    stub.server.close()
    await stub.server.wait_closed()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY"])
async def test_http_proxy_gets_the_absolute_uri_request(
    emulator: Emulator, proxy: ProxyStub, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, proxy.url)
    status, _ = await _refresh(profile(emulator.url))
    assert status.ok and status.count == 0, status.error  # the stub's answer, not the emulator's
    (line,) = proxy.lines
    assert line.startswith(f"GET {emulator.url}/v1/{DEMO_PROJECT_ID}/demanager/instances?") and line.endswith(
        "HTTP/1.1"
    )
    assert emulator.requests == []


async def test_https_proxy_gets_a_connect(proxy: ProxyStub, monkeypatch: pytest.MonkeyPatch) -> None:
    port = _closed_port()
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    status, _ = await _refresh(profile(f"https://127.0.0.1:{port}"))
    assert proxy.lines == [f"CONNECT 127.0.0.1:{port} HTTP/1.1"]
    assert isinstance(status.error, ConnectError) and "proxy" in status.error.meaning


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "localhost,127.0.0.1", "*"])
async def test_no_proxy_bypasses_the_proxy(
    emulator: Emulator, proxy: ProxyStub, monkeypatch: pytest.MonkeyPatch, no_proxy: str
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", no_proxy)
    status, _ = await _refresh(profile(emulator.url))
    assert status.ok and status.count == 12
    assert proxy.lines == [] and len(emulator.requests) == 1
