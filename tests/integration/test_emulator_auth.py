"""Gateway-grade authentication of the emulator: tokens, SDK-HMAC-SHA256, the date window, AK lockout."""

from __future__ import annotations

import email.utils
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
import pytest

from tui.api.signer import sign_full
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, DEMO_TOKEN, Emulator, EmulatorConfig, ManualClock

if TYPE_CHECKING:
    from tests.conftest import EmuClient

VECTORS = json.loads((Path(__file__).parents[1] / "data" / "sign_vectors.json").read_text())["vectors"]
LOCAL_VECTORS = [v for v in VECTORS if urlsplit(v["input"]["url"]).netloc == "127.0.0.1:8080"]


def _refused(response: httpx.Response, reason: str) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["error_code"] == "APIGW.0301"
    assert body["error_msg"].startswith("Incorrect IAM authentication information: ")
    assert reason in body["error_msg"], body["error_msg"]
    assert body["request_id"] == response.headers["X-Request-Id"]


def test_a_correct_signature_is_accepted(emu_api: EmuClient) -> None:
    assert emu_api.signed("GET", emu_api.v1(), query="de_type=Notebook&limit=2").status_code == 200


def test_wrong_sk_is_refused(emu_api: EmuClient) -> None:
    response = emu_api.signed("GET", emu_api.v1(), query="de_type=Notebook", sk="not-the-secret")
    _refused(response, "verify aksk signature fail")


def test_unknown_ak_is_refused(emu_api: EmuClient) -> None:
    _refused(
        emu_api.signed("GET", emu_api.v1(), query="de_type=Notebook", ak="NOSUCHAK000000000000"),
        "ak not exist",
    )


@pytest.mark.parametrize("offset_s", [-20 * 60, 20 * 60])
def test_a_date_twenty_minutes_off_is_refused_with_the_server_time(emu_api: EmuClient, offset_s: int) -> None:
    response = emu_api.signed("GET", emu_api.v1(), query="de_type=Notebook", date=emu_api.date(offset_s))
    _refused(response, "signature expired")
    assert f"server time:{emu_api.date()}" in response.json()["error_msg"]


def test_a_date_fourteen_minutes_off_is_still_accepted(emu_api: EmuClient) -> None:
    response = emu_api.signed("GET", emu_api.v1(), query="de_type=Notebook", date=emu_api.date(-14 * 60))
    assert response.status_code == 200


@pytest.mark.parametrize(("date", "reason"), [("yesterday", "invalid x-sdk-date"), ("", "x-sdk-date")])
def test_a_bad_or_missing_date_is_refused(emu_api: EmuClient, date: str, reason: str) -> None:
    url = emu_api.emu.url + emu_api.v1() + "?de_type=Notebook"
    signature = sign_full(
        "GET", url, {"Content-Type": "application/json"}, None, DEMO_AK, DEMO_SK, date or "x"
    )
    headers = {"Content-Type": "application/json", "Authorization": signature.authorization}
    if date:
        headers["X-Sdk-Date"] = date
    _refused(emu_api.http.get(url, headers=headers), reason)


def test_a_tampered_body_is_refused_and_nothing_happens(emu_api: EmuClient, emulator: Emulator) -> None:
    instance_id = emulator.store.add("guarded", "STOPPED")
    url = emu_api.emu.url + emu_api.v1(f"/{instance_id}/action")
    date = emu_api.date()
    signed = sign_full(
        "POST", url, {"Content-Type": "application/json"}, b'{"action": "stop"}', DEMO_AK, DEMO_SK, date
    )
    headers = {"Content-Type": "application/json", "X-Sdk-Date": date, "Authorization": signed.authorization}
    _refused(
        emu_api.http.post(url, headers=headers, content=b'{"action": "start"}'), "verify aksk signature fail"
    )
    record = emulator.store.get(instance_id)
    assert record is not None and record.status == "STOPPED"


def test_a_tampered_query_is_refused(emu_api: EmuClient) -> None:
    base = emu_api.emu.url + emu_api.v1()
    date = emu_api.date()
    signed = sign_full("GET", base + "?de_type=Notebook&limit=1", {}, None, DEMO_AK, DEMO_SK, date)
    headers = {"X-Sdk-Date": date, "Authorization": signed.authorization}
    _refused(
        emu_api.http.get(base + "?de_type=Notebook&limit=2", headers=headers), "verify aksk signature fail"
    )


def test_a_request_without_credentials_is_refused(emu_api: EmuClient) -> None:
    _refused(emu_api.http.get(emu_api.emu.url + emu_api.v1() + "?de_type=Notebook"), "x-auth-token not found")


def test_an_issued_token_works_the_openstack_way_and_expires(
    emu_api: EmuClient, emulator: Emulator, clock: ManualClock
) -> None:
    token = emulator.issue_token()
    query = "de_type=Notebook&sortby=name&limit=3&offset=0"  # insertion order, not canonical
    response = emu_api.with_token("GET", emu_api.v1(), token, query=query)
    assert response.status_code == 200 and len(response.json()["instances"]) == 3
    clock.advance(86400 - 1)
    assert emu_api.with_token("GET", emu_api.v1(), token, query=query).status_code == 200
    clock.advance(1)
    _refused(emu_api.with_token("GET", emu_api.v1(), token, query=query), "expired")


def test_an_unknown_token_is_refused(emu_api: EmuClient) -> None:
    _refused(
        emu_api.with_token("GET", emu_api.v1(), "MIIbogus", query="de_type=Notebook"), "decrypt token fail"
    )


def test_the_configured_pre_issued_token_never_expires(clock: ManualClock) -> None:
    config = EmulatorConfig(clock=clock, token=DEMO_TOKEN, instances=2)
    with Emulator(config) as emu, httpx.Client(verify=False) as http:
        url = f"{emu.url}/v1/{DEMO_PROJECT_ID}/demanager/instances?de_type=Notebook"
        clock.advance(10 * 86400)
        response = http.get(url, headers={"X-Auth-Token": DEMO_TOKEN})
        assert response.status_code == 200 and response.json()["total_count"] == 2


def test_five_failures_do_not_lock_but_six_lock_the_ak_for_five_minutes(
    emu_api: EmuClient, clock: ManualClock
) -> None:
    def attempt(sk: str) -> httpx.Response:
        return emu_api.signed("GET", emu_api.v1(), query="de_type=Notebook&limit=1", sk=sk)

    for _ in range(5):
        _refused(attempt("wrong"), "verify aksk signature fail")
    assert attempt(DEMO_SK).status_code == 200  # a success resets the count
    for _ in range(5):
        _refused(attempt("wrong"), "verify aksk signature fail")
    _refused(attempt("wrong"), "AK access failed to reach the limit,forbidden")
    _refused(attempt(DEMO_SK), "AK access failed to reach the limit,forbidden")
    clock.advance(299)
    _refused(attempt(DEMO_SK), "AK access failed to reach the limit,forbidden")
    clock.advance(1)
    assert attempt(DEMO_SK).status_code == 200


@pytest.mark.parametrize("vector", LOCAL_VECTORS, ids=[v["name"] for v in LOCAL_VECTORS])
def test_the_official_sdk_header_sets_are_accepted(emu_api: EmuClient, vector: dict[str, Any]) -> None:
    spec = vector["input"]
    parts = urlsplit(spec["url"])
    url = emu_api.emu.url + parts.path + (f"?{parts.query}" if parts.query else "")
    headers = dict(spec["headers"])
    if spec.get("project_id"):
        headers["X-Project-Id"] = spec["project_id"]
    if spec.get("security_token"):
        headers["X-Security-Token"] = spec["security_token"]
    body = None if spec["body"] is None else spec["body"].encode()
    date = emu_api.date()
    signature = sign_full(spec["method"], url, headers, body, DEMO_AK, DEMO_SK, date)
    assert signature.signed_headers == vector["expected"]["signed_headers"]
    sent = {**headers, "X-Sdk-Date": date, "Authorization": signature.authorization}
    response = emu_api.http.request(spec["method"], url, headers=sent, content=body)
    assert response.status_code != 401, response.text
    if "de_type=Notebook" in parts.query:
        assert response.status_code == 200
    else:  # auth passed; a list without de_type or an action without a body is 0101, else no such instance
        listing = parts.path.rstrip("/").endswith("/demanager/instances")
        bodiless_action = spec["method"] == "POST" and not body
        expected = "ModelArts.0101" if listing or bodiless_action else "ModelArts.6309"
        assert response.json()["error_code"] == expected


def test_sdk_style_start_with_spaced_json_body(emu_api: EmuClient, emulator: Emulator) -> None:
    instance_id = emulator.store.add("sdk", "STOPPED")
    headers = {
        "User-Agent": "huaweicloud-usdk-python/3.0",
        "X-Project-Id": DEMO_PROJECT_ID,
    }
    response = emu_api.signed(
        "POST", emu_api.v1(f"/{instance_id}/action"), body=b'{"action": "start"}', headers=headers
    )
    assert response.json() == {"current_status": "STARTING", "previous_state": "STOPPED"}


def test_a_signed_utf8_header_value_verifies(emu_api: EmuClient) -> None:
    url = emu_api.emu.url + emu_api.v1() + "?de_type=Notebook"
    date = emu_api.date()
    headers = {"Content-Type": "application/json", "X-Note": "grüße"}
    signature = sign_full("GET", url, headers, None, DEMO_AK, DEMO_SK, date)
    raw = [
        (b"Content-Type", b"application/json"),
        (b"X-Note", "grüße".encode()),
        (b"X-Sdk-Date", date.encode()),
        (b"Authorization", signature.authorization.encode()),
    ]
    assert emu_api.http.get(url, headers=raw).status_code == 200


def test_a_project_that_is_not_the_credentials_project(emu_api: EmuClient) -> None:
    other = "f" * 32
    response = emu_api.signed("GET", emu_api.v1(pid=other), query="de_type=Notebook")
    assert response.status_code == 400
    assert response.json() == {
        "error_code": "ModelArts.0210",
        "error_message": f"Invalid project ID {other}: it does not match the project of the credentials.",
    }
    header = emu_api.signed("GET", emu_api.v1(), query="de_type=Notebook", headers={"X-Project-Id": other})
    assert header.status_code == 400 and header.json()["error_code"] == "ModelArts.0210"
    notebooks = emu_api.signed("GET", emu_api.nb(pid=other))
    assert notebooks.json()["error_code"] == "ModelArts.0210" and "error_msg" in notebooks.json()


def test_every_answer_has_a_request_id_and_the_emulator_date(emu_api: EmuClient, clock: ManualClock) -> None:
    answers = [
        emu_api.signed("GET", emu_api.v1(), query="de_type=Notebook"),
        emu_api.signed("GET", emu_api.v1(), query="de_type=Notebook", sk="bad"),
        emu_api.signed("GET", "/v2/nothing/here"),
    ]
    ids = set()
    for response in answers:
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])
        ids.add(response.headers["X-Request-Id"])
        date = email.utils.parsedate_to_datetime(response.headers["Date"])
        assert date.timestamp() == int(clock())
    assert len(ids) == 3


def test_an_unknown_path_or_method_is_apigw_0101(emu_api: EmuClient) -> None:
    for method, path in (("GET", "/v2/nothing/here"), ("PATCH", emu_api.v1())):
        response = emu_api.signed(method, path)
        assert response.status_code == 404
        body = response.json()
        assert body["error_code"] == "APIGW.0101" and body["request_id"] == response.headers["X-Request-Id"]


def test_requests_are_recorded_for_tests_to_count(emu_api: EmuClient, emulator: Emulator) -> None:
    instance_id = emulator.store.add("counted", "STOPPED")
    emu_api.signed("POST", emu_api.v1(f"/{instance_id}/action"), body={"action": "start"})
    emu_api.signed("GET", emu_api.v1(f"/{instance_id}"))
    posts = [r for r in emulator.requests if r.method == "POST"]
    assert len(posts) == 1
    assert posts[0].path.endswith("/action") and posts[0].body == b'{"action": "start"}'
    assert posts[0].status == 200 and posts[0].headers["authorization"].startswith("SDK-HMAC-SHA256 ")
    assert posts[0].at == emulator.clock()
