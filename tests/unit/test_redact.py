"""redact(): known secret values and secret-looking fields never survive."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.api.redact import MASK, is_secret_key, redact, redact_path
from tui.core.secret import Secret

SK = "SkDistinctive0123456789abcdefghijklmnopq"
TOKEN = "TokDistinctive-9f8e7d6c5b4a"


def test_known_values_are_masked_wherever_they_are() -> None:
    text = f"canonicalRequest: GET /x x-security-token:{TOKEN} key {SK}."
    out = redact(text, [Secret(SK), TOKEN])
    assert SK not in out and TOKEN not in out
    assert MASK in out


def test_percent_encoded_secret_is_masked() -> None:
    secret = "pa ss/wörd+1"
    out = redact("password%3D" + "pa%20ss%2Fw%C3%B6rd%2B1", [secret])
    assert "pa%20ss" not in out


def test_short_known_values_are_left_alone() -> None:
    assert redact("a cat sat", ["a"]) == "a cat sat"


def test_none_and_empty_secrets_are_ignored() -> None:
    assert redact("plain text", [None, "", Secret("")]) == "plain text"


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        ("Authorization: SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host, Signature=0a1b2c3d", "0a1b2c3d"),
        ("sent ... Signature=deadbeefcafe, next", "deadbeefcafe"),
        ("X-Auth-Token: abc.def.ghi", "abc.def.ghi"),
        ("x-subject-token: zzz-token-value", "zzz-token-value"),
        ('{"password": "hunter2!", "user": "u"}', "hunter2!"),
        ('{"auth": {"identity": {"password": {"user": {"password": "p\\"w"}}}}}', 'p\\"w'),
        ("{'sk': 'secret-in-repr'}", "secret-in-repr"),
        ('{"access_token": "ssh-tok", "token": "nb-token"}', "nb-token"),
        ("GET /v1/x?sk=abc123&limit=2", "abc123"),
        ("password=letmein&user=me", "letmein"),
        ("token " + "MII" + "A" * 200, "A" * 200),
    ],
)
def test_secret_looking_fields_are_masked(text: str, leak: str) -> None:
    assert leak not in redact(text)


def test_harmless_text_is_unchanged() -> None:
    text = 'HTTP 400 ModelArts.6309: The instance does not exist. {"error_code": "ModelArts.6309"} task=1'
    assert redact(text) == text


def test_redact_path_masks_secret_query_values_only() -> None:
    out = redact_path("/v1/p/notebooks?limit=50&token=abc&offset=0&X-Auth-Token=zz")
    assert out == f"/v1/p/notebooks?limit=50&token={MASK}&offset=0&X-Auth-Token={MASK}"


def test_redact_path_without_query() -> None:
    assert redact_path("/v1/p/demanager/instances") == "/v1/p/demanager/instances"


@pytest.mark.parametrize(
    "name", ["sk", "SK", "password", "X-Auth-Token", "access_token", "secret_key", "token"]
)
def test_secret_keys(name: str) -> None:
    assert is_secret_key(name)


@pytest.mark.parametrize("name", ["limit", "offset", "status", "de_type", "task", "sortby"])
def test_plain_keys(name: str) -> None:
    assert not is_secret_key(name)


@given(
    prefix=st.text(max_size=40),
    suffix=st.text(max_size=40),
    secret=st.text(
        alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FF, exclude_characters="*"),
        min_size=8,
        max_size=40,
    ),
)
def test_a_known_secret_never_survives(prefix: str, suffix: str, secret: str) -> None:
    # (no '*' in the secret: the mask itself is made of them)
    assert secret not in redact(prefix + secret + suffix, [secret])


def test_scrub_masks_instance_tokens_and_credentials_but_keeps_the_rest() -> None:
    from tui.api.redact import MASK, scrub

    raw = {
        "id": "x",
        "token": "nb-access-token-123456",
        "spec": {
            "credential": {"ssh_private_key": "-----BEGIN", "access_token": "t0k"},
            "auto_stop": {"enable": True},
        },
        "endpoints": [{"service": "SSH", "key_pair_names": ["kp"]}],
    }
    out = scrub(raw)
    assert out["token"] == MASK and out["spec"]["credential"] == MASK
    assert out["spec"]["auto_stop"] == {"enable": True} and out["endpoints"] == raw["endpoints"]
    assert "nb-access-token-123456" not in repr(out)


def _reference_scrub(value: object, depth: int = 0) -> object:
    """scrub as it was written first: three tests a field, no cache of plain names."""
    from tui.api.redact import _URL_KEYS, MASK, SCRUB_MAX_DEPTH, TOO_DEEP, is_secret_key, redact_url

    if isinstance(value, dict | list) and depth >= SCRUB_MAX_DEPTH:
        return TOO_DEEP
    if isinstance(value, list):
        return [_reference_scrub(v, depth + 1) if isinstance(v, dict | list) else v for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for k, v in value.items():
        if k == "credential":
            out[k] = MASK if v else v
        elif v not in (None, "") and is_secret_key(str(k)):
            out[k] = MASK
        elif isinstance(v, dict | list):
            out[k] = _reference_scrub(v, depth + 1)
        elif isinstance(v, str) and k in _URL_KEYS:
            out[k] = redact_url(v)
        else:
            out[k] = v
    return out


_json_keys = st.sampled_from(
    ["name", "token", " Sk ", "credential", "url", "href", "image", "data", "x", "password"]
)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from(["", "v", "https://h/lab?token=abc&x=1"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_json_keys, inner, max_size=4),
    max_leaves=25,
)


@given(value=_json, depth=st.sampled_from([0, 60, 62, 63, 64]))
def test_scrub_is_the_reference_with_plain_names_cached(value: object, depth: int) -> None:
    from tui.api.redact import scrub

    scrub({"name": 1, "image": {"id": 1}, "data": [], "x": 0})  # the plain names are cached
    out = scrub(value, depth)
    assert repr(out) == repr(_reference_scrub(value, depth))
    # copy on write: the very value comes back when nothing in it changed
    assert (out is value) == (repr(out) == repr(value))
