"""Faults over real sockets: throttling, dropped answers, garbage bodies, timeouts, refusals, TLS."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import pytest

from tui.api.auth import AkSkAuth
from tui.api.client import ModelArtsClient
from tui.core.errors import (
    ConnectError,
    RequestTimeoutError,
    ResponseError,
    ThrottledError,
    TLSError,
)
from tui.core.models import ApiCall
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, ManualClock

PID = DEMO_PROJECT_ID


class Rig:
    """A client on the emulator with its records and (instant) sleeps collected."""

    def __init__(self, emu: Emulator, clock: ManualClock, url: str | None = None, **kwargs: Any) -> None:
        self.calls: list[ApiCall] = []
        self.sleeps: list[float] = []

        async def sleep(seconds: float) -> None:
            self.sleeps.append(seconds)

        auth = AkSkAuth(DEMO_AK, Secret(DEMO_SK), project_id=PID, clock=clock)
        self.client = ModelArtsClient(
            url or emu.url, PID, auth, on_call=self.calls.append, clock=clock, sleep=sleep, **kwargs
        )


@pytest.fixture
def rig(emulator: Emulator, clock: ManualClock) -> Callable[..., Rig]:
    return lambda **kwargs: Rig(emulator, clock, **kwargs)


def _actions(emu: Emulator) -> list[str]:
    return [r.body.decode() for r in emu.requests if r.method == "POST" and r.path.endswith("/action")]


async def test_get_retries_429_after_retry_after(rig: Callable[..., Rig], emulator: Emulator) -> None:
    emulator.faults.throttle_next = 2
    emulator.faults.retry_after_s = 4
    r = rig()
    async with r.client:
        assert len(await r.client.list_instances()) == 12
    assert r.sleeps == [4.0, 4.0]
    assert [(c.status, c.error_code, c.attempt) for c in r.calls] == [
        (429, "APIGW.0308", 1),
        (429, "APIGW.0308", 2),
        (200, None, 3),
    ]


async def test_get_gives_up_after_max_retries(rig: Callable[..., Rig], emulator: Emulator) -> None:
    emulator.faults.throttle_next = 10
    r = rig(max_retries=2)
    async with r.client:
        with pytest.raises(ThrottledError) as caught:
            await r.client.list_instances()
    assert caught.value.code == "APIGW.0308" and caught.value.retry_after == 1.0
    assert len(r.calls) == 3


async def test_start_throttled_is_sent_again_after_the_wait(
    rig: Callable[..., Rig], emulator: Emulator
) -> None:
    target = emulator.store.add("it-stopped", "STOPPED")
    emulator.faults.throttle_next = 1
    emulator.faults.retry_after_s = 2
    r = rig()
    async with r.client:
        result = await r.client.start(target)
    assert (result.current_status, result.previous_state) == ("STARTING", "STOPPED")
    assert r.sleeps == [2.0]
    assert [(c.method, c.status) for c in r.calls] == [("POST", 429), ("GET", 200), ("POST", 200)]
    assert [r.status for r in emulator.requests if r.method == "POST"] == [429, 200]


async def test_dropped_start_answer_is_not_sent_twice(rig: Callable[..., Rig], emulator: Emulator) -> None:
    target = emulator.store.add("it-stopped", "STOPPED")
    emulator.faults.drop_next = 1
    r = rig()
    async with r.client:
        result = await r.client.start(target)
    assert result.current_status == "STARTING" and result.action == "start"
    assert _actions(emulator) == ['{"action":"start"}']  # exactly one POST reached the service
    assert [(c.method, c.status) for c in r.calls] == [("POST", None), ("GET", 200)]
    assert r.calls[0].message and "dropped" in r.calls[0].message


async def test_dropped_stop_answer_is_not_sent_twice(rig: Callable[..., Rig], emulator: Emulator) -> None:
    target = emulator.store.add("it-running", "RUNNING")
    emulator.faults.drop_next = 1
    r = rig()
    async with r.client:
        result = await r.client.stop(target)
    assert result.current_status == "STOPPING"
    assert _actions(emulator) == ['{"action":"stop"}']


async def test_dropped_get_is_retried(rig: Callable[..., Rig], emulator: Emulator) -> None:
    emulator.faults.drop_next = 1
    r = rig()
    async with r.client:
        assert len(await r.client.list_instances()) == 12
    assert [c.status for c in r.calls] == [None, 200]


async def test_garbage_answers_are_typed(rig: Callable[..., Rig], emulator: Emulator) -> None:
    """The emulator sends a login page, a gateway's HTML 502 or truncated JSON: never a raw exception."""
    r = rig()
    seen: list[str] = []
    async with r.client:
        for _ in range(8):
            emulator.faults.garbage_next = 1
            try:
                await r.client.list_instances()
                seen.append("ok")  # a 502 page, retried
            except ResponseError as error:
                host = emulator.url.removeprefix("http://")
                assert error.endpoint == f"{host}/v1/{PID}/demanager/instances" and host in str(error)
                seen.append("response-error")
    assert "response-error" in seen


async def test_timeout(rig: Callable[..., Rig], emulator: Emulator) -> None:
    emulator.faults.latency_ms = 2000
    r = rig(timeout=0.3)
    async with r.client:
        with pytest.raises(RequestTimeoutError) as caught:
            await r.client.list_instances()
    assert "0.3s" in str(caught.value) and f"/v1/{PID}/demanager/instances" in caught.value.endpoint
    assert [c.status for c in r.calls] == [None]  # a timed-out GET is not retried
    emulator.faults.latency_ms = 0


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_connection_refused(rig: Callable[..., Rig]) -> None:
    port = _closed_port()
    r = rig(url=f"http://127.0.0.1:{port}")
    async with r.client:
        with pytest.raises(ConnectError) as caught:
            await r.client.get_instance("DE-00000000-0000-4000-8000-000000000000")
    assert caught.value.endpoint.startswith(f"127.0.0.1:{port}/v1/")
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert [c.status for c in r.calls] == [None]


async def test_tls_failure(rig: Callable[..., Rig]) -> None:
    """HTTPS to a server that does not speak TLS."""

    async def not_tls(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(100)
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(not_tls, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        r = rig(url=f"https://127.0.0.1:{port}")
        async with r.client:
            with pytest.raises(TLSError) as caught:
                await r.client.list_instances()
    finally:
        server.close()
        await server.wait_closed()
    assert caught.value.endpoint.startswith(f"127.0.0.1:{port}/v1/")
    assert "TLS" in str(caught.value)
