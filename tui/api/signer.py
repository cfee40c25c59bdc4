"""SDK-HMAC-SHA256 request signing, exactly as Huawei's official SDK computes it.

Pure functions, no clock and no I/O: the caller passes the X-Sdk-Date value. The same
functions serve the client (``api.auth``) and the emulator's verifier, which recomputes the
canonical request over the headers that the request's ``SignedHeaders`` names.

    CanonicalRequest = METHOD \\n URI \\n QUERY \\n HEADERS \\n SIGNED \\n PAYLOAD-HASH
    StringToSign     = "SDK-HMAC-SHA256" \\n X-Sdk-Date \\n hex(sha256(CanonicalRequest))
    Signature        = hex(hmac_sha256(SK, StringToSign))
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, unquote, urlsplit

ALGORITHM = "SDK-HMAC-SHA256"
DATE_HEADER = "X-Sdk-Date"
DATE_FORMAT = "%Y%m%dT%H%M%SZ"
CONTENT_SHA_HEADER = "X-Sdk-Content-Sha256"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


@dataclass(frozen=True, slots=True)
class Signature:
    """Everything one signing step produced; ``authorization`` is the header value."""

    canonical_request: str
    string_to_sign: str
    signed_headers: str
    signature: str
    authorization: str


def format_sdk_date(when: datetime) -> str:
    """The X-Sdk-Date form of an aware or UTC-naive datetime: ``20191115T033655Z``."""
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime(DATE_FORMAT)


def parse_sdk_date(value: str) -> datetime:
    """Parse an X-Sdk-Date value; raises ValueError when it is not of the documented form."""
    return datetime.strptime(value, DATE_FORMAT).replace(tzinfo=UTC)


def _encode(text: str) -> str:
    return quote(text, safe="~")


def canonical_uri(path: str) -> str:
    """Decode the wire path whole, split on '/', encode each segment, always end with '/'."""
    segments = unquote(path or "/").split("/")
    uri = "/".join(_encode(segment) for segment in segments)
    return uri if uri.endswith("/") else uri + "/"


def parse_query(raw: str) -> list[tuple[str, str]]:
    """Read a raw wire query as the gateway does: '&'-split, first '=', unquote ('+' stays)."""
    pairs: list[tuple[str, str]] = []
    for piece in raw.split("&"):
        if not piece:
            continue
        key, _, value = piece.partition("=")
        if not key:
            continue
        pairs.append((unquote(key), unquote(value)))
    return pairs


def canonical_query(pairs: Iterable[tuple[str, str]]) -> str:
    """Sort decoded (key, value) pairs by code point, then encode each side; '' when empty."""
    return "&".join(f"{_encode(k)}={_encode(v)}" for k, v in sorted(pairs))


def query_pairs(params: Mapping[str, object]) -> list[tuple[str, str]]:
    """Typed parameters to pairs the SDK way: lists repeat the key, bools are lower-case, None drops."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        values = value if isinstance(value, (list, tuple)) else [value]
        for item in values:
            if item is None:
                continue
            if isinstance(item, bool):
                pairs.append((key, "true" if item else "false"))
            else:
                pairs.append((key, str(item)))
    return pairs


def _payload_hash(body: bytes | None, header_value: str | None) -> str:
    if not body:
        return EMPTY_SHA256
    if header_value is not None:
        return header_value
    return hashlib.sha256(body).hexdigest()


def signed_header_names(headers: Iterable[str]) -> list[str]:
    """Every header name, lower-cased and once, except those with '_', in code point order."""
    return sorted({name.lower() for name in headers if "_" not in name})


def canonical_request(
    method: str,
    path: str,
    pairs: Iterable[tuple[str, str]],
    headers: Sequence[tuple[str, str]],
    signed: Sequence[str],
    body: bytes | None,
) -> str:
    """The canonical request over ``signed`` header names; values are looked up case-insensitively."""
    values: dict[str, str] = {}
    for name, value in headers:
        values[name.lower()] = value
    header_lines = "".join(f"{name}:{values.get(name, '').strip()}\n" for name in signed)
    return "\n".join(
        [
            method.upper(),
            canonical_uri(path),
            canonical_query(pairs),
            header_lines,
            ";".join(signed),
            _payload_hash(body, values.get(CONTENT_SHA_HEADER.lower())),
        ]
    )


def signature_for(canonical: str, sdk_date: str, sk: str) -> tuple[str, str]:
    """(string_to_sign, hex signature) for a canonical request."""
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    string_to_sign = f"{ALGORITHM}\n{sdk_date}\n{digest}"
    mac = hmac.new(sk.encode("utf-8"), string_to_sign.encode("utf-8"), hashlib.sha256)
    return string_to_sign, mac.hexdigest()


def sign_full(
    method: str,
    url: str,
    headers: Mapping[str, str] | Sequence[tuple[str, str]],
    body: bytes | None,
    ak: str,
    sk: str,
    sdk_date: str,
) -> Signature:
    """Sign a request as the SDK does; Host comes from the URL unless ``headers`` has one (any case)."""
    items = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    parts = urlsplit(url)
    names = {name.lower() for name, _ in items}  # header names are case-insensitive, like the SDK's
    for name, value in items:
        if name.lower() == "content-type" and not value.startswith(("application/json", "application/bson")):
            items.append((CONTENT_SHA_HEADER, UNSIGNED_PAYLOAD))
            break
    items = [(n, v) for n, v in items if n.lower() != DATE_HEADER.lower()] + [(DATE_HEADER, sdk_date)]
    if "host" not in names:  # a caller's Host (any case) is signed once, as given
        items.append(("Host", parts.netloc))
    signed = signed_header_names(name for name, _ in items)
    canonical = canonical_request(method, parts.path, parse_query(parts.query), items, signed, body)
    string_to_sign, signature = signature_for(canonical, sdk_date, sk)
    signed_str = ";".join(signed)
    authorization = f"{ALGORITHM} Access={ak}, SignedHeaders={signed_str}, Signature={signature}"
    return Signature(canonical, string_to_sign, signed_str, signature, authorization)


def sign(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes | None,
    ak: str,
    sk: str,
    sdk_date: str,
) -> str:
    """The ``Authorization`` header value for this request (see ``sign_full``)."""
    return sign_full(method, url, headers, body, ak, sk, sdk_date).authorization


@dataclass(frozen=True, slots=True)
class AuthorizationHeader:
    """A parsed ``SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`` value."""

    access: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(value: str) -> AuthorizationHeader | None:
    """Parse an Authorization value; None when it is not an SDK-HMAC-SHA256 header."""
    prefix = ALGORITHM + " "
    if not value.startswith(prefix):
        return None
    fields: dict[str, str] = {}
    for part in value[len(prefix) :].split(","):
        key, sep, item = part.strip().partition("=")
        if sep:
            fields[key] = item
    try:
        return AuthorizationHeader(
            fields["Access"], tuple(fields["SignedHeaders"].split(";")), fields["Signature"]
        )
    except KeyError:
        return None


def verify(
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Sequence[tuple[str, str]],
    body: bytes | None,
    sk: str,
    parsed: AuthorizationHeader,
    sdk_date: str,
) -> bool:
    """Recompute the signature over exactly the headers the request says it signed."""
    canonical = canonical_request(
        method, raw_path, parse_query(raw_query), headers, list(parsed.signed_headers), body
    )
    _, expected = signature_for(canonical, sdk_date, sk)
    return hmac.compare_digest(expected, parsed.signature)
