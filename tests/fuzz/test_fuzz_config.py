"""Fuzzing the config loader: any text gives profiles or a ConfigError with a location, and never writes.

Three sources of text: anything at all, TOML-shaped lines built from the real keys and values of
every type, and a valid config with a few characters changed. Loading happens from a real file in
a fresh folder whose every byte and timestamp is compared afterwards.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui.config.codec import PROFILE_KEYS, UI_KEYS
from tui.config.model import Config, InstanceRef, Profile, UiSettings
from tui.config.store import dump_config, load_config, parse_config, save_config
from tui.core.errors import ConfigError
from tui.core.secret import Secret

EXAMPLES = int(os.environ.get("MODELARTS_FUZZ_EXAMPLES", "200"))
"""Examples per property: 200 keeps CI quick; a nightly run can set more."""
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VALID = dump_config(
    Config(
        profiles=(
            Profile(
                name="otc-prod",
                project_id="0123456789abcdef0123456789abcdef",
                ak="AKFUZZ0000000000",
                sk=Secret("sk-fuzz"),
                instances=(InstanceRef("DE-7d558ef8-c73d-11ea-964c-0255ac100033", "box"),),
            ),
            Profile(name="hw", cloud="huawei", region="cn-north-4", auth="token", token=Secret("tok-fuzz")),
        ),
        default_profile="otc-prod",
        ui=UiSettings(poll_interval_s=5, keys={"start": "S"}),
    )
)

_keys = st.sampled_from(sorted({*PROFILE_KEYS, *UI_KEYS, "default_profile", "profiles", "id", "alias", "ui"}))
_values = st.sampled_from(
    [
        '"text"',
        "''",
        '"""multi\nline"""',
        "'lit'",
        "1",
        "-0",
        "1e400",
        "nan",
        "inf",
        "3.5",
        "true",
        "false",
        "1979-05-27",
        "1979-05-27T07:32:00Z",
        "07:32:00",
        "[]",
        "[1, 'a']",
        "{}",
        "{ name = 'x' }",
        '"DE-7d558ef8-c73d-11ea-964c-0255ac100033"',
        '"eu-de"',
        '"otc"',
        '"aksk"',
        '"notebooks"',
        '"unterminated',
        "[1,",
        "{ a = ",
        '"\\u00e9"',
        '"\\x"',
    ]
)
_headers = st.sampled_from(
    [
        "[ui]",
        "[ui.keys]",
        "[[profiles]]",
        "[[profiles.instances]]",
        "[profiles]",
        "[[ui]]",
        "[x.y]",
        "[",
        "[[]]",
    ]
)
_line = st.one_of(
    _headers,
    st.builds(lambda k, v: f"{k} = {v}", _keys, _values),
    st.builds(lambda k, v: f"{k}.{k} = {v}", _keys, _values),
    st.text(max_size=20).filter(lambda t: "\n" not in t),
    st.just(""),
    st.just("# comment"),
)
toml_shaped = st.lists(_line, max_size=14).map("\n".join)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """The valid config with a few characters deleted, inserted or replaced."""
    text = VALID
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        kind = draw(st.sampled_from(["delete", "insert", "replace"]))
        piece = draw(st.sampled_from(['"', "'", "[", "]", "=", "\n", "#", "x", " ", ".", "{", "\\", "\x00"]))
        if kind == "delete":
            text = text[:at] + text[at + 1 :]
        elif kind == "insert":
            text = text[:at] + piece + text[at:]
        else:
            text = text[:at] + piece + text[at + 1 :]
    return text


texts = st.text(max_size=200) | toml_shaped | mutated()


def _folder_state(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    return {
        p.name: (p.read_bytes(), p.stat().st_mtime_ns, p.stat().st_mode) for p in sorted(folder.iterdir())
    }


def _check_located(error: ConfigError, path: str, text: str) -> None:
    assert error.path == path, error
    assert str(error).startswith(path), error
    lines = text.count("\n") + 1
    assert error.line is not None, f"no line in {error!r} for {text!r}"
    assert 1 <= error.line <= lines + 1, (error.line, lines)


@FUZZ
@given(texts)
def test_any_text_gives_profiles_or_a_located_error_and_nothing_is_written(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "config.toml"
        path.write_text(text, encoding="utf-8")
        os.chmod(path, 0o600)
        before = _folder_state(root)
        try:
            config = load_config(path)
        except ConfigError as error:
            _check_located(error, str(path), text)
        else:
            assert isinstance(config, Config)
            for profile in config.profiles:
                assert isinstance(profile, Profile)
                problems = profile.validate()  # never raises; each problem names a field
                assert all(p.field for p in problems)
                assert "sk-fuzz" not in repr(profile) and "tok-fuzz" not in repr(profile)
        assert _folder_state(root) == before


@FUZZ
@given(texts)
def test_a_file_that_does_not_load_is_never_written_over(text: str) -> None:
    try:
        parse_config(text, "x")
    except ConfigError:
        broken = True
    else:
        broken = False
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        path = root / "config.toml"
        path.write_text(text, encoding="utf-8")
        before = _folder_state(root)
        try:
            save_config(Config(profiles=(Profile(name="new", ak="AK", sk=Secret("sk-new")),)), path)
        except ConfigError as error:
            assert broken, error
            assert "not saved" in str(error)
            assert _folder_state(root) == before
        else:
            assert not broken
            assert (path.stat().st_mode & 0o777) == 0o600
            assert load_config(path).names() == ("new",)


@FUZZ
@given(st.binary(max_size=120))
def test_any_bytes_load_or_fail_with_the_path(raw: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.toml"
        path.write_bytes(raw)
        try:
            load_config(path)
        except ConfigError as error:
            assert error.path == str(path)
            assert error.line is None or 1 <= error.line <= raw.count(b"\n") + 1, error
        assert path.read_bytes() == raw
