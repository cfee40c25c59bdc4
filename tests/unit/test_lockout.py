"""The credential gate of one profile (``tui.service.lockout``): refusals counted, a pause before
the gateway's lockout, one call at a time until the credentials were accepted once."""

from __future__ import annotations

import asyncio

import pytest

from tui.config.model import Profile
from tui.core.errors import AuthPausedError, ModelArtsError, api_error
from tui.service.lockout import AUTH_PAUSE_AFTER, CredentialGate

PROFILE = Profile(name="lab", project_id="0" * 32, auth="aksk", ak="AK", region="eu-de")
REFUSED = api_error(401, "APIGW.0301", "Incorrect IAM authentication information")
NOT_FOUND = api_error(404, "ModelArts.6309", "instance not found")
THROTTLED = api_error(429, "APIGW.0308", "slow down")


class Calls:
    """Counts what the gate let through; each call answers with the next outcome."""

    def __init__(self, *outcomes: ModelArtsError | str) -> None:
        self.outcomes = list(outcomes)
        self.sent = 0

    async def __call__(self) -> str:
        self.sent += 1
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, ModelArtsError):
            raise outcome
        return outcome


async def _refuse(gate: CredentialGate, times: int) -> None:
    for _ in range(times):
        with pytest.raises(ModelArtsError):
            await gate.run(Calls(REFUSED))


async def test_three_refusals_in_a_row_pause_and_nothing_more_is_sent() -> None:
    gate = CredentialGate(PROFILE)
    await _refuse(gate, AUTH_PAUSE_AFTER)
    paused = gate.paused
    assert isinstance(paused, AuthPausedError)
    assert (paused.profile, paused.failures, paused.last) == ("lab", 3, REFUSED)
    assert paused.message == (
        "profile 'lab' stopped: 3 signature failures in a row (APIGW.0301); the gateway locks the AK "
        "for 5 minutes after 5 — check AK/SK and clock, then refresh (r) to try again"
    )
    calls = Calls("never")
    with pytest.raises(AuthPausedError):
        await gate.run(calls)
    assert calls.sent == 0


async def test_a_reset_keeps_the_count_so_one_more_refusal_pauses_again() -> None:
    gate = CredentialGate(PROFILE)
    await _refuse(gate, AUTH_PAUSE_AFTER)
    gate.reset()
    assert gate.paused is None
    await _refuse(gate, 1)
    assert gate.paused is not None and gate.paused.failures == AUTH_PAUSE_AFTER + 1


async def test_an_answer_from_behind_the_gateway_clears_the_count() -> None:
    gate = CredentialGate(PROFILE)
    await _refuse(gate, AUTH_PAUSE_AFTER - 1)
    with pytest.raises(ModelArtsError):
        await gate.run(Calls(NOT_FOUND))  # a ModelArts.* answer: the credentials passed
    assert (gate.refusals, gate.accepted) == (0, True)
    await _refuse(gate, AUTH_PAUSE_AFTER - 1)
    assert gate.paused is None


async def test_throttling_says_nothing_about_the_credentials() -> None:
    gate = CredentialGate(PROFILE)
    await _refuse(gate, 2)
    with pytest.raises(ModelArtsError):
        await gate.run(Calls(THROTTLED))
    assert (gate.refusals, gate.accepted) == (2, False)


async def test_password_and_token_profiles_say_what_to_check() -> None:
    for auth, words in (("password", "check domain, user and password"), ("token", "set a valid token (e)")):
        gate = CredentialGate(Profile(name="x", auth=auth, region="eu-de"))
        await _refuse(gate, AUTH_PAUSE_AFTER)
        assert gate.paused is not None and words in gate.paused.message


async def test_calls_go_one_at_a_time_until_the_credentials_were_accepted() -> None:
    gate = CredentialGate(PROFILE)
    running = most = 0

    async def call(answer: ModelArtsError | None) -> str:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0)
        running -= 1
        if answer is not None:
            raise answer
        return "ok"

    refused = await asyncio.gather(
        *(gate.run(lambda: call(REFUSED)) for _ in range(2)), return_exceptions=True
    )
    assert refused == [REFUSED, REFUSED] and most == 1  # refused: still one at a time
    assert await gate.run(lambda: call(None)) == "ok" and gate.accepted
    most = 0
    assert await asyncio.gather(*(gate.run(lambda: call(None)) for _ in range(4))) == ["ok"] * 4
    assert most == 4  # accepted: side by side
