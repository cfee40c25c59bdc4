"""Tolerant parsing of both API families, and the list calls that follow every page."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.api.auth import TokenAuth
from tui.api.client import ModelArtsClient
from tui.api.parse import (
    ErrorBody,
    decode_json,
    epoch_ms,
    parse_deleted_id,
    parse_error_body,
    parse_lease,
    parse_notebook,
    parse_notebook_page,
    parse_v1_action,
    parse_v1_instance,
    parse_v1_page,
    summarize_body,
    to_bool,
    to_int,
)
from tui.core.errors import ResponseError
from tui.core.models import FAMILY_NOTEBOOKS, FAMILY_V1, Phase
from tui.core.secret import Secret

PID = "0123456789abcdef0123456789abcdef"

V1_RUNNING: dict[str, Any] = {
    "id": "DE-7d558ef8-c73d-11ea-964c-0255ac100033",
    "name": "notebook-c6fd",
    "description": "",
    "status": "RUNNING",
    "creation_timestamp": "1594887749962",
    "latest_update_timestamp": "1594887749962",
    "flavor": "modelarts.bm.gpu.v100NV32",
    "flavor_details": {
        "name": "modelarts.bm.gpu.v100NV32",
        "status": "onSale",
        "type": "GPU",
        "params": {"CPU": 8, "GPU": 1, "gpu_type": "v100NV32", "memory": "64GiB"},
    },
    "profile": {
        "id": "Multi-Engine 1.0 (python3)-gpu",
        "name": "Multi-Engine 1.0 (python3)-gpu",
        "de_type": "Notebook",
        "flavor_type": "GPU",
        "provision": {
            "type": "Docker",
            "spec": {
                "engine": "CCE",
                "params": {
                    "namespace": "atelier",
                    "image_name": "mul-kernel-gpu-cuda-cp36",
                    "image_tag": "2.0.5-B003",
                    "annotations": None,
                },
            },
        },
    },
    "spec": {
        "annotations": {"target_domain": "https://xxx", "url": "https://xxx:32000/notebook/user/DE-7d5"},
        "auto_stop": {
            "enable": True,
            "duration": 3600,
            "prompt": True,
            "remain_time": 3450,
            "stop_timestamp": 1594891408723,
        },
        "storage": {"type": "evs", "location": {"path": "/home/ma-user/work", "volume_size": 5}},
        "extend_params": None,
        "failed_reasons": None,
    },
    "user": {"id": "15dda26361214ca2a5953917d2f48ffb", "name": "ops_dev_env"},
    "workspace": {"id": "0"},
    "ai_project": {"id": "default-ai-project"},
}

NOTEBOOK: dict[str, Any] = {
    "id": "3b9e3ad8-52c7-4e5e-9c2b-8a7c0e0b1c11",
    "name": "nb-one",
    "description": "demo",
    "status": "RUNNING",
    "flavor": "modelarts.vm.cpu.2u",
    "create_at": 1750000000000,
    "update_at": 1750000100000,
    "image": {
        "id": "e1a07296-22a8-4f05-8bc8-e936c8e54202",
        "name": "pytorch1.8-cuda10.2",
        "tag": "v1",
        "type": "BUILD_IN",
    },
    "lease": {
        "create_at": 1750000000000,
        "duration": 3600000,
        "enable": True,
        "type": "TIMING",
        "update_at": 1750000000000,
    },
    "url": "https://nb.example/lab",
    "token": "notebook-access-token",
    "workspace_id": "0",
}


# --- v1 instances --------------------------------------------------------------------------------
def test_v1_documented_sample() -> None:
    inst = parse_v1_instance(V1_RUNNING)
    assert inst.id == "DE-7d558ef8-c73d-11ea-964c-0255ac100033"
    assert (inst.name, inst.status, inst.phase) == ("notebook-c6fd", "RUNNING", Phase.RUNNING)
    assert inst.flavor == "modelarts.bm.gpu.v100NV32"
    assert inst.flavor_type == "GPU"
    assert inst.image == "mul-kernel-gpu-cuda-cp36:2.0.5-B003"
    assert inst.created_ms == 1594887749962 and inst.updated_ms == 1594887749962
    assert inst.url.startswith("https://xxx:32000/")
    assert inst.family == FAMILY_V1
    assert inst.auto_stop is not None
    assert inst.auto_stop.enabled and inst.auto_stop.duration_s == 3600
    assert inst.auto_stop.stop_at_ms == 1594891408723 and inst.auto_stop.remain_s == 3450
    assert inst.raw == V1_RUNNING
    assert set(inst.extra) == {"user", "workspace", "ai_project"}


def test_v1_minimal_instance() -> None:
    inst = parse_v1_instance({"id": "DE-1", "status": "STOPPED"})
    assert inst.name == "" and inst.auto_stop is None and inst.created_ms is None and inst.image == ""


def test_v1_flavor_type_and_image_fallbacks() -> None:
    inst = parse_v1_instance(
        {"id": "x", "profile": {"name": "Multi-Engine 2.0 (python3)", "flavor_type": "CPU"}}
    )
    assert inst.flavor_type == "CPU" and inst.image == "Multi-Engine 2.0 (python3)"


def test_v1_auto_stop_without_stop_timestamp_and_top_level_variant() -> None:
    stopped = parse_v1_instance({"id": "x", "spec": {"auto_stop": {"enable": "true", "duration": "7200"}}})
    assert stopped.auto_stop is not None
    assert (
        stopped.auto_stop.enabled
        and stopped.auto_stop.duration_s == 7200
        and stopped.auto_stop.stop_at_ms is None
    )
    top = parse_v1_instance({"id": "x", "auto_stop": {"enable": False}})
    assert top.auto_stop is not None and not top.auto_stop.enabled


def test_v1_stop_timestamp_in_seconds_is_detected() -> None:
    inst = parse_v1_instance(
        {"id": "x", "spec": {"auto_stop": {"enable": True, "stop_timestamp": 1594891408}}}
    )
    assert inst.auto_stop is not None and inst.auto_stop.stop_at_ms == 1594891408000


@pytest.mark.parametrize(
    "bad", [None, [], "text", 3, {"name": "no id"}, {"id": ""}, {"id": None}, {"id": {}}]
)
def test_not_an_instance_is_a_response_error(bad: Any) -> None:
    with pytest.raises(ResponseError):
        parse_v1_instance(bad, "h/v1/p/demanager/instances/x")
    with pytest.raises(ResponseError):
        parse_notebook(bad)


def test_response_error_names_the_endpoint() -> None:
    with pytest.raises(ResponseError) as caught:
        parse_v1_instance([], "modelarts.example/v1/p/demanager/instances/DE-1")
    assert "modelarts.example/v1/p/demanager/instances/DE-1" in str(caught.value)
    assert caught.value.endpoint == "modelarts.example/v1/p/demanager/instances/DE-1"


def test_odd_field_types_never_raise() -> None:
    inst = parse_v1_instance(
        {
            "id": 42,
            "name": ["x"],
            "status": None,
            "spec": "broken",
            "profile": 5,
            "flavor_details": [],
            "creation_timestamp": {"x": 1},
        }
    )
    assert inst.id == "42" and inst.name == "" and inst.status == "" and inst.phase is Phase.UNKNOWN


# --- notebooks instances -------------------------------------------------------------------------
def test_notebook_maps_to_the_same_model() -> None:
    inst = parse_notebook(NOTEBOOK)
    assert inst.family == FAMILY_NOTEBOOKS
    assert inst.status == "RUNNING" and inst.phase is Phase.RUNNING
    assert inst.image == "pytorch1.8-cuda10.2:v1"
    assert inst.created_ms == 1750000000000 and inst.updated_ms == 1750000100000
    assert inst.url == "https://nb.example/lab"
    stop = inst.auto_stop
    assert stop is not None
    assert stop.enabled and stop.duration_s == 3600 and stop.lease_type == "TIMING"
    assert stop.stop_at_ms == 1750000000000 + 3600000
    assert stop.lease_created_ms == 1750000000000
    assert stop.remaining_s(1750000000000 + 600_000) == 3000
    assert "token" in inst.extra and "workspace_id" in inst.extra


def test_notebook_lease_plans_a_stop_only_while_running() -> None:
    stopped = parse_notebook({**NOTEBOOK, "status": "STOPPED"})
    assert stopped.auto_stop is not None
    assert stopped.auto_stop.stop_at_ms is None and stopped.auto_stop.duration_s == 3600
    assert stopped.auto_stop.remaining_s(1750000000000) is None


def test_notebook_raw_status_is_kept() -> None:
    inst = parse_notebook({"id": "abcdefgh-1", "status": "SNAPSHOTTING"})
    assert inst.status == "SNAPSHOTTING" and inst.phase is Phase.STOPPING and inst.auto_stop is None


def test_notebook_image_without_tag() -> None:
    assert parse_notebook({"id": "abcdefgh", "image": {"swr_path": "swr.x/a/b:1"}}).image == "swr.x/a/b:1"
    assert parse_notebook({"id": "abcdefgh", "image": {"name": "n"}}).image == "n"


# --- timestamps and scalars ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1594887749962", 1594887749962),
        (1594887749962, 1594887749962),
        (1594887749, 1594887749000),
        ("1594887749", 1594887749000),
        (1594887749.5, 1594887749500),
        ("2025-06-15T15:06:40Z", 1750000000000),
        ("2025-06-15T15:06:40.000000Z", 1750000000000),
        ("2025-06-15T15:06:40", 1750000000000),
        (None, None),
        ("", None),
        ("soon", None),
        (True, None),
        (0, None),
        ([], None),
    ],
)
def test_epoch_ms(value: Any, expected: int | None) -> None:
    assert epoch_ms(value) == expected


def test_scalars() -> None:
    assert to_int("12") == 12 and to_int(3.9) == 3 and to_int(True) is None and to_int("x") is None
    assert to_bool("TRUE") and not to_bool("false") and to_bool(None, default=True) and to_bool(1)


# --- pages, actions, leases, deletes -------------------------------------------------------------
def test_v1_page() -> None:
    page = parse_v1_page({"instances": [V1_RUNNING, {"id": "DE-2"}], "total_count": 5})
    assert [i.id for i in page.instances] == [V1_RUNNING["id"], "DE-2"] and page.total == 5
    assert parse_v1_page({"instances": []}).total == 0
    assert parse_v1_page([{"id": "DE-3"}]).total == 1


def test_v1_page_that_is_not_a_list() -> None:
    with pytest.raises(ResponseError):
        parse_v1_page({"instances": {"id": "x"}})
    with pytest.raises(ResponseError):
        parse_v1_page({"instances": [{"name": "no id"}]})


def test_notebook_page() -> None:
    answer = parse_notebook_page({"current": 0, "data": [NOTEBOOK], "pages": 3, "size": 1, "total": 3})
    assert answer.page.total == 3 and answer.pages == 3 and answer.current == 0
    assert answer.page.instances[0].family == FAMILY_NOTEBOOKS


def test_v1_action() -> None:
    result = parse_v1_action({"current_status": "STOPPING", "previous_state": "RUNNING"}, "DE-1", "stop")
    assert (result.current_status, result.previous_state, result.action) == ("STOPPING", "RUNNING", "stop")
    with pytest.raises(ResponseError):
        parse_v1_action("ok", "DE-1", "stop")


def test_lease() -> None:
    lease = parse_lease({"create_at": 1750000000000, "duration": 7200000, "enable": True, "type": "TIMING"})
    assert lease.stop_at_ms == 1750007200000 and lease.type == "TIMING" and lease.enabled
    wrapped = parse_lease({"lease": {"create_at": 1, "duration": 2}})
    assert wrapped.duration_ms == 2
    with pytest.raises(ResponseError):
        parse_lease(None)


def test_deleted_id() -> None:
    assert parse_deleted_id({"instance_id": "DE-9"}, "fallback") == "DE-9"
    assert parse_deleted_id({"id": "nb-9", "status": "DELETING"}, "fallback") == "nb-9"
    assert parse_deleted_id(None, "fallback") == "fallback"


# --- JSON decoding and error bodies --------------------------------------------------------------
def test_decode_json_refuses_html_with_a_summary() -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>"
    with pytest.raises(ResponseError) as caught:
        decode_json(page, endpoint="h/v1/x", status=502)
    assert "502 Bad Gateway" in str(caught.value) and "h/v1/x" in str(caught.value)
    assert caught.value.status == 502
    with pytest.raises(ResponseError):
        decode_json(b"  ", endpoint="h/v1/x")
    with pytest.raises(ResponseError):
        decode_json(b'{"truncated": ', endpoint="h/v1/x")


def test_summarize_body() -> None:
    assert (
        summarize_body(b"<!DOCTYPE html><html><body>Oops &amp; sorry</body></html>")
        == "HTML page: Oops & sorry"
    )
    assert summarize_body(b"x" * 500).endswith("…")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            {"error_code": "ModelArts.6309", "error_message": "The instance does not exist."},
            ErrorBody("ModelArts.6309", "The instance does not exist."),
        ),
        (
            {
                "error_code": "APIGW.0301",
                "error_msg": "Incorrect IAM authentication information",
                "request_id": "r1",
            },
            ErrorBody("APIGW.0301", "Incorrect IAM authentication information", "r1"),
        ),
        (
            {
                "error": {
                    "code": 401,
                    "title": "Unauthorized",
                    "message": "The username or password is wrong.",
                }
            },
            ErrorBody("", "The username or password is wrong.", "", "Unauthorized"),
        ),
        (
            {"error": {"code": "IAM.0062", "title": "Unauthorized", "message": "wrong password"}},
            ErrorBody("IAM.0062", "wrong password", "", "Unauthorized"),
        ),
        (
            {"code": "ModelArts.0104", "message": "Parameter error"},
            ErrorBody("ModelArts.0104", "Parameter error"),
        ),
        ({"errorCode": "ModelArts.6101", "errorMsg": "busy"}, ErrorBody("ModelArts.6101", "busy")),
        ({"error_code": "ModelArts.0101"}, ErrorBody("ModelArts.0101", "")),
        ({"details": {"error_code": "X.1", "error_msg": "nested"}}, ErrorBody("X.1", "nested")),
        ({"unrelated": 1}, ErrorBody()),
    ],
)
def test_error_body_shapes(body: dict[str, Any], expected: ErrorBody) -> None:
    assert parse_error_body(json.dumps(body).encode()) == expected


def test_error_body_not_json() -> None:
    assert parse_error_body(b"<html>oops</html>") is None
    assert parse_error_body(b"[1, 2]") is None


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=5),
    max_leaves=20,
)
_keys = st.sampled_from(sorted(V1_RUNNING) + sorted(NOTEBOOK) + ["spec", "lease", "auto_stop", "image"])


@given(st.dictionaries(_keys, _json, max_size=10) | _json)
def test_parsers_only_ever_raise_response_error(data: Any) -> None:
    for parse in (parse_v1_instance, parse_notebook, parse_v1_page, parse_lease, parse_notebook_page):
        with contextlib.suppress(ResponseError):
            parse(data)
    parse_error_body(data)


# --- list calls follow every page (MockTransport) ------------------------------------------------
def _client(
    handler: Any, sleep: Callable[[float], Awaitable[None]], family: str = FAMILY_V1
) -> ModelArtsClient:
    return ModelArtsClient(
        "https://modelarts.test",
        PID,
        TokenAuth(Secret("tok-parse-test")),
        family=family,
        transport=httpx.MockTransport(handler),
        sleep=sleep,
    )


async def test_v1_list_asks_for_all_and_follows_total_count(
    no_sleep: Callable[[float], Awaitable[None]],
) -> None:
    queries: list[str] = []
    everything = [{"id": f"DE-{n:04d}-abcdef", "status": "STOPPED"} for n in range(5)]

    def handler(request: httpx.Request) -> httpx.Response:
        queries.append(request.url.query.decode())
        offset = int(request.url.params.get("offset", "0"))
        return httpx.Response(200, json={"instances": everything[offset : offset + 2], "total_count": 5})

    async with _client(handler, no_sleep) as client:
        listed = await client.list_instances(status="stopped", sort="name", order="DESC")
    assert [i.id for i in listed] == [e["id"] for e in everything]
    assert queries[0] == "de_type=Notebook&limit=0&order=desc&sortby=name&status=STOPPED"
    assert queries[1:] == [
        "de_type=Notebook&limit=0&offset=2&order=desc&sortby=name&status=STOPPED",
        "de_type=Notebook&limit=0&offset=4&order=desc&sortby=name&status=STOPPED",
    ]


async def test_v1_list_stops_when_the_server_sends_nothing_new(
    no_sleep: Callable[[float], Awaitable[None]],
) -> None:
    calls = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(200, json={"instances": [{"id": "DE-0001-abcdef"}], "total_count": 9})

    async with _client(handler, no_sleep) as client:
        assert len(await client.list_instances()) == 1
    assert calls == 2


async def test_notebooks_list_pages_by_50(no_sleep: Callable[[float], Awaitable[None]]) -> None:
    queries: list[str] = []
    everything = [{"id": f"nb-{n:04d}-abcdef", "status": "RUNNING"} for n in range(120)]

    def handler(request: httpx.Request) -> httpx.Response:
        queries.append(request.url.query.decode())
        limit = int(request.url.params["limit"])
        offset = int(request.url.params["offset"])
        data = everything[offset : offset + limit]
        return httpx.Response(
            200, json={"current": offset // limit, "data": data, "pages": 3, "size": limit, "total": 120}
        )

    async with _client(handler, no_sleep, FAMILY_NOTEBOOKS) as client:
        listed = await client.list_instances(sort="creation_timestamp", order="asc")
    assert len(listed) == 120 and all(i.family == FAMILY_NOTEBOOKS for i in listed)
    assert queries == [f"limit=50&offset={o}&sort_dir=ASC&sort_key=create_at" for o in (0, 50, 100)]


@pytest.mark.parametrize(
    ("body", "name"),
    [
        (b'{"name": "nb\xed\xa0\x80"}', "nb\\ud800"),  # a lone surrogate written raw (not UTF-8)
        (b'{"name": "nb\\ud800"}', "nb\\ud800"),  # the same as a JSON escape
        (b'{"name": "nb\x7f\xc2\x9b"}', "nb\\x7f\\x9b"),  # DEL and C1 CSI raw
    ],
)
def test_decoded_answers_show_surrogates_and_controls_as_escapes(body: bytes, name: str) -> None:
    assert decode_json(body) == {"name": name}
