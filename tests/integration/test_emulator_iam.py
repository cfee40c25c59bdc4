"""IAM on the emulator's port: password tokens, scopes, expiry on the emulator clock, project lookup."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx

from tui.emulator import DEMO_DOMAIN, DEMO_PASSWORD, DEMO_PROJECT_ID, DEMO_USER, Emulator, ManualClock

if TYPE_CHECKING:
    from tests.conftest import EmuClient


def _password_body(password: str = DEMO_PASSWORD, scope: dict[str, Any] | None = None) -> dict[str, Any]:
    auth: dict[str, Any] = {
        "identity": {
            "methods": ["password"],
            "password": {"user": {"name": DEMO_USER, "password": password, "domain": {"name": DEMO_DOMAIN}}},
        }
    }
    if scope is not None:
        auth["scope"] = scope
    return {"auth": auth}


def _token(emulator: Emulator, body: dict[str, Any], query: str = "") -> httpx.Response:
    url = f"{emulator.url}/v3/auth/tokens" + (f"?{query}" if query else "")
    headers = {"Content-Type": "application/json;charset=utf8"}
    with httpx.Client(verify=False) as http:
        return http.post(url, json=body, headers=headers)


def _keystone_error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == status and error["title"]
    return str(error["message"])


def test_password_token_scoped_by_project_name(
    emulator: Emulator, emu_api: EmuClient, clock: ManualClock
) -> None:
    response = _token(emulator, _password_body(scope={"project": {"name": "eu-de"}}))
    assert response.status_code == 201
    subject = response.headers["X-Subject-Token"]
    token = response.json()["token"]
    assert token["project"]["id"] == DEMO_PROJECT_ID and token["project"]["name"] == "eu-de"
    assert token["project"]["domain"]["name"] == DEMO_DOMAIN
    assert token["user"]["name"] == DEMO_USER and token["methods"] == ["password"]
    issued = datetime.strptime(token["issued_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    expires = datetime.strptime(token["expires_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert issued.timestamp() == clock() and (expires - issued).total_seconds() == 86400
    modelarts = next(s for s in token["catalog"] if s["type"] == "modelarts")
    assert modelarts["endpoints"][0]["url"] == f"{emulator.url}/v1/{DEMO_PROJECT_ID}"
    assert emu_api.with_token("GET", emu_api.v1(), subject, query="de_type=Notebook").status_code == 200
    clock.advance(86400)
    assert emu_api.with_token("GET", emu_api.v1(), subject, query="de_type=Notebook").status_code == 401


def test_password_token_scoped_by_project_id_without_catalog(emulator: Emulator) -> None:
    response = _token(emulator, _password_body(scope={"project": {"id": DEMO_PROJECT_ID}}), "nocatalog=true")
    assert response.status_code == 201
    assert response.json()["token"]["project"]["id"] == DEMO_PROJECT_ID
    assert "catalog" not in response.json()["token"]


def test_wrong_password_or_unknown_user_is_401_in_keystone_shape(emulator: Emulator) -> None:
    message = _keystone_error(_token(emulator, _password_body("nope", {"project": {"name": "eu-de"}})), 401)
    assert "password" in message
    stranger = _password_body(scope={"project": {"name": "eu-de"}})
    stranger["auth"]["identity"]["password"]["user"]["domain"] = {"name": "someone-else"}
    _keystone_error(_token(emulator, stranger), 401)
    assert "X-Subject-Token" not in _token(emulator, stranger).headers


def test_an_unknown_project_scope_is_refused(emulator: Emulator) -> None:
    _keystone_error(_token(emulator, _password_body(scope={"project": {"name": "eu-nl"}})), 401)


def test_a_malformed_token_request_is_400(emulator: Emulator) -> None:
    _keystone_error(_token(emulator, {"auth": {}}), 400)


def test_a_domain_token_cannot_call_modelarts(emulator: Emulator, emu_api: EmuClient) -> None:
    response = _token(emulator, _password_body(scope={"domain": {"name": DEMO_DOMAIN}}))
    assert response.status_code == 201 and "project" not in response.json()["token"]
    listed = emu_api.with_token(
        "GET", emu_api.v1(), response.headers["X-Subject-Token"], query="de_type=Notebook"
    )
    assert listed.status_code == 400 and listed.json()["error_code"] == "ModelArts.0204"


def test_projects_by_name_with_a_token_or_a_signature(emulator: Emulator, emu_api: EmuClient) -> None:
    token = emulator.issue_token()
    found = emu_api.with_token("GET", "/v3/projects", token, query="name=eu-de").json()
    assert [p["id"] for p in found["projects"]] == [DEMO_PROJECT_ID]
    project = found["projects"][0]
    assert project["enabled"] is True and project["domain_id"] and project["name"] == "eu-de"
    assert "links" in found
    assert emu_api.with_token("GET", "/v3/projects", token, query="name=eu-nl").json()["projects"] == []
    signed = emu_api.signed("GET", "/v3/projects", query="name=eu-de")
    assert signed.status_code == 200 and signed.json()["projects"][0]["id"] == DEMO_PROJECT_ID


def test_projects_need_credentials(emulator: Emulator, emu_api: EmuClient) -> None:
    message = _keystone_error(emu_api.with_token("GET", "/v3/projects", "MIIbogus", query="name=eu-de"), 401)
    assert "requires authentication" in message
