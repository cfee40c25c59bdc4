"""Profile, UiSettings and Config values: endpoints, credentials from env vars, validation, masking."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tui.config.model import Config, InstanceRef, Profile, UiSettings
from tui.core.errors import ConfigError, ValidationError
from tui.core.secret import Secret

PID = "0123456789abcdef0123456789abcdef"
SECRET = "S3cr3t-Value-Nobody-Sees"


def aksk(**changes: Any) -> Profile:
    return dataclasses.replace(
        Profile("p", project_id=PID, ak="AKIDEXAMPLE42", sk=Secret("sk-value")), **changes
    )


# --- endpoints ---------------------------------------------------------------------------------


def test_endpoints_are_derived_from_cloud_and_region() -> None:
    otc = Profile("p")
    assert otc.modelarts_url == "https://modelarts.eu-de.otc.t-systems.com"
    assert otc.iam_url == "https://iam.eu-de.otc.t-systems.com"
    hw = Profile("p", cloud="huawei", region="cn-north-4")
    assert hw.modelarts_url == "https://modelarts.cn-north-4.myhuaweicloud.com"
    assert hw.iam_url == "https://iam.cn-north-4.myhuaweicloud.com"


def test_endpoint_overrides_win_without_trailing_slash() -> None:
    p = Profile("p", endpoint="http://127.0.0.1:8080/", iam_endpoint=" https://iam.example/ ")
    assert p.modelarts_url == "http://127.0.0.1:8080"
    assert p.iam_url == "https://iam.example"


# --- credentials -------------------------------------------------------------------------------


def test_resolved_values_come_from_the_fields() -> None:
    p = aksk(token=Secret("tok"), password=Secret("pw"))
    assert p.resolved_ak({}) == "AKIDEXAMPLE42"
    assert p.resolved_sk({}) == Secret("sk-value")
    assert p.resolved_token({}) == Secret("tok")
    assert p.resolved_password({}) == Secret("pw")


def test_env_indirection_reads_the_named_variables() -> None:
    p = Profile("p", ak_env="MY_AK", sk_env="MY_SK", token_env="MY_TOKEN", password_env="MY_PW")
    env = {"MY_AK": "AK-FROM-ENV", "MY_SK": "sk-env", "MY_TOKEN": "tok-env", "MY_PW": "pw-env"}
    assert p.resolved_ak(env) == "AK-FROM-ENV"
    assert p.resolved_sk(env) == Secret("sk-env")
    assert p.resolved_token(env) == Secret("tok-env")
    assert p.resolved_password(env) == Secret("pw-env")


def test_env_indirection_uses_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MT_TEST_SK", "from-os-environ")
    assert Profile("p", sk_env="MT_TEST_SK").resolved_sk() == Secret("from-os-environ")


def test_a_set_variable_wins_and_the_field_is_the_fallback() -> None:
    p = aksk(sk_env="MY_SK")
    assert p.resolved_sk({"MY_SK": "env"}) == Secret("env")
    assert p.resolved_sk({}) == Secret("sk-value")
    assert p.resolved_sk({"MY_SK": ""}) == Secret("sk-value")


def test_an_unset_variable_without_fallback_names_the_variable() -> None:
    with pytest.raises(ValidationError) as caught:
        Profile("p", sk_env="OTC_SK").resolved_sk({})
    assert caught.value.field == "sk_env"
    assert "OTC_SK" in str(caught.value)


def test_plain_strings_given_for_credentials_become_secrets() -> None:
    p = Profile("p", sk=SECRET, password=SECRET)  # type: ignore[arg-type]  # plain str on purpose
    assert isinstance(p.sk, Secret) and p.sk.reveal() == SECRET
    assert SECRET not in repr(p)


# --- masking -----------------------------------------------------------------------------------


def test_repr_and_str_never_show_a_secret() -> None:
    p = Profile(
        "p",
        ak="AKIDEXAMPLE42",
        sk=Secret(SECRET),
        security_token=Secret(SECRET + "t"),
        password=Secret(SECRET + "p"),
        token=Secret(SECRET + "k"),
    )
    config = Config(profiles=(p,), default_profile="p")
    for text in (repr(p), str(p), f"{p}", repr(config), str(config), repr([config])):
        assert SECRET not in text
        assert "AKIDEXAMPLE42" not in text
    assert "Secret('********')" in repr(p)
    assert "name='p'" in repr(p)


def test_repr_shows_what_differs_from_the_defaults() -> None:
    assert repr(Profile("p")) == "Profile(name='p')"
    assert "read_only=True" in repr(Profile("p", read_only=True))


# --- validation --------------------------------------------------------------------------------


def fields_of(p: Profile) -> list[str]:
    return [e.field for e in p.validate()]


def test_a_complete_profile_is_valid() -> None:
    assert aksk().validate() == []
    assert Profile("p", auth="token", token=Secret("t")).validate() == []
    assert Profile("p", auth="password", domain="OTC0001", user="u", password_env="PW").validate() == []
    assert aksk(ak="", sk=Secret(""), ak_env="A", sk_env="S").validate() == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "has space"}, "name"),
        ({"cloud": "aws"}, "cloud"),
        ({"region": "eu-xx"}, "region"),
        ({"cloud": "huawei", "region": "eu-de"}, "region"),
        ({"endpoint": "http://127.0.0.1:1", "region": "NOT A REGION"}, "region"),
        ({"project_id": "0123"}, "project_id"),
        ({"project_id": PID.upper()}, "project_id"),
        ({"endpoint": "modelarts.eu-de.otc.t-systems.com"}, "endpoint"),
        ({"endpoint": "ftp://x"}, "endpoint"),
        ({"iam_endpoint": "https://"}, "iam_endpoint"),
        ({"api": "v2"}, "api"),
        ({"auth": "kerberos"}, "auth"),
        ({"ak": ""}, "ak"),
        ({"sk": Secret("")}, "sk"),
        ({"sk_env": "NOT-A-NAME"}, "sk_env"),
        ({"prolong_hours": 0.5}, "prolong_hours"),
        ({"prolong_hours": 73.0}, "prolong_hours"),
        ({"prolong_hours": float("nan")}, "prolong_hours"),
        ({"notify_minutes": -1}, "notify_minutes"),
        ({"instances": (InstanceRef("bad id!"),)}, "instances[0].id"),
        ({"instances": (InstanceRef("DE-12345678"), InstanceRef("DE-12345678"))}, "instances[1].id"),
    ],
)
def test_each_problem_names_its_field(changes: dict[str, Any], field: str) -> None:
    errors = aksk(**changes).validate()
    assert [e.field for e in errors] == [field]
    assert str(errors[0]).startswith(f"{field}: ")


def test_a_known_region_of_another_shape_is_fine_with_an_endpoint() -> None:
    assert aksk(region="eu-de_sub", endpoint="https://modelarts.eu-de.example").validate() == []


def test_password_and_token_methods_need_their_fields() -> None:
    assert fields_of(Profile("p", auth="password")) == ["domain", "user", "password"]
    assert fields_of(Profile("p", auth="token")) == ["token"]
    message = str(Profile("p", auth="token").validate()[0])
    assert "token_env" in message


def test_alias_for() -> None:
    p = Profile("p", instances=(InstanceRef("DE-1111aaaa", "box"), InstanceRef("DE-2222bbbb")))
    assert p.alias_for("DE-1111aaaa") == "box"
    assert p.alias_for("DE-2222bbbb") == ""
    assert p.alias_for("nope") == ""


def test_values_are_frozen_and_edited_with_replace() -> None:
    p = Profile("p", instances=[InstanceRef("DE-1111aaaa")])  # type: ignore[arg-type]  # a list on purpose
    assert p.instances == (InstanceRef("DE-1111aaaa"),)
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.name = "q"  # type: ignore[misc]  # assigning a frozen field is the point
    assert dataclasses.replace(p, read_only=True).read_only
    assert hash(UiSettings()) == hash(UiSettings(keys={"start": "S"}))


def test_ui_settings_validation() -> None:
    assert UiSettings().validate() == []
    bad = UiSettings(
        poll_interval_s=0, fast_poll_interval_s=float("inf"), bulk_concurrency=0, keys={"start": " "}
    )
    assert [e.field for e in bad.validate()] == [
        "poll_interval",
        "fast_poll_interval",
        "bulk_concurrency",
        "keys.start",
    ]


# --- Config helpers ----------------------------------------------------------------------------


def test_profile_lookup_names_the_known_profiles() -> None:
    config = Config(profiles=(Profile("otc-prod"), Profile("otc-dev")))
    assert config.profile("otc-dev").name == "otc-dev"
    with pytest.raises(ConfigError) as caught:
        config.profile("otc-prd")
    assert "otc-prod, otc-dev" in str(caught.value)
    assert "did you mean 'otc-prod'" in str(caught.value)
    with pytest.raises(ConfigError, match="none configured"):
        Config().profile("x")


def test_with_profile_adds_or_replaces_in_place() -> None:
    config = Config(profiles=(Profile("a"), Profile("b")))
    assert config.with_profile(Profile("c")).names() == ("a", "b", "c")
    replaced = config.with_profile(Profile("a", read_only=True))
    assert replaced.names() == ("a", "b")
    assert replaced.profile("a").read_only
    assert config.names() == ("a", "b")  # unchanged


def test_with_profile_renames_and_the_default_follows() -> None:
    config = Config(profiles=(Profile("a"), Profile("b")), default_profile="a", ui=UiSettings(theme="x"))
    renamed = config.with_profile(Profile("z"), replacing="a")
    assert renamed.names() == ("z", "b")
    assert renamed.default_profile == "z"
    assert renamed.ui.theme == "x"
    with pytest.raises(ConfigError, match="exists already"):
        config.with_profile(Profile("b"), replacing="a")


def test_without_profile_and_enabled_profiles() -> None:
    config = Config(profiles=(Profile("a"), Profile("b", enabled=False)), default_profile="a")
    assert [p.name for p in config.enabled_profiles()] == ["a"]
    smaller = config.without_profile("a")
    assert smaller.names() == ("b",)
    assert smaller.default_profile == ""
    assert config.without_profile("b").default_profile == "a"
    assert config.with_ui(UiSettings(theme="t")).ui.theme == "t"
