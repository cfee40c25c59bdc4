"""AkSkAuth, TokenAuth and IamPasswordAuth on a MockTransport: headers, signature, token cache."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tui.api import signer
from tui.api.auth import AkSkAuth, IamPasswordAuth, TokenAuth, iam_base
from tui.api.client import ModelArtsClient
from tui.core.errors import ApiError, AuthError, ServerError, ValidationError
from tui.core.models import ApiCall
from tui.core.secret import Secret

PID = "0123456789abcdef0123456789abcdef"
AK = "AKUNITTEST0000000001"
SK = "SkUnitTestDistinctive-4f1e2d3c4b5a69788796"
PASSWORD = "Pw-UnitTest-Distinctive-77"
T0 = 1_750_000_000.0
INSTANCE = {"id": "DE-00000000-0000-0000-0000-000000000001", "name": "n1", "status": "STOPPED"}
IID = INSTANCE["id"]


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


MakeClient = Callable[..., ModelArtsClient]


@pytest.fixture
def make_client(no_sleep: Callable[[float], Awaitable[None]]) -> MakeClient:
    """``make_client(handler, auth, calls=None, project_id=PID, **kwargs)``: a client on a MockTransport."""

    def factory(
        handler: Callable[[httpx.Request], httpx.Response],
        auth: httpx.Auth,
        calls: list[ApiCall] | None = None,
        project_id: str = PID,
        **kwargs: Any,
    ) -> ModelArtsClient:
        return ModelArtsClient(
            "http://127.0.0.1:8443",
            project_id,
            auth,
            transport=httpx.MockTransport(handler),
            on_call=calls.append if calls is not None else None,
            sleep=no_sleep,
            **kwargs,
        )

    return factory


def verify(request: httpx.Request, sk: str = SK) -> bool:
    parsed = signer.parse_authorization(request.headers["Authorization"])
    assert parsed is not None
    headers = [(k.decode(), v.decode()) for k, v in request.headers.raw]
    return signer.verify(
        request.method,
        request.url.path,
        request.url.query.decode(),
        headers,
        request.content,
        sk,
        parsed,
        request.headers["X-Sdk-Date"],
    )


# --- AK/SK ---------------------------------------------------------------------------------------
async def test_aksk_signs_what_it_sends(make_client: MakeClient) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "GET":
            return httpx.Response(200, json=INSTANCE)
        return httpx.Response(200, json={"current_status": "STARTING", "previous_state": "STOPPED"})

    clock = Clock()
    auth = AkSkAuth(AK, Secret(SK), project_id=PID, security_token=Secret("SecTok-distinct-123"), clock=clock)
    async with make_client(handler, auth) as client:
        await client.get_instance(IID)
        await client.start(IID)
    get, post = seen
    for request in seen:
        assert verify(request)
        assert request.headers["Host"] == "127.0.0.1:8443"
        assert request.headers["Content-Type"] == "application/json"
        assert request.headers["X-Project-Id"] == PID
        assert request.headers["X-Security-Token"] == "SecTok-distinct-123"
        assert request.headers["X-Sdk-Date"] == "20250615T150640Z"
        signed = signer.parse_authorization(request.headers["Authorization"])
        assert signed is not None and signed.access == AK
        assert {"content-type", "host", "x-project-id", "x-sdk-date", "x-security-token"} <= set(
            signed.signed_headers
        )
        assert not {"accept-encoding", "connection", "content-length"} & set(signed.signed_headers)
    assert get.content == b""
    assert post.content == b'{"action":"start"}'


async def test_aksk_tampered_body_fails_verification(make_client: MakeClient) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"current_status": "STARTING", "previous_state": "STOPPED"})

    async with make_client(handler, AkSkAuth(AK, Secret(SK), clock=Clock())) as client:
        await client.start(IID)
    request = seen[0]
    parsed = signer.parse_authorization(request.headers["Authorization"])
    assert parsed is not None
    headers = [(k.decode(), v.decode()) for k, v in request.headers.raw]
    assert not signer.verify(
        "POST", request.url.path, "", headers, b'{"action":"stop"}', SK, parsed, request.headers["X-Sdk-Date"]
    )


async def test_aksk_query_on_the_wire_is_the_signed_canonical_query(make_client: MakeClient) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"instances": [], "total_count": 0})

    async with make_client(handler, AkSkAuth(AK, Secret(SK), clock=Clock())) as client:
        await client.list_instances(status="RUNNING", sort="creation_timestamp", order="desc")
    request = seen[0]
    raw_query = request.url.query.decode()
    assert raw_query == signer.canonical_query(signer.parse_query(raw_query))
    assert "+" not in raw_query
    assert verify(request)


async def test_aksk_fresh_date_per_attempt(make_client: MakeClient) -> None:
    dates: list[str] = []
    clock = Clock()

    def handler(request: httpx.Request) -> httpx.Response:
        dates.append(request.headers["X-Sdk-Date"])
        assert verify(request)
        clock.now += 61
        if len(dates) < 3:
            return httpx.Response(503, json={"error_code": "APIGW.0201", "error_msg": "busy"})
        return httpx.Response(200, json=INSTANCE)

    async with make_client(handler, AkSkAuth(AK, Secret(SK), clock=clock)) as client:
        await client.get_instance(IID)
    assert len(dates) == 3 and len(set(dates)) == 3


def test_aksk_refuses_empty_credentials() -> None:
    with pytest.raises(ValidationError) as caught:
        AkSkAuth("", Secret(SK))
    assert caught.value.field == "ak"
    with pytest.raises(ValidationError) as caught:
        AkSkAuth(AK, Secret(""))
    assert caught.value.field == "sk"


def test_reprs_never_show_secrets() -> None:
    auths: list[object] = [
        AkSkAuth(AK, Secret(SK), project_id=PID, security_token=Secret("SecTok-distinct-123")),
        TokenAuth(Secret("Token-distinct-abc")),
        IamPasswordAuth("https://iam.test", "dom", "usr", Secret(PASSWORD), project_name="eu-de"),
    ]
    for auth in auths:
        text = repr(auth) + str(auth)
        for secret in (SK, "SecTok-distinct-123", "Token-distinct-abc", PASSWORD, AK):
            assert secret not in text


def test_secret_values_list_what_redaction_must_mask() -> None:
    assert set(AkSkAuth(AK, Secret(SK), security_token=Secret("st-1234")).secret_values()) == {SK, "st-1234"}
    assert TokenAuth(Secret("tok-1234")).secret_values() == ("tok-1234",)


# --- token ---------------------------------------------------------------------------------------
async def test_token_auth_sets_x_auth_token(make_client: MakeClient) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=INSTANCE)

    async with make_client(handler, TokenAuth(Secret("Token-distinct-abc"))) as client:
        await client.get_instance(IID)
    assert seen[0].headers["X-Auth-Token"] == "Token-distinct-abc"
    assert seen[0].headers["Content-Type"] == "application/json"
    assert "Authorization" not in seen[0].headers


# --- IAM password --------------------------------------------------------------------------------
class FakeCloud:
    """IAM + ModelArts on one MockTransport: issues numbered tokens, accepts the ones listed valid."""

    def __init__(self, clock: Clock, ttl: float = 86400) -> None:
        self.clock = clock
        self.ttl = ttl
        self.issued: list[str] = []
        self.valid: set[str] = set()
        self.token_bodies: list[dict[str, Any]] = []
        self.token_paths: list[str] = []
        self.modelarts_tokens: list[str] = []
        self.iam_answer: httpx.Response | None = None
        self.refuse_all = False

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v3/auth/tokens":
            self.token_paths.append(str(request.url))
            self.token_bodies.append(json.loads(request.content))
            assert request.headers["Content-Type"].startswith("application/json")
            assert request.extensions.get("timeout"), "a token request must have timeouts too"
            if self.iam_answer is not None:
                return self.iam_answer
            token = f"MIIToken-{len(self.issued) + 1:04d}"
            self.issued.append(token)
            self.valid.add(token)
            expires = (
                datetime.fromtimestamp(self.clock() + self.ttl, tz=UTC).isoformat().replace("+00:00", "Z")
            )
            return httpx.Response(
                201,
                headers={"X-Subject-Token": token},
                json={"token": {"expires_at": expires, "project": {"id": PID, "name": "eu-de"}}},
            )
        token = request.headers.get("X-Auth-Token", "")
        self.modelarts_tokens.append(token)
        if token not in self.valid or self.refuse_all:
            return httpx.Response(
                401, json={"error_code": "APIGW.0301", "error_msg": "Incorrect token", "request_id": "rq-1"}
            )
        return httpx.Response(200, json=INSTANCE)


IamClient = Callable[..., ModelArtsClient]


@pytest.fixture
def iam_client(make_client: MakeClient) -> IamClient:
    """``iam_client(cloud, calls=None, project_id=PID, **auth_kwargs)``: a client whose token comes from IAM."""

    def factory(
        cloud: FakeCloud, calls: list[ApiCall] | None = None, project_id: str = PID, **auth_kwargs: Any
    ) -> ModelArtsClient:
        kwargs: dict[str, Any] = {"project_id": PID} if project_id else {"project_name": "eu-de"}
        kwargs.update(auth_kwargs)
        auth = IamPasswordAuth(
            "http://127.0.0.1:8443/v3", "dom", "usr", Secret(PASSWORD), clock=cloud.clock, **kwargs
        )
        return make_client(cloud.handler, auth, calls, project_id=project_id)

    return factory


async def test_iam_token_request_body_and_cache(iam_client: IamClient) -> None:
    cloud = FakeCloud(Clock())
    calls: list[ApiCall] = []
    async with iam_client(cloud, calls) as client:
        await client.get_instance(IID)
        await client.get_instance(IID)
    assert cloud.issued == ["MIIToken-0001"]
    assert cloud.modelarts_tokens == ["MIIToken-0001", "MIIToken-0001"]
    assert cloud.token_bodies[0] == {
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {"user": {"name": "usr", "password": PASSWORD, "domain": {"name": "dom"}}},
            },
            "scope": {"project": {"id": PID}},
        }
    }
    assert cloud.token_paths[0].startswith("http://127.0.0.1:8443/v3/auth/tokens")
    assert [(c.method, c.path.split("?")[0], c.status) for c in calls] == [
        ("POST", "/v3/auth/tokens", 201),
        ("GET", f"/v1/{PID}/demanager/instances/{IID}", 200),
        ("GET", f"/v1/{PID}/demanager/instances/{IID}", 200),
    ]
    assert PASSWORD not in repr(calls) and "MIIToken" not in repr(calls)


async def test_concurrent_calls_share_one_token_request(iam_client: IamClient) -> None:
    cloud = FakeCloud(Clock())
    async with iam_client(cloud) as client:
        await asyncio.gather(*(client.get_instance(IID) for _ in range(8)))
    assert cloud.issued == ["MIIToken-0001"] and len(cloud.modelarts_tokens) == 8


async def test_iam_token_renewed_shortly_before_expiry(iam_client: IamClient) -> None:
    clock = Clock()
    cloud = FakeCloud(clock, ttl=3600)
    async with iam_client(cloud) as client:
        await client.get_instance(IID)
        clock.now += 3600 - 400  # more than 5 min left: still cached
        await client.get_instance(IID)
        assert len(cloud.issued) == 1
        clock.now += 200  # less than 5 min left: renewed before use
        await client.get_instance(IID)
    assert len(cloud.issued) == 2


async def test_iam_project_name_scope_and_project_id_from_token(iam_client: IamClient) -> None:
    cloud = FakeCloud(Clock())
    calls: list[ApiCall] = []
    async with iam_client(cloud, calls, project_id="") as client:
        await client.get_instance(IID)
        assert client.project_id == PID
    assert cloud.token_bodies[0]["auth"]["scope"] == {"project": {"name": "eu-de"}}
    assert len(cloud.issued) == 1
    assert calls[1].path == f"/v1/{PID}/demanager/instances/{IID}"


async def test_iam_revoked_token_is_refetched_once(iam_client: IamClient) -> None:
    cloud = FakeCloud(Clock())
    calls: list[ApiCall] = []
    async with iam_client(cloud, calls) as client:
        await client.get_instance(IID)
        cloud.valid.clear()  # the service forgets every token
        instance = await client.get_instance(IID)
    assert instance.id == IID
    assert cloud.issued == ["MIIToken-0001", "MIIToken-0002"]
    assert cloud.modelarts_tokens == ["MIIToken-0001", "MIIToken-0001", "MIIToken-0002"]
    last = calls[-1]
    assert (last.status, last.attempt) == (200, 2)
    assert [c.status for c in calls] == [201, 200, 401, 201, 200]


async def test_iam_token_refused_twice_is_a_clear_auth_error(iam_client: IamClient) -> None:
    cloud = FakeCloud(Clock())
    async with iam_client(cloud) as client:
        await client.get_instance(IID)
        cloud.refuse_all = True
        with pytest.raises(AuthError) as caught:
            await client.get_instance(IID)
    error = caught.value
    assert error.status == 401 and error.code == "APIGW.0301"
    assert "fresh" in str(error) and error.meaning
    assert len(cloud.issued) == 2  # one re-fetch, no more


async def test_iam_fresh_token_refused_is_not_refetched(make_client: MakeClient) -> None:
    cloud = FakeCloud(Clock())

    def handler(request: httpx.Request) -> httpx.Response:
        response = cloud.handler(request)
        cloud.valid.clear()
        return response

    auth = IamPasswordAuth(
        "http://127.0.0.1:8443", "dom", "usr", Secret(PASSWORD), project_id=PID, clock=cloud.clock
    )
    async with make_client(handler, auth) as client:
        with pytest.raises(AuthError):
            await client.get_instance(IID)
    assert len(cloud.issued) == 1


@pytest.mark.parametrize(
    ("status", "body", "error_type", "fragment"),
    [
        (
            401,
            {
                "error": {
                    "code": 401,
                    "title": "Unauthorized",
                    "message": "The username or password is wrong.",
                }
            },
            AuthError,
            "The username or password is wrong.",
        ),
        (
            400,
            {"error": {"code": 400, "title": "Bad Request", "message": "project eu-xx not found"}},
            AuthError,
            "project eu-xx not found",
        ),
        (403, {"error_code": "IAM.0061", "error_msg": "user locked"}, AuthError, "user locked"),
        (
            503,
            {"error": {"code": 503, "title": "Service Unavailable", "message": "later"}},
            ServerError,
            "later",
        ),
    ],
)
async def test_failed_token_request_names_iam(
    status: int, body: dict[str, Any], error_type: type[ApiError], fragment: str, iam_client: IamClient
) -> None:
    cloud = FakeCloud(Clock())
    cloud.iam_answer = httpx.Response(status, json=body)
    calls: list[ApiCall] = []
    async with iam_client(cloud, calls) as client:
        with pytest.raises(error_type) as caught:
            await client.get_instance(IID)
    error = caught.value
    assert "127.0.0.1:8443/v3/auth/tokens" in str(error)
    assert error.endpoint == "127.0.0.1:8443/v3/auth/tokens"
    assert fragment in str(error) and error.meaning
    assert PASSWORD not in str(error)
    # the token request (a GET retries a 503 like any other), nothing sent to ModelArts
    assert [c.status for c in calls] == [status] * (4 if status == 503 else 1)
    assert cloud.modelarts_tokens == []


async def test_token_answer_without_subject_token(iam_client: IamClient) -> None:
    cloud = FakeCloud(Clock())
    cloud.iam_answer = httpx.Response(201, json={"token": {}})
    async with iam_client(cloud) as client:
        with pytest.raises(AuthError) as caught:
            await client.get_instance(IID)
    assert "X-Subject-Token" in str(caught.value)


def test_iam_auth_validates_its_settings() -> None:
    with pytest.raises(ValidationError) as caught:
        IamPasswordAuth("iam.test", "d", "u", Secret("p"), project_id=PID)
    assert caught.value.field == "iam_endpoint"
    with pytest.raises(ValidationError) as caught:
        IamPasswordAuth("https://iam.test", "d", "u", Secret("p"))
    assert caught.value.field == "project_id"
    with pytest.raises(ValidationError) as caught:
        IamPasswordAuth("https://iam.test", "d", "u", Secret(""), project_id=PID)
    assert caught.value.field == "password"


@pytest.mark.parametrize(
    "given",
    ["https://iam.x", "https://iam.x/", "https://iam.x/v3", "https://iam.x/v3/", " https://iam.x/v3 "],
)
def test_iam_base(given: str) -> None:
    assert iam_base(given) == "https://iam.x"


def test_client_without_project_id_needs_iam() -> None:
    with pytest.raises(ValidationError) as caught:
        ModelArtsClient("https://m.test", "", TokenAuth(Secret("tok-1234")))
    assert caught.value.field == "project_id"
