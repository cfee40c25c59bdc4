"""Shared fixtures: Hypothesis off the wall clock, no proxy from the environment, a sleep that returns at
once, a ManualClock, an emulator config on it, the running emulator, a signing client."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import textual._wait as textual_wait
from hypothesis import HealthCheck, settings

from tui.api.signer import format_sdk_date, sign_full
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig, ManualClock

# Hypothesis judges nothing by the wall clock: on a loaded machine a slow example or a slow draw is
# not a failure (no deadline, no too_slow health check). Explicit @settings still inherit this.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")

# Pilot.press and Pilot.pause wait until the process looks idle by napping 20 ms at a time
# (textual._wait): two naps per key press, so typing a name cost 1-2 s of naps in a 12-row app. Naps of
# 2 ms keep the same test (process CPU under 5 % of a nap) and halve the UI tests' time.
textual_wait.SLEEP_GRANULARITY = 0.002
textual_wait.SLEEP_IDLE = textual_wait.SLEEP_GRANULARITY / 20

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """No proxy from the developer's or CI's environment sits between a test and the loopback emulator."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


async def _return_at_once(_seconds: float) -> None:
    return None


@pytest.fixture(scope="session")
def no_sleep() -> Callable[[float], Awaitable[None]]:
    """A sleep that returns at once, for clients and services whose waits a test need not sit out.

    Session-scoped because it holds no state (and so Hypothesis tests may use it too).
    """
    return _return_at_once


@pytest.fixture
def clock() -> ManualClock:
    """The emulator's clock; tests move it with ``clock.advance(seconds)``."""
    return ManualClock()


@pytest.fixture
def emulator_config(clock: ManualClock) -> EmulatorConfig:
    """The default emulator settings (12 seeded instances, 3 s transitions) on the ManualClock."""
    return EmulatorConfig(clock=clock)


@pytest.fixture
def emulator(emulator_config: EmulatorConfig) -> Iterator[Emulator]:
    """A running emulator on 127.0.0.1 and a free port; stopped after the test."""
    with Emulator(emulator_config) as emu:
        yield emu


class EmuClient:
    """Raw HTTP to the emulator: AK/SK-signed with ``tui.api.signer`` at the emulator's time, or by token."""

    def __init__(self, emu: Emulator, clock: ManualClock) -> None:
        self.emu = emu
        self.clock = clock
        self.http = httpx.Client(timeout=10, verify=False)  # plain HTTP; skips loading CA certificates
        self.pid = DEMO_PROJECT_ID

    def close(self) -> None:
        self.http.close()

    def v1(self, rest: str = "", pid: str | None = None) -> str:
        return f"/v1/{pid or self.pid}/demanager/instances{rest}"

    def nb(self, rest: str = "", pid: str | None = None) -> str:
        return f"/v1/{pid or self.pid}/notebooks{rest}"

    def date(self, offset_s: float = 0) -> str:
        return format_sdk_date(datetime.fromtimestamp(self.clock() + offset_s, UTC))

    def signed(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        body: Any = None,
        headers: dict[str, str] | None = None,
        ak: str = DEMO_AK,
        sk: str = DEMO_SK,
        date: str | None = None,
    ) -> httpx.Response:
        """Sign exactly the bytes sent; ``body`` may be bytes, str or a JSON value (dumped with spaces)."""
        url = self.emu.url + path + (f"?{query}" if query else "")
        content = _body(body)
        base = {"Content-Type": "application/json", **(headers or {})}
        sdk_date = date or self.date()
        signature = sign_full(method, url, base, content, ak, sk, sdk_date)
        sent = {**base, "X-Sdk-Date": sdk_date, "Authorization": signature.authorization}
        return self.http.request(method, url, headers=sent, content=content)

    def with_token(
        self, method: str, path: str, token: str, *, query: str = "", body: Any = None
    ) -> httpx.Response:
        """A token-authenticated request the way an OpenStack/OTC client sends it."""
        url = self.emu.url + path + (f"?{query}" if query else "")
        headers = {"X-Auth-Token": token, "Accept": "application/json", "Content-type": "application/json"}
        return self.http.request(method, url, headers=headers, content=_body(body))

    def instances(self, query: str = "de_type=Notebook") -> list[dict[str, Any]]:
        response = self.signed("GET", self.v1(), query=query)
        assert response.status_code == 200, response.text
        return list(response.json()["instances"])


def _body(body: Any) -> bytes | None:
    if body is None or isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode()
    return json.dumps(body).encode()


@pytest.fixture
def emu_api(emulator: Emulator, clock: ManualClock) -> Iterator[EmuClient]:
    """An EmuClient on the running emulator."""
    client = EmuClient(emulator, clock)
    yield client
    client.close()


@pytest.fixture
def make_emu_api(clock: ManualClock) -> Iterator[Callable[[Emulator], EmuClient]]:
    """Build EmuClients for emulators a test starts itself (other configs, other projects)."""
    made: list[EmuClient] = []

    def make(emu: Emulator) -> EmuClient:
        made.append(EmuClient(emu, clock))
        return made[-1]

    yield make
    for client in made:
        client.close()
