"""Where a profile's secret comes from (for settings), and how long a temporary credential lasts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tui.config.credentials import secret_source
from tui.config.model import Profile
from tui.core.secret import Secret
from tui.service.expiry import EXPIRY_WARNING_S, expiry_note

AK = "AKSOURCE000000000001"


@pytest.mark.parametrize(
    ("profile", "shown"),
    [
        (Profile(name="p", ak=AK, sk=Secret("s")), "config file"),
        (Profile(name="p", ak=AK, sk_env="OTC_SK"), "env $OTC_SK"),
        (Profile(name="p", ak=AK, sk_env="OTC_SK", sk=Secret("s")), "env $OTC_SK (else config file)"),
        (Profile(name="p", ak=AK, sk_command="pass show otc/sk"), "command pass"),
        (Profile(name="p", ak=AK, sk_command=("/usr/bin/vault", "read", "x")), "command vault"),
        (
            Profile(
                name="p", credentials_file="/home/u/.huaweicloud/credentials", credentials_section="global"
            ),
            "sdk file /home/u/.huaweicloud/credentials [global]",
        ),
        (
            Profile(
                name="p", ak=AK, sk=Secret("s"), imported_from="koocli ~/.hcloud/config.json profile work"
            ),
            "config file (from koocli ~/.hcloud/config.json profile work)",
        ),
        (Profile(name="p", auth="password", domain="d", user="u", password_env="OTC_PW"), "env $OTC_PW"),
        (Profile(name="p", auth="password", domain="d", user="u", password=Secret("x")), "config file"),
        (Profile(name="p", auth="token", token_command="get-token --otc"), "command get-token"),
        (Profile(name="p", auth="token"), "none"),
        (Profile(name="p", ak=AK, sk_command="bad 'quote"), "command ?"),
    ],
)
def test_secret_source_names_where_the_secret_lives(profile: Profile, shown: str) -> None:
    assert secret_source(profile) == shown


def test_the_source_never_shows_the_secret() -> None:
    profile = Profile(name="p", ak=AK, sk=Secret("SkSourceLeak-123456"), sk_env="X")
    assert "SkSourceLeak" not in secret_source(profile)


NOW = datetime(2026, 12, 1, 21, 0, 0, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("expires_at", "text", "level"),
    [
        ("2026-12-01T21:08:00Z", "expires in 8m", "warning"),
        ("2026-12-01T21:10:00Z", "expires in 10m", "warning"),
        ("2026-12-01T21:10:01Z", "expires in 10m", "ok"),
        ("2026-12-01T23:05:30+00:00", "expires in 2h 05m", "ok"),
        ("2026-12-03T01:00:00Z", "expires in 1d 04h", "ok"),
        ("2026-12-01T21:00:45", "expires in <1m", "warning"),  # no zone: UTC
        ("2026-12-01T20:57:00Z", "expired 3m ago", "expired"),
        ("2026-12-01T21:00:00Z", "expired <1m ago", "expired"),
        ("2026-12-01T22:00:00+01:00", "expired <1m ago", "expired"),
        ("2026-12-01T20:00:00.123456Z", "expired 59m ago", "expired"),
    ],
)
def test_expiry_says_how_long_is_left_and_warns_ten_minutes_before(
    expires_at: str, text: str, level: str
) -> None:
    note = expiry_note(Profile(name="p", expires_at=expires_at), NOW)
    assert note is not None and (note.text, note.level) == (text, level)
    assert EXPIRY_WARNING_S == 600


def test_no_expiry_or_an_unreadable_one_shows_nothing_and_validation_names_it() -> None:
    assert expiry_note(Profile(name="p"), NOW) is None
    bad = Profile(name="p", ak=AK, sk=Secret("s"), expires_at="tomorrow")
    assert expiry_note(bad, NOW) is None
    assert [str(e) for e in bad.validate()] == [
        "expires_at: must be a date and time such as 2026-12-01T21:00:00Z"
    ]
