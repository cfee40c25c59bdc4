"""Credentials against the emulator's gateway: refusals, token renewal, lockout, and no secret leaks.

Distinctive secrets are configured so that a leak into a record or a message is unmistakable.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tui.api.auth import AkSkAuth, IamPasswordAuth, TokenAuth
from tui.api.client import ModelArtsClient
from tui.core.error_codes import describe
from tui.core.errors import AuthError, ModelArtsError
from tui.core.models import ApiCall
from tui.core.secret import Secret
from tui.emulator import DEMO_PROJECT_ID, Emulator, EmulatorConfig, ManualClock

PID = DEMO_PROJECT_ID
AK = "AKINTEGRATIONDISTNCT"
SK = "SkIntegrationDistinctive-6b1f0c9e2d7a4f38"
TOKEN = "MIITokIntegrationDistinctive-81f2e3d4c5b6a7980"
DOMAIN, USER = "it-domain", "it-user"
PASSWORD = "PwIntegrationDistinctive-3c4d5e6f"
SECURITY_TOKEN = "StIntegrationDistinctive-0a9b8c7d"
SECRETS = (SK, TOKEN, PASSWORD, SECURITY_TOKEN)
GATEWAY_MEANING = describe("APIGW.0301").meaning


@pytest.fixture
def emulator_config(clock: ManualClock) -> EmulatorConfig:
    return EmulatorConfig(
        clock=clock, ak=AK, sk=SK, token=TOKEN, iam_users={(DOMAIN, USER): PASSWORD}, token_ttl_s=600
    )


def _client(
    emu: Emulator, auth: httpx.Auth, calls: list[ApiCall], clock: ManualClock, **kwargs: Any
) -> ModelArtsClient:
    return ModelArtsClient(emu.url, PID, auth, on_call=calls.append, clock=clock, **kwargs)


def _assert_gateway_refusal(error: AuthError, emu: Emulator) -> None:
    assert (error.status, error.code) == (401, "APIGW.0301")
    assert error.meaning == GATEWAY_MEANING and error.hint
    assert error.request_id
    host = emu.url.removeprefix("http://")
    assert error.endpoint == f"{host}/v1/{PID}/demanager/instances"
    assert "Incorrect IAM authentication information" in str(error)
    for secret in SECRETS:
        assert secret not in str(error)


class _TamperingTransport(httpx.AsyncBaseTransport):
    """Sends a different body than the one that was signed (same headers, fixed Content-Length)."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = request.content
        if body:
            body = body.replace(b'"stop"', b'"start"')
            headers = httpx.Headers(request.headers)
            headers["Content-Length"] = str(len(body))
            request = httpx.Request(
                request.method, request.url, headers=headers, content=body, extensions=request.extensions
            )
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


@pytest.mark.parametrize(
    ("name", "make_auth", "reason"),
    [
        (
            "wrong-sk",
            lambda clock: AkSkAuth(AK, Secret("Sk" + "0" * 38), project_id=PID, clock=clock),
            "verify aksk signature fail",
        ),
        (
            "unknown-ak",
            lambda clock: AkSkAuth("AKNOBODYKNOWSTHIS000", Secret(SK), project_id=PID, clock=clock),
            "ak not exist",
        ),
        (
            "date-20-min-off",
            lambda clock: AkSkAuth(AK, Secret(SK), project_id=PID, clock=lambda: clock() - 1200),
            "signature expired",
        ),
        (
            "date-20-min-ahead",
            lambda clock: AkSkAuth(AK, Secret(SK), project_id=PID, clock=lambda: clock() + 1200),
            "signature expired",
        ),
        (
            "wrong-token",
            lambda clock: TokenAuth(Secret("MIIwrongTokenValue0000000000")),
            "decrypt token fail",
        ),
    ],
)
async def test_refused_credentials(
    name: str, make_auth: Any, reason: str, emulator: Emulator, clock: ManualClock
) -> None:
    calls: list[ApiCall] = []
    async with _client(emulator, make_auth(clock), calls, clock) as client:
        with pytest.raises(AuthError) as caught:
            await client.list_instances()
    _assert_gateway_refusal(caught.value, emulator)
    assert reason in str(caught.value)
    assert [(c.status, c.error_code) for c in calls] == [(401, "APIGW.0301")]  # 401 is never retried


async def test_tampered_body_is_refused(emulator: Emulator, clock: ManualClock) -> None:
    target = emulator.store.add("it-running", "RUNNING")
    calls: list[ApiCall] = []
    auth = AkSkAuth(AK, Secret(SK), project_id=PID, clock=clock)
    async with _client(emulator, auth, calls, clock, transport=_TamperingTransport()) as client:
        with pytest.raises(AuthError) as caught:
            await client.stop(target)
    error = caught.value
    assert (error.status, error.code, error.meaning) == (401, "APIGW.0301", GATEWAY_MEANING)
    assert "verify aksk signature fail" in str(error)
    assert emulator.requests[-1].body == b'{"action":"start"}'  # what arrived is not what was signed
    record = emulator.store.get(target)
    assert record is not None and record.status == "RUNNING"


async def test_temporary_aksk_and_echoed_canonical_request_stay_secret(
    emulator: Emulator, clock: ManualClock
) -> None:
    """A refused signature echoes the canonical request (with X-Security-Token): masked everywhere."""
    calls: list[ApiCall] = []
    auth = AkSkAuth(
        AK, Secret("Sk" + "1" * 38), project_id=PID, security_token=Secret(SECURITY_TOKEN), clock=clock
    )
    async with _client(emulator, auth, calls, clock) as client:
        with pytest.raises(AuthError) as caught:
            await client.list_instances()
    arrived = emulator.requests[-1].headers
    assert arrived["x-security-token"] == SECURITY_TOKEN  # it was sent...
    assert "x-security-token" in str(caught.value)  # ...and echoed back by the gateway...
    for text in (str(caught.value), caught.value.detail, repr(calls)):
        assert SECURITY_TOKEN not in text  # ...but masked in what we show


async def test_ak_lockout_after_repeated_failures(emulator: Emulator, clock: ManualClock) -> None:
    calls: list[ApiCall] = []
    bad = AkSkAuth(AK, Secret("Sk" + "2" * 38), project_id=PID, clock=clock)
    good = AkSkAuth(AK, Secret(SK), project_id=PID, clock=clock)
    async with _client(emulator, bad, calls, clock) as client:
        for _ in range(6):
            with pytest.raises(AuthError):
                await client.list_instances()
    async with _client(emulator, good, calls, clock) as client:
        with pytest.raises(AuthError) as caught:
            await client.list_instances()
        assert "limit" in str(caught.value) and caught.value.code == "APIGW.0301"
        clock.advance(5 * 60 + 1)
        assert await client.list_instances()


# --- IAM password ---------------------------------------------------------------------------------
def _iam(emu: Emulator, clock: Any, password: str = PASSWORD) -> IamPasswordAuth:
    return IamPasswordAuth(emu.url, DOMAIN, USER, Secret(password), project_id=PID, clock=clock)


def _token_posts(emu: Emulator) -> int:
    return sum(1 for r in emu.requests if r.method == "POST" and r.path == "/v3/auth/tokens")


async def test_expired_token_is_fetched_again_exactly_once(emulator: Emulator, clock: ManualClock) -> None:
    """The service rejects a token the client still believes valid: one new token, one resend."""
    local = ManualClock(clock())  # the client's clock stands still while the service's moves on
    calls: list[ApiCall] = []
    async with _client(emulator, _iam(emulator, local), calls, clock) as client:
        await client.list_instances()
        assert _token_posts(emulator) == 1
        clock.advance(700)  # past the 600 s token lifetime, on the service's clock only
        assert await client.list_instances()
        assert _token_posts(emulator) == 2
        await client.list_instances()  # the new token is cached
        assert _token_posts(emulator) == 2
    assert [(c.method, c.status, c.attempt) for c in calls] == [
        ("POST", 201, 1),
        ("GET", 200, 1),
        ("GET", 401, 1),
        ("POST", 201, 1),
        ("GET", 200, 2),
        ("GET", 200, 1),
    ]


async def test_token_renewed_before_expiry_by_the_local_clock(emulator: Emulator, clock: ManualClock) -> None:
    calls: list[ApiCall] = []
    async with _client(emulator, _iam(emulator, clock), calls, clock) as client:
        await client.list_instances()
        clock.advance(590)  # 10 s left of 600: inside the renewal margin
        await client.list_instances()
    assert _token_posts(emulator) == 2
    assert 401 not in [c.status for c in calls]


async def test_wrong_password_names_iam(emulator: Emulator, clock: ManualClock) -> None:
    calls: list[ApiCall] = []
    async with _client(emulator, _iam(emulator, clock, "Pw-wrong-but-distinct-99"), calls, clock) as client:
        with pytest.raises(AuthError) as caught:
            await client.get_instance("DE-00000000-0000-4000-8000-000000000000")
    error = caught.value
    host = emulator.url.removeprefix("http://")
    assert error.endpoint == f"{host}/v3/auth/tokens" and f"{host}/v3/auth/tokens" in str(error)
    assert "The username or password is wrong." in str(error)
    assert error.status == 401 and error.meaning
    assert "Pw-wrong-but-distinct-99" not in str(error) + repr(calls)
    assert [(c.method, c.status) for c in calls] == [("POST", 401)]
    assert not any(r.path.startswith("/v1/") for r in emulator.requests)


async def test_no_record_or_message_carries_a_secret(emulator: Emulator, clock: ManualClock) -> None:
    """Every kind of call, good and bad, with every credential kind: scan all records and errors."""
    calls: list[ApiCall] = []
    texts: list[str] = []
    running = emulator.store.add("it-running", "RUNNING")
    auths: list[httpx.Auth] = [
        AkSkAuth(AK, Secret(SK), project_id=PID, security_token=Secret(SECURITY_TOKEN), clock=clock),
        AkSkAuth(
            AK, Secret(SK[:-1] + "X"), project_id=PID, security_token=Secret(SECURITY_TOKEN), clock=clock
        ),
        TokenAuth(Secret(TOKEN)),
        TokenAuth(Secret(TOKEN + "x")),
        _iam(emulator, clock),
        _iam(emulator, clock, PASSWORD + "x"),
    ]
    for auth in auths:
        texts.append(repr(auth))
        async with _client(emulator, auth, calls, clock) as client:
            texts.append(repr(client))
            for operation in (
                client.list_instances,
                lambda c=client: c.get_instance(running),
                lambda c=client: c.start(running),
                lambda c=client: c.get_instance("DE-00000000-0000-4000-8000-000000000000"),
            ):
                try:
                    await operation()
                except ModelArtsError as error:
                    texts += [
                        str(error),
                        repr(error),
                        error.message,
                        error.meaning,
                        error.hint,
                        getattr(error, "detail", ""),
                    ]
    # 5 credentials reach ModelArts (3 good, 2 refused) x 4 calls; IAM asked once (right) and 4 times (wrong)
    assert len(calls) == 25
    assert {(c.method, c.status, c.error_code) for c in calls} == {
        ("GET", 200, None),
        ("GET", 400, "ModelArts.6309"),
        ("GET", 401, "APIGW.0301"),
        ("POST", 201, None),
        ("POST", 400, "ModelArts.6305"),
        ("POST", 401, "APIGW.0301"),
        ("POST", 401, None),
    }
    blob = "\n".join(texts) + repr(calls)
    for secret in SECRETS:
        assert secret not in blob
    assert "Signature=" not in blob.replace("Signature=********", "")
