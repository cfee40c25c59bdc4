"""parse(dump(config)) == config for generated configs, and errors point at the right line in any of them."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.api.constants import CLOUDS
from tui.config.locate import key_lines
from tui.config.model import (
    API_FAMILIES,
    AUTH_METHODS,
    SECRET_FIELDS,
    Config,
    InstanceRef,
    Profile,
    UiSettings,
)
from tui.config.store import dump_config, load_config, parse_config, save_config
from tui.core.errors import ConfigError
from tui.core.secret import Secret

names = st.from_regex(r"[A-Za-z0-9_.-]{1,20}", fullmatch=True)
texts = st.text(  # control characters are refused on load (a wrapped paste): tested in tests/hostile
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters="\u2028\u2029"),
    max_size=30,
)
secrets = texts.map(Secret)
finite = st.floats(allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.001, max_value=1e9, allow_nan=False)
int64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)

instance_refs = st.builds(InstanceRef, id=texts, alias=texts)


@st.composite
def profiles(draw: st.DrawFn, name: str | None = None) -> Profile:
    return Profile(
        name=name or draw(names),
        cloud=draw(st.sampled_from(CLOUDS)),
        region=draw(texts),
        project_id=draw(texts),
        endpoint=draw(texts),
        iam_endpoint=draw(texts),
        api=draw(st.sampled_from(API_FAMILIES)),
        auth=draw(st.sampled_from(AUTH_METHODS)),
        ak=draw(texts),
        ak_env=draw(texts),
        sk=draw(secrets),
        sk_env=draw(texts),
        security_token=draw(secrets),
        domain=draw(texts),
        user=draw(texts),
        password=draw(secrets),
        password_env=draw(texts),
        token=draw(secrets),
        token_env=draw(texts),
        instances=tuple(draw(st.lists(instance_refs, max_size=3))),
        read_only=draw(st.booleans()),
        enabled=draw(st.booleans()),
        ca_bundle=draw(texts),
        insecure=draw(st.booleans()),
        prolong_hours=draw(finite),
        notify_minutes=draw(int64),
    )


ui_settings = st.builds(
    UiSettings,
    poll_interval_s=positive,
    fast_poll_interval_s=positive,
    log_panel=st.booleans(),
    keys=st.dictionaries(texts, texts.filter(str.strip), max_size=3),
    low_bandwidth=st.booleans(),
    bulk_concurrency=st.integers(min_value=1, max_value=2**63 - 1),
    theme=texts,
)


@st.composite
def configs(draw: st.DrawFn) -> Config:
    chosen = draw(st.lists(names, unique=True, max_size=4))
    items = tuple(draw(profiles(name)) for name in chosen)
    default = draw(st.sampled_from(["", *chosen]))
    return Config(profiles=items, default_profile=default, ui=draw(ui_settings))


@given(configs())
def test_parse_of_dump_is_identity(config: Config) -> None:
    text = dump_config(config)
    assert parse_config(text) == config
    assert dump_config(parse_config(text)) == text


@given(configs())
def test_masked_dump_holds_masks_in_place_of_every_secret(config: Config) -> None:
    shown = parse_config(dump_config(config, mask_secrets=True))
    for before, after in zip(config.profiles, shown.profiles, strict=True):
        for name in SECRET_FIELDS:
            expected = Secret("********") if getattr(before, name) else Secret("")
            assert getattr(after, name) == expected
        assert replace(after, **{n: getattr(before, n) for n in SECRET_FIELDS}) == before


@given(configs().filter(lambda c: bool(c.profiles)), st.data())
def test_an_unknown_key_is_reported_on_its_own_line(config: Config, data: st.DataObject) -> None:
    # split on "\n" only: tomli_w leaves U+0085 and U+2028 raw, and TOML does not break lines there
    lines = [line + "\n" for line in dump_config(config).split("\n")]
    headers = [i for i, line in enumerate(lines) if line == "[[profiles]]\n"]
    index = data.draw(st.integers(min_value=0, max_value=len(headers) - 1))
    at = headers[index] + 1 + data.draw(st.integers(min_value=0, max_value=1))
    lines.insert(at, "bogus_key = 1\n")
    with pytest.raises(ConfigError) as caught:
        parse_config("".join(lines), "c.toml")
    assert caught.value.line == at + 1
    assert "bogus_key" in caught.value.detail


@settings(max_examples=25, deadline=None)  # two fsync'd saves: disk time, not ours
@given(configs())
def test_save_and_load_round_trip(config: Config) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        save_config(config, path)
        save_config(config, path)  # over its own output
        assert load_config(path) == config
        assert os.listdir(folder) == ["config.toml"]


@given(st.text(alphabet=st.sampled_from("ab =.\"'#[]{},\n\\0123"), max_size=60))
def test_the_line_scanner_never_raises(text: str) -> None:
    key_lines(text)
