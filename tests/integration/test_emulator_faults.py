"""Fault knobs: throttling with Retry-After, injected 5xx, garbage bodies, dropped connections, latency."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import httpx
import pytest

from tui.emulator import Emulator

if TYPE_CHECKING:
    from tests.conftest import EmuClient


def _list(api: EmuClient) -> httpx.Response:
    return api.signed("GET", api.v1(), query="de_type=Notebook&limit=1")


def test_throttling_answers_429_with_an_integer_retry_after(emu_api: EmuClient, emulator: Emulator) -> None:
    emulator.faults.throttle_rps = 0.5
    assert _list(emu_api).status_code == 200
    throttled = _list(emu_api)
    assert throttled.status_code == 429
    assert throttled.json()["error_code"] == "APIGW.0308"
    assert throttled.json()["request_id"] == throttled.headers["X-Request-Id"]
    assert throttled.headers["Retry-After"].isdigit() and 1 <= int(throttled.headers["Retry-After"]) <= 2
    emulator.faults.throttle_rps = 0
    assert _list(emu_api).status_code == 200


def test_throttle_next_is_deterministic_and_does_not_apply_the_action(
    emu_api: EmuClient, emulator: Emulator
) -> None:
    instance_id = emulator.store.add("busy", "STOPPED")
    emulator.faults.throttle_next = 1
    emulator.faults.retry_after_s = 7
    first = emu_api.signed("POST", emu_api.v1(f"/{instance_id}/action"), body={"action": "start"})
    assert first.status_code == 429 and first.headers["Retry-After"] == "7"
    record = emulator.store.get(instance_id)
    assert record is not None and record.status == "STOPPED"
    second = emu_api.signed("POST", emu_api.v1(f"/{instance_id}/action"), body={"action": "start"})
    assert second.status_code == 200


def test_fail_rate_answers_5xx_with_an_error_code(emu_api: EmuClient, emulator: Emulator) -> None:
    emulator.faults.fail_rate = 1.0
    answers = [_list(emu_api) for _ in range(8)]
    assert all(a.status_code >= 500 for a in answers)
    assert all(a.json()["error_code"] for a in answers)
    emulator.faults.fail_rate = 0.0
    assert _list(emu_api).status_code == 200


def test_garbage_bodies_are_not_the_documented_json(emu_api: EmuClient, emulator: Emulator) -> None:
    emulator.faults.garbage_rate = 1.0
    seen = set()
    for _ in range(12):
        response = _list(emu_api)
        seen.add(response.status_code)
        with pytest.raises(ValueError):
            response.json()
    assert seen <= {200, 502} and 200 in seen


def test_a_dropped_connection_cuts_the_answer_but_the_action_happened(
    emu_api: EmuClient, emulator: Emulator
) -> None:
    instance_id = emulator.store.add("half-heard", "STOPPED")
    emulator.faults.drop_next = 1
    with pytest.raises(httpx.TransportError):
        emu_api.signed("POST", emu_api.v1(f"/{instance_id}/action"), body={"action": "start"})
    record = emulator.store.get(instance_id)
    assert record is not None and record.status == "STARTING"
    assert _list(emu_api).status_code == 200  # the next request gets through on a new connection


def test_latency_slows_every_answer(emu_api: EmuClient, emulator: Emulator) -> None:
    emulator.faults.latency_ms = 150
    started = time.perf_counter()
    assert _list(emu_api).status_code == 200
    assert time.perf_counter() - started >= 0.15
    emulator.faults.clear()
    assert emulator.faults.latency_ms == 0


def test_a_stopped_emulator_refuses_connections(emu_api: EmuClient, emulator: Emulator) -> None:
    assert _list(emu_api).status_code == 200  # leaves a kept-alive connection open
    url = emulator.url
    emulator.stop()
    with pytest.raises(httpx.TransportError):
        emu_api.http.get(url + "/v3/projects", timeout=2)
