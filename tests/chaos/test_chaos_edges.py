"""Edges the chaos run relies on, pinned one by one: unreadable answers are failed call records,
answers without an error code still carry a meaning, and a bug in one profile's call costs that
profile's answer only."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tui.config.model import Profile
from tui.core.callfmt import NO_ANSWER, UNREADABLE, explain_call
from tui.core.errors import (
    ConnectError,
    ConnectionDroppedError,
    ModelArtsError,
    RequestTimeoutError,
    ResponseError,
    TLSError,
)
from tui.core.models import ApiCall
from tui.core.secret import Secret
from tui.service import InstanceService

PID = "0123456789abcdef0123456789abcdef"
SK = "SkEdgeCanary-0f9e8d7c6b5a"
LIST = b'{"instances":[{"id":"DE-7d558ef8-c73d-11ea-964c-0255ac100033","name":"a","status":"RUNNING"}],"total_count":1}'


def _profile(name: str, api: str = "devenv-v1") -> Profile:
    return Profile(
        name=name,
        project_id=PID,
        endpoint="https://modelarts.test",
        ak="AKEDGE0000000001",
        sk=Secret(SK),
        api=api,
    )


async def _one_call(status: int, body: bytes, headers: dict[str, str] | None = None) -> tuple[ApiCall, Any]:
    calls: list[ApiCall] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=body, headers=headers or {})

    svc = InstanceService([_profile("p")], on_call=calls.append, transport=httpx.MockTransport(handler))
    try:
        (state,) = (await svc.refresh()).profiles
    finally:
        await svc.aclose()
    return calls[0], state


@pytest.mark.parametrize(
    ("status", "body", "headers", "reason"),
    [
        (
            200,
            b"<!DOCTYPE html><html><head><title>Sign in</title></head><body>login</body></html>",
            None,
            "answer is not JSON",
        ),
        (200, b'{"instances": [{"id": "DE-7d558ef8-c73d-11ea-964c-02', None, "answer is not JSON"),
        (
            302,
            b"",
            {"Location": "https://login.example/sso"},
            "unexpected redirect (HTTP 302) to https://login.example/sso",
        ),
    ],
    ids=["login-page", "cut-off-json", "redirect"],
)
async def test_an_unreadable_success_is_a_failed_call_record(
    status: int, body: bytes, headers: dict[str, str] | None, reason: str
) -> None:
    call, state = await _one_call(status, body, headers)
    assert call.status == status and call.unreadable and not call.ok
    assert call.message is not None and call.message.startswith(reason), call.message
    assert explain_call(call) == UNREADABLE
    assert isinstance(state.error, ResponseError) and state.error.meaning and state.error.hint


async def test_a_readable_success_is_ok() -> None:
    call, state = await _one_call(200, LIST)
    assert call.ok and not call.unreadable and explain_call(call) is None
    assert state.ok and state.count == 1


def test_a_call_without_an_answer_is_explained() -> None:
    call = ApiCall(
        at=0, method="GET", path="/x", status=None, latency_ms=500, message="no answer within 0.5s"
    )
    assert not call.ok and explain_call(call) == NO_ANSWER


@pytest.mark.parametrize(
    "kind", [ConnectError, RequestTimeoutError, TLSError, ConnectionDroppedError, ResponseError]
)
def test_errors_without_a_code_carry_a_meaning_and_a_hint(kind: type[ModelArtsError]) -> None:
    error = kind("something happened", endpoint="h/p")
    assert error.meaning and error.hint and str(error) == "something happened"
    given = kind("x", endpoint="h/p")
    given.meaning = "kept"
    assert given.meaning == "kept"


async def test_a_bug_in_one_profile_costs_only_that_profile() -> None:
    """A non-API exception (a bug) becomes that profile's error, redacted; the other profile is fine."""

    def handler(request: httpx.Request) -> httpx.Response:
        if "/notebooks" in request.url.path:
            raise RuntimeError(f"boom while holding {SK}")
        return httpx.Response(200, content=LIST)

    svc = InstanceService(
        [_profile("ok"), _profile("broken", api="notebooks")], transport=httpx.MockTransport(handler)
    )
    try:
        result = await svc.refresh()
    finally:
        await svc.aclose()
    by_name = {s.name: s for s in result.profiles}
    assert by_name["ok"].ok and by_name["ok"].count == 1
    broken = by_name["broken"]
    assert not broken.ok and isinstance(broken.error, ModelArtsError)
    assert "unexpected RuntimeError" in str(broken.error) and "'broken'" in str(broken.error)
    assert SK not in str(broken.error) and broken.error.meaning
