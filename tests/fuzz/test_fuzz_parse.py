"""Fuzzing the answer parsers: any JSON gives a model or a ResponseError, any error body a typed error.

The strategies lean towards what breaks tolerant parsers: numbers as strings ("inf", "1e400"),
integers past a float, deep nesting, the documented keys holding the wrong types. Every parsed
timestamp must be one a ``datetime`` can show, since the table and the details screen format them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tui.api.auth import TokenAuth
from tui.api.body import SUMMARY_SCAN_BYTES
from tui.api.client import ModelArtsClient
from tui.api.parse import (
    decode_json,
    parse_deleted_id,
    parse_error_body,
    parse_lease,
    parse_notebook,
    parse_notebook_page,
    parse_v1_action,
    parse_v1_instance,
    parse_v1_page,
    summarize_body,
)
from tui.api.redact import MASK, is_secret_key, scrub
from tui.core.error_codes import UNKNOWN
from tui.core.errors import ApiError, ModelArtsError, ResponseError, api_error
from tui.core.models import FAMILY_NOTEBOOKS, FAMILY_V1, AutoStop, Instance
from tui.core.secret import Secret

EXAMPLES = int(os.environ.get("MODELARTS_FUZZ_EXAMPLES", "200"))
"""Examples per property: 200 keeps CI quick; a nightly run can set more."""
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PID = "0123456789abcdef0123456789abcdef"

# --- strategies ----------------------------------------------------------------------------------
_tricky_strings = st.sampled_from(
    [
        "",
        " ",
        "inf",
        "-inf",
        "Infinity",
        "nan",
        "1e400",
        "-1e400",
        "9" * 400,
        "1.5",
        "-1",
        "0",
        "true",
        "false",
        "null",
        "2024-02-30T25:61:00",
        "2025-06-15T15:06:40Z",
        "9999-12-31T23:59:59",
        "0001-01-01T00:00:00",
        "DE-7d558ef8-c73d-11ea-964c-0255ac100033",
        "\x00",
        "é",
        "<html>",
    ]
)
_numbers = (
    st.integers()
    | st.integers(min_value=10**15, max_value=10**400)
    | st.integers(min_value=-(10**400), max_value=-(10**15))
    | st.floats(allow_nan=True, allow_infinity=True)
)
_scalars = st.none() | st.booleans() | _numbers | st.text(max_size=12) | _tricky_strings
json_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=25,
)
_instance_keys = st.sampled_from(
    [
        "id",
        "name",
        "status",
        "description",
        "creation_timestamp",
        "latest_update_timestamp",
        "flavor",
        "flavor_details",
        "profile",
        "spec",
        "auto_stop",
        "create_at",
        "update_at",
        "image",
        "lease",
        "url",
        "duration",
        "enable",
        "type",
        "stop_timestamp",
        "remain_time",
        "annotations",
        "provision",
        "current_status",
        "previous_state",
        "instance_id",
        "token",
        "password",
        "credential",
    ]
)
# Objects shaped like instances, with every documented key possibly present and wrongly typed.
_shaped = st.recursive(
    st.dictionaries(_instance_keys, _scalars, max_size=8),
    lambda inner: st.dictionaries(_instance_keys, inner | _scalars | st.lists(inner, max_size=3), max_size=8),
    max_leaves=30,
)
instance_like = st.builds(
    lambda base, ident: {**base, "id": ident} if ident is not None else base,
    _shaped,
    st.none() | st.text(max_size=10) | st.integers() | _tricky_strings,
)


def _nested(depth: int, leaf: str = "1") -> str:
    return "[" * depth + leaf + "]" * depth


deep_bodies = st.integers(min_value=1, max_value=200_000).map(
    lambda n: ('{"instances":[{"id":"DE-x1234567","deep":' + _nested(n) + "}]}").encode()
)
bodies = (
    st.binary(max_size=300)
    | json_values.map(lambda v: json.dumps(v).encode())
    | instance_like.map(lambda v: json.dumps({"instances": [v], "total_count": 1}).encode())
    | deep_bodies
)


# --- helpers -------------------------------------------------------------------------------------
def _showable(ms: int | None) -> None:
    """A timestamp the UI can turn into a date (or None)."""
    if ms is not None:
        assert isinstance(ms, int)
        datetime.fromtimestamp(ms / 1000, UTC)


def _check_auto_stop(auto: AutoStop | None) -> None:
    if auto is None:
        return
    for ms in (auto.stop_at_ms, auto.lease_created_ms):
        _showable(ms)
    auto.remaining_s(1_750_000_000_000)


def _check_instance(instance: Instance) -> None:
    assert isinstance(instance.id, str) and instance.id
    for text in (instance.name, instance.status, instance.description, instance.flavor, instance.image):
        assert isinstance(text, str)
    _showable(instance.created_ms)
    _showable(instance.updated_ms)
    _check_auto_stop(instance.auto_stop)
    instance.phase  # noqa: B018 - any status maps to a phase
    _no_secret_values(instance.raw)


def _no_secret_values(value: Any) -> None:
    """scrub() left no credential-named field with its value."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "credential":  # masked when it holds anything
                assert inner == MASK or not inner, (key, inner)
            elif is_secret_key(str(key)):  # masked unless absent (None) or empty ("")
                assert inner == MASK or inner is None or inner == "", (key, inner)
            else:
                _no_secret_values(inner)
    elif isinstance(value, list):
        for inner in value:
            _no_secret_values(inner)


# --- properties ----------------------------------------------------------------------------------
@FUZZ
@given(json_values | instance_like)
@example(
    {
        "id": "DE-a1234567",
        "spec": {"auto_stop": {"enable": True, "duration": "inf", "stop_timestamp": "1e400"}},
    }
)
@example({"id": "a1234567", "status": "RUNNING", "lease": {"create_at": 10**30, "duration": 10**30}})
@example({"id": "DE-a1234567", "creation_timestamp": 10**400})
def test_instance_parsers_give_a_model_or_a_response_error(data: Any) -> None:
    for parse in (parse_v1_instance, parse_notebook):
        try:
            instance = parse(data)
        except ResponseError as error:
            assert str(error)
            continue
        _check_instance(instance)


@FUZZ
@given(json_values | instance_like | st.lists(instance_like, max_size=3))
def test_page_action_lease_parsers_give_a_model_or_a_response_error(data: Any) -> None:
    for page in (lambda d: parse_v1_page(d), lambda d: parse_notebook_page(d).page):
        try:
            result = page(data)
        except ResponseError:
            continue
        assert type(result.total) is int  # any int the server sent (or the count), never a bool or float
        for instance in result.instances:
            _check_instance(instance)
    try:
        action = parse_v1_action(data, "DE-a1234567", "start")
        assert isinstance(action.current_status, str) and isinstance(action.previous_state, str)
    except ResponseError:
        pass
    try:
        lease = parse_lease(data)
        _showable(lease.create_at_ms)
        _showable(lease.update_at_ms)
        _showable(lease.stop_at_ms)
    except ResponseError:
        pass
    assert isinstance(parse_deleted_id(data, "fallback"), str)


@FUZZ
@given(bodies)
@example(_nested(100_000).encode())  # deeper than json can read
@example(
    ('{"instances":[{"id":"DE-x1234567","deep":' + _nested(600) + "}]}").encode()
)  # json reads it, scrub must too
@example(b"\xff\xfe{")
def test_any_body_decodes_or_is_a_response_error(body: bytes) -> None:
    try:
        value = decode_json(body, endpoint="h/p", status=200)
    except ResponseError as error:
        assert "h/p" in str(error)
        return
    for parse in (parse_v1_page, parse_v1_instance):
        with contextlib.suppress(ResponseError):
            parse(value)


@FUZZ
@given(bodies | json_values)
@example(_nested(100_000).encode())
@example({"error": {"code": 10**400, "message": {"nested": "x"}}})
def test_error_bodies_give_an_error_body_or_none(body: Any) -> None:
    found = parse_error_body(body)
    if found is not None:
        for text in (found.code, found.message, found.request_id, found.title):
            assert isinstance(text, str)


@FUZZ
@given(st.binary(max_size=2000) | st.text(max_size=400).map(str.encode))
def test_body_summaries_are_one_bounded_line(body: bytes) -> None:
    text = summarize_body(body)
    assert "\n" not in text and len(text) <= 121


@pytest.mark.parametrize(
    "body",
    [
        b"<title" * 400_000,
        b"<title>" * 300_000,
        b"<" * 2_000_000,
        b"<html>" + b"<a" * 1_000_000,
        b"<title>" + b"x" * 3_000_000,
    ],
    ids=["unclosed-titles", "open-titles", "angles", "unclosed-tags", "long-title"],
)
def test_body_summaries_stay_linear_on_hostile_pages(body: bytes) -> None:
    """A proxy's multi-megabyte page must not freeze a refresh (the old regex was quadratic).

    Only a bounded prefix is read, and its cost grows linearly: four times the bytes cost about
    four times as much (a ratio measured side by side, not a time; quadratic would be sixteen).
    """
    text = summarize_body(body)
    assert text == summarize_body(body[:SUMMARY_SCAN_BYTES]) and len(text) <= 121

    def cost(page: bytes) -> float:
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            summarize_body(page)
            best = min(best, time.perf_counter() - started)
        return max(best, 1e-5)

    quarter = SUMMARY_SCAN_BYTES // 4
    assert cost(body[:SUMMARY_SCAN_BYTES]) / cost(body[:quarter]) < 10


@FUZZ
@given(
    st.integers(min_value=100, max_value=599),
    st.text(max_size=20)
    | st.sampled_from(["APIGW.0301", "APIG.0308", "ModelArts.6309", "ModelArts.6101", "IAM.0062", ""]),
    st.text(max_size=40),
)
def test_api_error_is_always_typed_with_a_meaning(status: int, code: str, message: str) -> None:
    error = api_error(status, code, message, request_id="r", endpoint="h/p")
    assert isinstance(error, ApiError) and error.status == status
    assert error.meaning and error.hint
    if status in (400, 401, 403, 404, 429, 500, 502, 503, 504):
        assert error.meaning != UNKNOWN.meaning


@FUZZ
@given(json_values | instance_like)
def test_scrub_masks_every_credential_field(data: Any) -> None:
    _no_secret_values(scrub(data))


# --- through the client: any answer becomes a list or a typed error ---------------------------------
_statuses = st.sampled_from(
    [200, 201, 204, 302, 400, 401, 403, 404, 408, 429, 500, 502, 503, 504]
) | st.integers(min_value=200, max_value=599)
_headers = st.lists(
    st.sampled_from(
        [
            ("Content-Type", "application/json"),
            ("Content-Type", "text/html"),
            ("Retry-After", "2"),
            ("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"),
            ("Retry-After", "soon"),
            ("Retry-After", "1e400"),
            ("Date", "not a date"),
            ("Date", "Sun, 06 Nov 1994 08:49:37 GMT"),
            ("X-Request-Id", "rq-1"),
            ("Location", "https://login.example/"),
        ]
    ),
    max_size=4,
)


@FUZZ
@given(
    st.lists(st.tuples(_statuses, bodies, _headers), min_size=1, max_size=4),
    st.sampled_from([FAMILY_V1, FAMILY_NOTEBOOKS]),
)
@example([(200, _nested(100_000).encode(), [])], FAMILY_V1)
@example([(200, b'{"instances":[{"id":"DE-a1234567","creation_timestamp":1e400}]}', [])], FAMILY_V1)
def test_client_turns_any_answer_into_instances_or_a_typed_error(
    no_sleep: Callable[[float], Awaitable[None]],
    answers: list[tuple[int, bytes, list[tuple[str, str]]]],
    family: str,
) -> None:
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        status, body, headers = queue.pop(0) if len(queue) > 1 else queue[0]
        return httpx.Response(status, content=body, headers=headers)

    async def run() -> None:
        calls: list[Any] = []
        client = ModelArtsClient(
            "https://modelarts.test",
            PID,
            TokenAuth(Secret("tok-fuzz-1234")),
            family=family,
            transport=httpx.MockTransport(handler),
            sleep=no_sleep,
            on_call=calls.append,
        )
        async with client:
            for operation in (client.list_instances, lambda: client.start("DE-a1234567")):
                try:
                    result = await operation()
                except ModelArtsError as error:
                    assert str(error) and repr(error)
                    continue
                if isinstance(result, list):
                    for instance in result:
                        _check_instance(instance)
        assert calls and all(c.method in ("GET", "POST") for c in calls)

    asyncio.run(run())
