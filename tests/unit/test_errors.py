"""Error mapping, retries, action safety, call records and input checks, on a MockTransport."""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tui.api.auth import TokenAuth
from tui.api.client import ModelArtsClient
from tui.core.errors import (
    ApiError,
    AuthError,
    ConnectError,
    ConnectionDroppedError,
    ModelArtsError,
    NotFoundError,
    RequestTimeoutError,
    ResponseError,
    ServerError,
    StateConflictError,
    ThrottledError,
    TLSError,
    TransportError,
    ValidationError,
)
from tui.core.models import FAMILY_NOTEBOOKS, FAMILY_V1, ApiCall
from tui.core.secret import Secret

PID = "0123456789abcdef0123456789abcdef"
IID = "DE-00000000-0000-0000-0000-000000000001"
NB_ID = "3b9e3ad8-52c7-4e5e-9c2b-8a7c0e0b1c11"
TOKEN = "TokUnitErrors-Distinctive-5e6f7a8b"
HOST = "modelarts.test:8443"
Handler = Callable[[httpx.Request], httpx.Response]


class Harness:
    """A client on a MockTransport, with its requests, records and sleeps collected."""

    def __init__(self, handler: Handler, family: str = FAMILY_V1, **kwargs: Any) -> None:
        self.requests: list[httpx.Request] = []
        self.calls: list[ApiCall] = []
        self.sleeps: list[float] = []

        def record(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return handler(request)

        async def sleep(seconds: float) -> None:
            self.sleeps.append(seconds)

        self.client = ModelArtsClient(
            f"https://{HOST}",
            PID,
            TokenAuth(Secret(TOKEN)),
            family=family,
            transport=httpx.MockTransport(record),
            on_call=self.calls.append,
            sleep=sleep,
            clock=lambda: 1_750_000_000.0,
            **kwargs,
        )

    def methods(self) -> list[str]:
        return [r.method for r in self.requests]


def instance(status: str, iid: str = IID) -> dict[str, Any]:
    return {"id": iid, "name": "n", "status": status}


def v1_error(status: int, code: str, message: str, **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"error_code": code, "error_message": message}, headers=headers)


def gw_error(status: int, code: str, message: str, **headers: str) -> httpx.Response:
    return httpx.Response(
        status, json={"error_code": code, "error_msg": message, "request_id": "gw-req-1"}, headers=headers
    )


# --- HTTP error answers --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("response", "error_type", "code"),
    [
        (v1_error(400, "ModelArts.6309", "The instance does not exist."), NotFoundError, "ModelArts.6309"),
        (gw_error(400, "ModelArts.6404", "notebook not found"), NotFoundError, "ModelArts.6404"),
        (
            v1_error(400, "ModelArts.6305", "The instance is already running."),
            StateConflictError,
            "ModelArts.6305",
        ),
        (v1_error(400, "ModelArts.6306", "The instance is starting."), StateConflictError, "ModelArts.6306"),
        (v1_error(400, "ModelArts.6307", "stopped"), StateConflictError, "ModelArts.6307"),
        (v1_error(400, "ModelArts.6308", "stopping"), StateConflictError, "ModelArts.6308"),
        (v1_error(400, "ModelArts.6357", "not allowed"), StateConflictError, "ModelArts.6357"),
        (gw_error(401, "APIGW.0301", "Incorrect IAM authentication information"), AuthError, "APIGW.0301"),
        (gw_error(403, "ModelArts.0108", "not authorized"), AuthError, "ModelArts.0108"),
        (gw_error(429, "APIGW.0308", "throttled", **{"Retry-After": "3"}), ThrottledError, "APIGW.0308"),
        (v1_error(500, "ModelArts.6102", "internal"), ServerError, "ModelArts.6102"),
        (gw_error(404, "APIGW.0101", "The API does not exist"), ApiError, "APIGW.0101"),
        (
            httpx.Response(400, json={"error": {"code": 400, "title": "Bad", "message": "keystone-ish"}}),
            ApiError,
            "",
        ),
        (
            httpx.Response(400, json={"code": "ModelArts.0104", "message": "Parameter error"}),
            ApiError,
            "ModelArts.0104",
        ),
    ],
)
async def test_error_answers_map_to_typed_errors(
    response: httpx.Response, error_type: type[ApiError], code: str
) -> None:
    h = Harness(lambda _: response, max_retries=0)
    async with h.client:
        with pytest.raises(error_type) as caught:
            await h.client.get_instance(IID)
    error = caught.value
    assert type(error) is error_type
    assert error.code == code and error.meaning
    assert error.endpoint == f"{HOST}/v1/{PID}/demanager/instances/{IID}"
    assert h.calls[0].status == response.status_code and h.calls[0].error_code == (code or None)


async def test_gateway_request_id_comes_from_header_or_body() -> None:
    h = Harness(lambda _: gw_error(401, "APIGW.0301", "bad"), max_retries=0)
    async with h.client:
        with pytest.raises(AuthError) as caught:
            await h.client.get_instance(IID)
    assert caught.value.request_id == "gw-req-1" and h.calls[0].request_id == "gw-req-1"

    h = Harness(lambda _: gw_error(401, "APIGW.0301", "bad", **{"X-Request-Id": "hdr-1"}), max_retries=0)
    async with h.client:
        with pytest.raises(AuthError) as caught:
            await h.client.get_instance(IID)
    assert caught.value.request_id == "hdr-1"


async def test_throttled_error_carries_retry_after() -> None:
    h = Harness(lambda _: gw_error(429, "APIGW.0308", "slow down", **{"Retry-After": "12"}), max_retries=0)
    async with h.client:
        with pytest.raises(ThrottledError) as caught:
            await h.client.get_instance(IID)
    assert caught.value.retry_after == 12.0


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (502, b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"),
        (503, b""),
        (200, b"<html><body>captive portal</body></html>"),
        (200, b'{"id": "DE-1", "truncat'),
        (200, b"[1, 2, 3]"),
        (302, b""),
    ],
)
async def test_answers_that_are_not_the_api_json(status: int, body: bytes) -> None:
    h = Harness(
        lambda _: httpx.Response(status, content=body, headers={"Location": "https://login.example/"}),
        max_retries=0,
    )
    async with h.client:
        with pytest.raises(ResponseError) as caught:
            await h.client.get_instance(IID)
    error = caught.value
    assert error.endpoint == f"{HOST}/v1/{PID}/demanager/instances/{IID}"
    assert HOST in str(error)
    if status >= 500:
        assert error.status == status and error.meaning


# --- transport failures --------------------------------------------------------------------------
def _raise(exc: Exception) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


def _tls_failure() -> httpx.ConnectError:
    error = httpx.ConnectError("handshake failed")
    error.__cause__ = ssl.SSLCertVerificationError(
        1, "[SSL: CERTIFICATE_VERIFY_FAILED] self-signed certificate"
    )
    return error


@pytest.mark.parametrize(
    ("exc", "error_type", "attempts"),
    [
        (httpx.ConnectError("[Errno 111] Connection refused"), ConnectError, 1),
        (httpx.ConnectTimeout("timed out"), RequestTimeoutError, 1),
        (httpx.ReadTimeout("timed out"), RequestTimeoutError, 1),
        (_tls_failure(), TLSError, 1),
        (
            httpx.RemoteProtocolError("Server disconnected without sending a response."),
            ConnectionDroppedError,
            4,
        ),
        (httpx.ReadError("[Errno 104] Connection reset by peer"), ConnectionDroppedError, 4),
        (ConnectionResetError(104, "Connection reset by peer"), ConnectionDroppedError, 4),
    ],
)
async def test_transport_failures_become_typed_errors(
    exc: Exception, error_type: type, attempts: int
) -> None:
    h = Harness(_raise(exc))
    async with h.client:
        with pytest.raises(error_type) as caught:
            await h.client.get_instance(IID)
    error = caught.value
    assert isinstance(error, TransportError)
    assert error.endpoint == f"{HOST}/v1/{PID}/demanager/instances/{IID}"
    assert f"{HOST}/v1/{PID}/demanager/instances/{IID}" in str(error)
    assert error.__cause__ is None and error.__suppress_context__
    assert [c.status for c in h.calls] == [None] * attempts
    assert [c.attempt for c in h.calls] == list(range(1, attempts + 1))
    assert all(c.message for c in h.calls)


# --- GET retries ---------------------------------------------------------------------------------
def _sequence(*responses: httpx.Response | Exception) -> Handler:
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        return item

    return handler


async def test_get_retries_429_honouring_retry_after() -> None:
    h = Harness(
        _sequence(
            gw_error(429, "APIGW.0308", "slow", **{"Retry-After": "7"}),
            httpx.Response(200, json=instance("RUNNING")),
        )
    )
    async with h.client:
        got = await h.client.get_instance(IID)
    assert got.status == "RUNNING"
    assert h.sleeps == [7.0]
    assert [(c.status, c.attempt) for c in h.calls] == [(429, 1), (200, 2)]


async def test_retry_after_is_capped_and_http_dates_are_read() -> None:
    h = Harness(
        _sequence(
            gw_error(429, "APIGW.0308", "slow", **{"Retry-After": "3600"}),
            gw_error(429, "APIGW.0308", "slow", **{"Retry-After": "Sun, 15 Jun 2025 15:06:50 GMT"}),
            httpx.Response(200, json=instance("RUNNING")),
        )
    )
    async with h.client:
        await h.client.get_instance(IID)
    assert h.sleeps == [30.0, 10.0]


async def test_get_retries_5xx_with_exponential_backoff_then_gives_up() -> None:
    h = Harness(_sequence(v1_error(503, "ModelArts.6102", "unavailable")))
    async with h.client:
        with pytest.raises(ServerError):
            await h.client.get_instance(IID)
    assert h.sleeps == [0.5, 1.0, 2.0]
    assert [c.attempt for c in h.calls] == [1, 2, 3, 4]


async def test_get_does_not_retry_500_or_4xx() -> None:
    for response in (v1_error(500, "ModelArts.0010", "boom"), v1_error(400, "ModelArts.6309", "gone")):
        h = Harness(_sequence(response))
        async with h.client:
            with pytest.raises(ApiError):
                await h.client.get_instance(IID)
        assert len(h.requests) == 1 and h.sleeps == []


async def test_get_retries_a_dropped_connection() -> None:
    h = Harness(
        _sequence(httpx.RemoteProtocolError("peer closed"), httpx.Response(200, json=instance("STOPPED")))
    )
    async with h.client:
        assert (await h.client.get_instance(IID)).status == "STOPPED"
    assert [c.status for c in h.calls] == [None, 200]


async def test_max_retries_zero_means_one_attempt() -> None:
    h = Harness(_sequence(v1_error(503, "X", "down")), max_retries=0)
    async with h.client:
        with pytest.raises(ServerError):
            await h.client.get_instance(IID)
    assert len(h.requests) == 1


# --- actions are never retried blindly -----------------------------------------------------------
def _action_server(action_answers: list[httpx.Response | Exception], states: list[str]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            status = states.pop(0) if len(states) > 1 else states[0]
            return httpx.Response(200, json=instance(status))
        item = action_answers.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return handler


async def test_start_dropped_but_happened_is_success_without_resend() -> None:
    h = Harness(_action_server([httpx.RemoteProtocolError("peer closed")], ["STARTING"]))
    async with h.client:
        result = await h.client.start(IID)
    assert (result.current_status, result.action, result.instance_id) == ("STARTING", "start", IID)
    assert h.methods() == ["POST", "GET"]


async def test_stop_503_but_happened_is_success() -> None:
    h = Harness(_action_server([v1_error(503, "APIGW.0201", "backend unavailable")], ["STOPPED"]))
    async with h.client:
        result = await h.client.stop(IID)
    assert result.current_status == "STOPPED"
    assert h.methods() == ["POST", "GET"]


async def test_start_dropped_and_not_happened_raises_without_resend() -> None:
    h = Harness(_action_server([httpx.RemoteProtocolError("peer closed")], ["STOPPED"]))
    async with h.client:
        with pytest.raises(ConnectionDroppedError):
            await h.client.start(IID)
    assert h.methods() == ["POST", "GET"]


async def test_start_throttled_waits_and_sends_again() -> None:
    answers: list[httpx.Response | Exception] = [
        gw_error(429, "APIGW.0308", "slow", **{"Retry-After": "2"}),
        httpx.Response(200, json={"current_status": "STARTING", "previous_state": "STOPPED"}),
    ]
    h = Harness(_action_server(answers, ["STOPPED"]))
    async with h.client:
        result = await h.client.start(IID)
    assert result.previous_state == "STOPPED"
    assert h.methods() == ["POST", "GET", "POST"]
    assert h.sleeps == [2.0]
    assert json.loads(h.requests[2].content) == {"action": "start"}


async def test_start_throttled_too_often_gives_up() -> None:
    answers: list[httpx.Response | Exception] = [gw_error(429, "APIGW.0308", "slow")] * 4
    h = Harness(_action_server(answers, ["STOPPED"]), action_sends=4)
    async with h.client:
        with pytest.raises(ThrottledError):
            await h.client.start(IID)
    assert h.methods().count("POST") == 4


async def test_state_conflict_is_not_reread() -> None:
    h = Harness(
        _action_server([v1_error(400, "ModelArts.6305", "The instance is already running.")], ["RUNNING"])
    )
    async with h.client:
        with pytest.raises(StateConflictError) as caught:
            await h.client.start(IID)
    assert caught.value.meaning == "The instance is already running."
    assert h.methods() == ["POST"]


async def test_update_and_delete_are_sent_once() -> None:
    h = Harness(lambda _: v1_error(503, "X", "down"))
    async with h.client:
        with pytest.raises(ServerError):
            await h.client.update(IID, description="x")
        with pytest.raises(ServerError):
            await h.client.delete(IID)
    assert h.methods() == ["PUT", "DELETE"] and h.sleeps == []


# --- notebooks family ----------------------------------------------------------------------------
async def test_notebooks_start_stop_and_lease() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/start"):
            return httpx.Response(200, json=instance("STARTING", NB_ID))
        if path.endswith("/stop"):
            return httpx.Response(200, json=instance("STOPPING", NB_ID))
        if path.endswith("/lease") and request.method == "PATCH":
            return httpx.Response(204)
        if path.endswith("/lease"):
            return httpx.Response(
                200, json={"create_at": 1750000000000, "duration": 7200000, "type": "TIMING", "enable": True}
            )
        return httpx.Response(200, json=instance("STOPPED", NB_ID))

    h = Harness(handler, family=FAMILY_NOTEBOOKS)
    async with h.client:
        await h.client.get_instance(NB_ID)
        started = await h.client.start(NB_ID, duration_ms=3_600_000, lease_type="TIMING")
        stopped = await h.client.stop(NB_ID)
        lease = await h.client.renew_lease(NB_ID, 2)
    assert (started.current_status, started.previous_state) == ("STARTING", "STOPPED")
    assert (stopped.current_status, stopped.previous_state) == ("STOPPING", "STARTING")
    assert lease.stop_at_ms == 1750007200000
    start = h.requests[1]
    assert start.url.path == f"/v1/{PID}/notebooks/{NB_ID}/start"
    assert start.url.query == b"duration=3600000&type=timing" and start.content == b""
    patch = h.requests[3]
    assert patch.method == "PATCH" and json.loads(patch.content) == {"duration": 7200000, "type": "timing"}
    assert h.methods() == ["GET", "POST", "POST", "PATCH", "GET"]


# --- input checks: nothing is sent ---------------------------------------------------------------
def _never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"no request expected, got {request.method} {request.url}")


@pytest.mark.parametrize(
    "bad", ["", "short", "../../etc/passwd", "DE-1 OR 1=1", "a" * 65, "DE-%2F..", None, 7]
)
async def test_bad_instance_ids_send_nothing(bad: Any) -> None:
    h = Harness(_never)
    async with h.client:
        for call in (h.client.get_instance, h.client.start, h.client.stop, h.client.delete):
            with pytest.raises(ValidationError) as caught:
                await call(bad)
            assert caught.value.field == "instance_id"
    assert h.requests == [] and h.calls == []


@pytest.mark.parametrize(
    ("family", "call", "field"),
    [
        (FAMILY_V1, lambda c: c.get_lease(IID), "family"),
        (FAMILY_V1, lambda c: c.renew_lease(IID, 2), "family"),
        (FAMILY_V1, lambda c: c.start(IID, duration_ms=1000), "duration_ms"),
        (FAMILY_NOTEBOOKS, lambda c: c.renew_lease(NB_ID, 0.5), "hours"),
        (FAMILY_NOTEBOOKS, lambda c: c.renew_lease(NB_ID, 73), "hours"),
        (FAMILY_NOTEBOOKS, lambda c: c.renew_lease(NB_ID, float("nan")), "hours"),
        (FAMILY_NOTEBOOKS, lambda c: c.renew_lease(NB_ID, True), "hours"),
        (FAMILY_NOTEBOOKS, lambda c: c.start(NB_ID, lease_type="forever"), "lease_type"),
        (FAMILY_NOTEBOOKS, lambda c: c.start(NB_ID, duration_ms=0), "duration_ms"),
        (FAMILY_NOTEBOOKS, lambda c: c.update(NB_ID, auto_stop_enable=True), "auto_stop_enable"),
        (FAMILY_V1, lambda c: c.update(IID), "update"),
        (FAMILY_V1, lambda c: c.update(IID, description="a<b"), "description"),
        (FAMILY_V1, lambda c: c.update(IID, description="x" * 513), "description"),
        (FAMILY_V1, lambda c: c.update(IID, auto_stop_duration_s=60), "auto_stop_duration_s"),
        (FAMILY_V1, lambda c: c.list_instances(status="SLEEPING"), "status"),
        (FAMILY_V1, lambda c: c.list_instances(sort="flavor"), "sort"),
        (FAMILY_V1, lambda c: c.list_instances(order="up"), "order"),
    ],
)
async def test_refused_inputs_send_nothing(
    family: str, call: Callable[[ModelArtsClient], Any], field: str
) -> None:
    h = Harness(_never, family=family)
    async with h.client:
        with pytest.raises(ValidationError) as caught:
            await call(h.client)
    assert caught.value.field == field and field in str(caught.value)
    assert h.requests == []


async def test_v1_update_body() -> None:
    h = Harness(lambda _: httpx.Response(200, json=instance("STOPPED")))
    async with h.client:
        await h.client.update(IID, description="for tests", auto_stop_enable=True, auto_stop_duration_s=7200)
    assert json.loads(h.requests[0].content) == {
        "description": "for tests",
        "spec": {"auto_stop": {"enable": True, "duration": 7200}},
    }


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"endpoint": "modelarts.test"}, "endpoint"),
        ({"endpoint": "ftp://modelarts.test"}, "endpoint"),
        ({"project_id": "../x"}, "project_id"),
        ({"family": "v2"}, "family"),
        ({"verify": "/nonexistent/ca.pem"}, "ca_bundle"),
        ({"timeout": 0}, "timeout"),
    ],
)
def test_client_settings_are_checked(kwargs: dict[str, Any], field: str) -> None:
    settings: dict[str, Any] = {
        "endpoint": "https://m.test",
        "project_id": PID,
        "auth": TokenAuth(Secret("t-1234")),
    }
    settings.update(kwargs)
    with pytest.raises(ValidationError) as caught:
        ModelArtsClient(**settings)
    assert caught.value.field == field


# --- records and secrets -------------------------------------------------------------------------
async def test_records_and_errors_never_carry_the_token() -> None:
    echo = f"Invalid token {TOKEN} (X-Auth-Token: {TOKEN})"
    h = Harness(lambda _: gw_error(401, "APIGW.0301", echo), max_retries=0)
    async with h.client:
        with pytest.raises(AuthError) as caught:
            await h.client.get_instance(IID)
    assert TOKEN not in str(caught.value) and TOKEN not in caught.value.detail
    assert TOKEN not in repr(h.calls)
    call = h.calls[0]
    assert (call.method, call.host, call.status, call.error_code) == ("GET", HOST, 401, "APIGW.0301")
    assert call.path == f"/v1/{PID}/demanager/instances/{IID}"
    assert call.latency_ms >= 0 and call.at == 1_750_000_000.0


async def test_clock_skew_from_server_date() -> None:
    h = Harness(
        lambda _: httpx.Response(
            200, json=instance("RUNNING"), headers={"Date": "Sun, 15 Jun 2025 15:08:40 GMT"}
        )
    )
    assert h.client.clock_skew_s is None
    async with h.client:
        await h.client.get_instance(IID)
    assert h.client.clock_skew_s == pytest.approx(120.0)
    assert h.calls[0].server_date == "Sun, 15 Jun 2025 15:08:40 GMT"


async def test_a_broken_call_sink_does_not_break_the_call() -> None:
    def sink(call: ApiCall) -> None:
        raise RuntimeError("log panel crashed")

    client = ModelArtsClient(
        "https://m.test",
        PID,
        TokenAuth(Secret("t-1234")),
        on_call=sink,
        transport=httpx.MockTransport(lambda _: httpx.Response(200, json=instance("RUNNING"))),
    )
    async with client:
        assert (await client.get_instance(IID)).status == "RUNNING"


async def test_closed_client_refuses_to_send() -> None:
    h = Harness(_never)
    await h.client.aclose()
    with pytest.raises(TransportError):
        await h.client.get_instance(IID)


async def test_only_modelarts_errors_escape() -> None:
    def chaos(request: httpx.Request) -> httpx.Response:
        raise httpx.DecodingError("bad gzip")

    h = Harness(chaos)
    async with h.client:
        with pytest.raises(ModelArtsError):
            await h.client.list_instances()
