"""Expiry and skew through the service: a token renewed once, a clock off by minutes explained before
signatures fail, and a profile that stops sending after repeated credential refusals.

The emulator's ManualClock is the server's clock (its ``Date`` header and its 15-minute signature
window); the service gets its own clock, offset from it, as a machine with a wrong clock would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from tui.api.skew import SKEW_HINT
from tui.config.model import Profile
from tui.core.errors import AuthError, AuthPausedError
from tui.core.models import ApiCall
from tui.core.secret import Secret
from tui.emulator import DEMO_AK, DEMO_PROJECT_ID, DEMO_SK, Emulator, EmulatorConfig, ManualClock
from tui.service import InstanceService, row_key
from tui.service.service import AUTH_PAUSE_AFTER

DOMAIN, USER, PASSWORD = "skew-domain", "skew-user", "Pw-Skew-Distinct-5e6f"


@pytest.fixture
def emulator_config(clock: ManualClock) -> EmulatorConfig:
    return EmulatorConfig(clock=clock, iam_users={(DOMAIN, USER): PASSWORD}, token_ttl_s=600)


def aksk(emu: Emulator, name: str = "p", **changes: Any) -> Profile:
    base = Profile(
        name=name,
        project_id=DEMO_PROJECT_ID,
        endpoint=emu.url,
        iam_endpoint=emu.url,
        auth="aksk",
        ak=DEMO_AK,
        sk=Secret(DEMO_SK),
    )
    return replace(base, **changes)


def password(emu: Emulator, name: str = "iam", **changes: Any) -> Profile:
    fields: dict[str, Any] = {
        "auth": "password",
        "ak": "",
        "sk": Secret(""),
        "domain": DOMAIN,
        "user": USER,
        "password": Secret(PASSWORD),
    }
    return aksk(emu, name, **{**fields, **changes})


def _svc(profile: Profile, clock: Callable[[], float], calls: list[ApiCall]) -> InstanceService:
    return InstanceService([profile], on_call=calls.append, clock=clock)


def _token_posts(calls: list[ApiCall]) -> list[ApiCall]:
    return [c for c in calls if c.method == "POST" and c.path.startswith("/v3/auth/tokens")]


# --- (a) an IAM token that expires mid-session ----------------------------------------------------
async def test_token_expiring_on_the_local_clock_is_renewed_before_use(
    emulator: Emulator, clock: ManualClock
) -> None:
    calls: list[ApiCall] = []
    svc = _svc(password(emulator), clock, calls)
    try:
        assert (await svc.refresh()).profiles[0].ok
        clock.advance(700)  # past the 600 s lifetime on both clocks
        second = await svc.refresh()
    finally:
        await svc.aclose()
    assert second.profiles[0].ok, second.profiles[0].error
    assert [(c.method, c.status) for c in calls] == [
        ("POST", 201),
        ("GET", 200),
        ("POST", 201),
        ("GET", 200),
    ], "renewed once, before the call, without a 401"


async def test_token_refused_by_the_server_mid_session_is_renewed_once_and_resent(
    emulator: Emulator, clock: ManualClock
) -> None:
    """The service rejects a token the client still trusts (its clock stands still): one renewal."""
    local = ManualClock(clock())
    calls: list[ApiCall] = []
    svc = _svc(password(emulator), local, calls)
    try:
        await svc.refresh()
        clock.advance(700)  # the server's clock only: the token is expired there
        result = await svc.refresh()
        again = await svc.refresh()
    finally:
        await svc.aclose()
    assert result.profiles[0].ok and again.profiles[0].ok
    assert [(c.method, c.status, c.attempt) for c in calls] == [
        ("POST", 201, 1),
        ("GET", 200, 1),
        ("GET", 401, 1),
        ("POST", 201, 1),
        ("GET", 200, 2),  # the renewal, visible in the records
        ("GET", 200, 1),
    ]
    assert len(_token_posts(calls)) == 2
    assert calls[2].error_code == "APIGW.0301" and "expired" in (calls[2].message or "")
    assert svc.auth_paused("iam") is None  # a renewed token is not a refusal


# --- (b) a local clock far from the server's ------------------------------------------------------
@pytest.mark.parametrize(
    ("offset_s", "words"),
    [(-432, "7m12s behind the server"), (+480, "8m00s ahead of the server")],
)
async def test_skew_over_five_minutes_is_explained_while_signatures_still_work(
    emulator: Emulator, clock: ManualClock, offset_s: float, words: str
) -> None:
    calls: list[ApiCall] = []
    svc = _svc(aksk(emulator), lambda: clock() + offset_s, calls)
    try:
        result = await svc.refresh()
        warnings = svc.profile_warnings("p")
    finally:
        await svc.aclose()
    (status,) = result.profiles
    assert status.ok and status.count == 12, "signatures still pass inside the 15-minute window"
    assert status.skew_s == pytest.approx(-offset_s, abs=1)
    assert status.warning is not None
    for needle in (words, "Date header", "AK/SK signatures fail beyond 15 minutes", "NTP"):
        assert needle in status.warning, status.warning
    assert warnings and words in warnings[0]
    assert all(c.ok for c in calls)


async def test_small_skew_gives_no_warning(emulator: Emulator, clock: ManualClock) -> None:
    svc = _svc(aksk(emulator), lambda: clock() - 60, [])
    try:
        (status,) = (await svc.refresh()).profiles
    finally:
        await svc.aclose()
    assert status.ok and status.warning is None and status.skew_s == pytest.approx(60, abs=1)


async def test_signature_refused_for_skew_says_the_clock_is_why(
    emulator: Emulator, clock: ManualClock
) -> None:
    calls: list[ApiCall] = []
    svc = _svc(aksk(emulator), lambda: clock() - 1200, calls)
    try:
        (status,) = (await svc.refresh()).profiles
    finally:
        await svc.aclose()
    error = status.error
    assert isinstance(error, AuthError) and (error.status, error.code) == (401, "APIGW.0301")
    assert "local clock is 20m00s behind the server" in str(error) and "likely cause" in str(error)
    assert error.hint == SKEW_HINT and "NTP" in error.hint
    assert status.warning and "refused beyond 15 minutes" in status.warning
    assert [(c.status, c.error_code) for c in calls] == [(401, "APIGW.0301")]


async def test_a_wrong_sk_with_a_good_clock_does_not_blame_the_clock(
    emulator: Emulator, clock: ManualClock
) -> None:
    svc = _svc(aksk(emulator, sk=Secret("Sk-wrong-0000000000")), clock, [])
    try:
        (status,) = (await svc.refresh()).profiles
    finally:
        await svc.aclose()
    assert isinstance(status.error, AuthError) and "clock" not in str(status.error)
    assert status.error.hint != SKEW_HINT and status.warning is None


# --- (c) repeated refusals stop the requests before the gateway locks the AK -----------------------
def _sent(emu: Emulator) -> int:
    return len(emu.requests)


async def test_three_signature_failures_pause_the_profile_until_a_manual_refresh(
    emulator: Emulator, clock: ManualClock
) -> None:
    good = aksk(emulator)
    svc = _svc(good, clock, [])
    try:
        await svc.refresh()  # rows to act on
        key = next(k for k, r in svc.rows.items() if r.instance.status == "STOPPED")
        svc.set_profiles([replace(good, sk=Secret("Sk-wrong-after-rotation-01"))])
        for n in range(AUTH_PAUSE_AFTER):
            (status,) = (await svc.refresh()).profiles
            assert isinstance(status.error, AuthError), n
        assert _sent(emulator) == 1 + AUTH_PAUSE_AFTER
        paused = svc.auth_paused("p")
        assert paused is not None
        for needle in (
            "stopped: 3 signature failures in a row",
            "APIGW.0301",
            "the gateway locks the AK for 5 minutes after 5",
            "check AK/SK and clock",
            "refresh (r) to try again",
        ):
            assert needle in paused.message, paused.message

        # Polls, actions and details now send nothing, and say why.
        for _ in range(3):
            (status,) = (await svc.refresh()).profiles
            assert status.error is paused and not status.ok
        assert svc.rows, "the rows are kept (stale), not dropped"
        (outcome,) = await svc.start([key])
        assert outcome.skipped and outcome.error is paused and "stopped" in outcome.message
        assert svc.refusal(key, "start") == paused.message
        with pytest.raises(AuthPausedError):
            await svc.details(key)
        assert _sent(emulator) == 1 + AUTH_PAUSE_AFTER

        # A manual refresh tries once more; still refused, it pauses again at once (4 < the gateway's 6).
        (status,) = (await svc.refresh(force=True)).profiles
        assert isinstance(status.error, AuthError)  # the one request it sent was refused
        assert _sent(emulator) == 2 + AUTH_PAUSE_AFTER
        again = svc.auth_paused("p")
        assert again is not None and again.failures == AUTH_PAUSE_AFTER + 1

        # The right key again (settings saved): a fresh start, and the AK was never locked.
        svc.set_profiles([good])
        (status,) = (await svc.refresh()).profiles
        assert status.ok and svc.auth_paused("p") is None
    finally:
        await svc.aclose()
    messages = [r.error_code for r in emulator.requests]
    assert messages.count("APIGW.0301") == AUTH_PAUSE_AFTER + 1 <= 5


async def test_reset_auth_lifts_the_pause_for_one_profile(emulator: Emulator, clock: ManualClock) -> None:
    svc = _svc(aksk(emulator, sk=Secret("Sk-wrong-0000000000")), clock, [])
    try:
        for _ in range(AUTH_PAUSE_AFTER):
            await svc.refresh()
        assert svc.auth_paused("p") is not None
        svc.reset_auth("p")
        assert svc.auth_paused("p") is None
        sent = _sent(emulator)
        await svc.refresh()
        assert _sent(emulator) == sent + 1
    finally:
        await svc.aclose()


async def test_a_bulk_action_with_refused_credentials_sends_one_at_a_time(
    emulator: Emulator, clock: ManualClock
) -> None:
    """Eight starts with a key that stopped working: 3 refusals reach the gateway, not 8."""
    ids = [emulator.store.add(f"bulk-{i}", "STOPPED") for i in range(8)]
    good = aksk(emulator)
    svc = _svc(good, clock, [])
    try:
        await svc.refresh()
        svc.set_profiles([replace(good, sk=Secret("Sk-revoked-000000000"))])
        sent = _sent(emulator)
        outcomes = await svc.start([row_key("p", i) for i in ids])
    finally:
        await svc.aclose()
    refused = [o for o in outcomes if isinstance(o.error, AuthError)]
    held = [o for o in outcomes if isinstance(o.error, AuthPausedError)]
    assert len(refused) == AUTH_PAUSE_AFTER and len(held) == 8 - AUTH_PAUSE_AFTER
    assert all(o.skipped for o in held) and not any(o.ok for o in outcomes)
    assert _sent(emulator) - sent == AUTH_PAUSE_AFTER


async def test_wrong_password_pauses_with_the_iam_explanation(emulator: Emulator, clock: ManualClock) -> None:
    svc = _svc(password(emulator, password=Secret("Pw-wrong-000000")), clock, [])
    try:
        for _ in range(AUTH_PAUSE_AFTER + 2):
            await svc.refresh()
    finally:
        await svc.aclose()
    paused = svc.auth_paused("iam")
    assert paused is not None and "IAM can lock a user after repeated wrong passwords" in paused.message
    token_posts = [r for r in emulator.requests if r.path == "/v3/auth/tokens"]
    assert len(token_posts) == AUTH_PAUSE_AFTER and not any(
        r.path.startswith("/v1/") for r in emulator.requests
    )
