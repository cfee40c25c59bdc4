"""Masking of secrets in text, before any call record, log line or exception message is built.

Two layers: the exact values the caller knows to be secret (SK, password, tokens) are replaced
wherever they occur, and patterns catch what is secret by its place (an Authorization value, an
X-Auth-Token header, a ``"password"`` JSON field, ``sk=`` in a query, an IAM PKI token).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from tui.core.secret import Secret
from tui.core.untrusted import visible

MASK = "********"
MIN_SECRET_LEN = 4
"""Shorter known values are not masked by value: masking "ab" everywhere would shred the text."""

_SECRET_KEYS = (
    r"password|passwd|pwd|ak|sk|access_?key(?:_?id)?|secret|secret_?key|secret_?access_?key|access_?token|auth_?token|"
    r"security_?token|session_?token|token|ssh_private_key|private_?key|signature|x-auth-token|"
    r"x-subject-token|x-security-token|authorization"
)
_KEY_RE = re.compile(rf"(?:{_SECRET_KEYS})", re.IGNORECASE)

# "password": "…"  /  'sk': '…'  (JSON bodies, Python reprs)
_QUOTED_FIELD = re.compile(
    rf"""(?P<head>(?P<q>["'])(?:{_SECRET_KEYS})(?P=q)\s*:\s*)(?P<vq>["'])(?P<value>(?:\\.|(?!(?P=vq)).)*)(?P=vq)""",
    re.IGNORECASE,
)
# X-Auth-Token: …  /  Authorization: …  (header lines, to the end of the line)
_HEADER_LINE = re.compile(
    r"(?P<head>\b(?:X-Auth-Token|X-Subject-Token|X-Security-Token|Authorization)\s*:\s*)(?P<value>[^\r\n]+)",
    re.IGNORECASE,
)
# …Signature=abcdef…  (the SDK-HMAC-SHA256 Authorization value, wherever it is quoted)
_SIGNATURE = re.compile(r"(?P<head>\bSignature=)(?P<value>[0-9A-Za-z+/=_-]+)")
# sk=…&  password=…  token=…  (queries, form bodies, key=value log text)
_KEY_VALUE = re.compile(rf"(?P<head>(?<![\w-])(?:{_SECRET_KEYS})=)(?P<value>[^&\s,;\"']+)", re.IGNORECASE)
# IAM PKI tokens start with "MII" and run for hundreds of base64 characters.
_PKI_TOKEN = re.compile(r"\bMII[A-Za-z0-9+/=_-]{40,}")


MIN_PIECE_LEN = 8
"""A secret split at a line break or a space is masked piece by piece, pieces this long or longer."""
_SPLIT = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")


def forms(value: str) -> set[str]:
    """The ways a secret may appear in text: as is, URL-quoted, escaped (JSON, ``repr`` of str and of
    bytes, ``visible``), and the pieces between line breaks (a message may split or escape them)."""
    found = {value, quote(value, safe=""), visible(value), json.dumps(value)[1:-1]}
    found.add(repr(value)[1:-1])
    found.add(repr(value.encode("utf-8", "surrogateescape"))[2:-1])  # h11: "Illegal header value b'…'"
    found.add(value.encode("unicode_escape").decode("ascii"))
    pieces = [piece for piece in _SPLIT.split(value) if len(piece) >= MIN_PIECE_LEN]
    if len(pieces) > 1 or (pieces and pieces[0] != value):
        found.update(pieces)
    return found


@functools.lru_cache(maxsize=256)
def _forms_of(value: str) -> frozenset[str]:
    return frozenset(forms(value))


def _values(secrets: Iterable[str | Secret | None]) -> list[str]:
    found: set[str] = set()
    for item in secrets:
        if item is None:
            continue
        value = item.reveal() if isinstance(item, Secret) else item
        if len(value) >= MIN_SECRET_LEN:
            found.update(form for form in _forms_of(value) if len(form) >= MIN_SECRET_LEN)
    return sorted(found, key=len, reverse=True)


def _mask_group(match: re.Match[str]) -> str:
    value = match.group("value")
    if value == MASK:
        return match.group(0)
    start = match.start("value") - match.start(0)
    end = match.end("value") - match.start(0)
    whole = match.group(0)
    return whole[:start] + MASK + whole[end:]


def redact(text: str, secrets: Iterable[str | Secret | None] = ()) -> str:
    """``text`` with every known secret value and every secret-looking field masked."""
    if not text:
        return text
    for value in _values(secrets):
        text = text.replace(value, MASK)
    text = _HEADER_LINE.sub(_mask_group, text)
    text = _SIGNATURE.sub(_mask_group, text)
    text = _QUOTED_FIELD.sub(_mask_group, text)
    text = _KEY_VALUE.sub(_mask_group, text)
    text = _PKI_TOKEN.sub(MASK, text)
    return text


@functools.lru_cache(maxsize=4096)
def is_secret_key(name: str) -> bool:
    """True for a field or query name whose value is a credential (``sk``, ``token``, ``password``…).

    Cached: a poll of 1,000 instances asks about the same few dozen field names 80,000 times.
    """
    return bool(_KEY_RE.fullmatch(name.strip()))


def redact_path(path: str, secrets: Iterable[str | Secret | None] = ()) -> str:
    """A ``path?query`` with the values of secret-looking query keys and known secrets masked."""
    base, sep, query = path.partition("?")
    if sep:
        pieces = []
        for piece in query.split("&"):
            key, eq, _value = piece.partition("=")
            pieces.append(f"{key}={MASK}" if eq and is_secret_key(key) else piece)
        path = base + "?" + "&".join(pieces)
    return redact(path, secrets)


_USERINFO_PASSWORD = re.compile(r"^(?P<head>\s*[A-Za-z][A-Za-z0-9+.-]*://[^/?#@:]*:)(?P<value>[^/?#@]+)@")
_URL_KEYS = frozenset({"url", "uri", "href", "link"})


def redact_url(url: str) -> str:
    """``url`` with a password in its userinfo and the values of secret query keys masked
    (``https://nb/lab?token=********``); the rest kept as it was sent."""
    if "=" not in url and "@" not in url:
        return url
    return _KEY_VALUE.sub(_mask_group, _USERINFO_PASSWORD.sub(_mask_group, url))


SCRUB_MAX_DEPTH = 64
"""Deeper JSON is replaced by ``TOO_DEEP``: no instance nests that far, and recursion must not fail."""
TOO_DEEP = "<nested too deeply>"


_PLAIN_KEYS: set[str] = set()
"""Field names ``scrub`` has found to need nothing but a look inside their value (``name``,
``image``…): a dict whose keys are all here is walked for its containers alone, one subset test
in C instead of three tests a field. Bounded: names past ``MAX_PLAIN_KEYS`` take the long way."""
MAX_PLAIN_KEYS = 4096
_CONTAINERS = (dict, list)


def _plain_key(key: Any) -> bool:
    """True for a field whose value ``scrub`` never masks itself (not a secret, URL or credential name)."""
    plain = key != "credential" and not is_secret_key(str(key)) and key not in _URL_KEYS
    if plain and type(key) is str and len(_PLAIN_KEYS) < MAX_PLAIN_KEYS:
        _PLAIN_KEYS.add(key)
    return plain


def scrub(value: Any, _depth: int = 0) -> Any:
    """A JSON value with every secret-named field's value masked (``token``, ``credential``…), and
    the secrets inside a ``url`` value (``redact_url``).

    Instance bodies carry the notebook's access token and SSH credentials; what the UI shows or the
    CLI prints (``raw``) goes through this first. Containers nested deeper than ``SCRUB_MAX_DEPTH``
    become ``TOO_DEEP``. Copy on write: a container with nothing to mask inside is returned as it
    is, so a v1 instance (no token in its body) costs no second copy of its JSON in memory.
    """
    if isinstance(value, dict):
        if _depth >= SCRUB_MAX_DEPTH:
            return TOO_DEEP
        if value.keys() <= _PLAIN_KEYS:  # the usual inner object: only its containers to look into
            return _scrub_inside(value, value.items(), _depth)
        copied: dict[Any, Any] | None = None
        for k, v in value.items():
            if k in _PLAIN_KEYS or _plain_key(k):
                if not isinstance(v, _CONTAINERS) or not (v or _depth + 1 >= SCRUB_MAX_DEPTH):
                    continue  # a plain value stays (no call per leaf: 80 per instance)
                new = scrub(v, _depth + 1)
            elif k == "credential":
                new = MASK if v else v
            elif v not in (None, "") and is_secret_key(str(k)):
                new = MASK
            elif isinstance(v, _CONTAINERS):
                new = scrub(v, _depth + 1)
            elif isinstance(v, str):  # a URL field: a notebook URL may carry its token
                new = redact_url(v)
            else:
                continue
            if new is not v:
                if copied is None:
                    copied = dict(value)
                copied[k] = new
        return value if copied is None else copied
    if isinstance(value, list):
        if _depth >= SCRUB_MAX_DEPTH:
            return TOO_DEEP
        return _scrub_inside(value, enumerate(value), _depth)
    return value


def _scrub_inside(value: Any, pairs: Iterable[tuple[Any, Any]], depth: int) -> Any:
    """``value`` (a dict with plain keys, or a list) with its containers scrubbed, copied on write."""
    copied: Any = None
    for k, v in pairs:
        if not isinstance(v, _CONTAINERS) or not (v or depth + 1 >= SCRUB_MAX_DEPTH):
            continue  # a scalar, or an empty container well above the depth limit, stays
        new = scrub(v, depth + 1)
        if new is not v:
            if copied is None:
                copied = dict(value) if isinstance(value, dict) else list(value)
            copied[k] = new
    return value if copied is None else copied
