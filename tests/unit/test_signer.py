"""Every vector of tests/data/sign_vectors.json, through the pure signer and through AkSkAuth.

Vectors are parametrized by name: drop more vectors of the same format into the file and they
are checked too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tui.api import signer
from tui.api.auth import AkSkAuth
from tui.core.secret import Secret

VECTORS_FILE = Path(__file__).resolve().parents[1] / "data" / "sign_vectors.json"
VECTORS: list[dict[str, Any]] = json.loads(VECTORS_FILE.read_text(encoding="utf-8"))["vectors"]


def _ids(vectors: list[dict[str, Any]]) -> list[str]:
    return [v["name"] for v in vectors]


def _headers(vector: dict[str, Any]) -> list[tuple[str, str]]:
    given = vector["input"]
    headers = list(given["headers"].items())
    if given.get("project_id"):
        headers.append(("X-Project-Id", given["project_id"]))
    if given.get("security_token"):
        headers.append(("X-Security-Token", given["security_token"]))
    return headers


def _body(vector: dict[str, Any]) -> bytes | None:
    body = vector["input"]["body"]
    return None if body is None else body.encode("utf-8")


def test_vector_file_has_unique_names() -> None:
    names = _ids(VECTORS)
    assert names and len(names) == len(set(names))


@pytest.mark.parametrize("vector", VECTORS, ids=_ids(VECTORS))
def test_signer_reproduces_vector(vector: dict[str, Any]) -> None:
    given, expected = vector["input"], vector["expected"]
    result = signer.sign_full(
        given["method"],
        given["url"],
        _headers(vector),
        _body(vector),
        given["ak"],
        given["sk"],
        given["date"],
    )
    assert result.canonical_request == expected["canonical_request"]
    assert result.authorization == expected["authorization"]
    assert result.string_to_sign == expected["string_to_sign"]
    assert result.signed_headers == expected["signed_headers"]
    if "published_signature" in vector:
        assert result.signature == vector["published_signature"]


@pytest.mark.parametrize("vector", VECTORS, ids=_ids(VECTORS))
def test_verifier_accepts_vector_as_sent(vector: dict[str, Any]) -> None:
    """The emulator's side: recompute from what went on the wire (headers_sent, wire path)."""
    given, expected = vector["input"], vector["expected"]
    sent = list(expected["headers_sent"].items())
    parsed = signer.parse_authorization(expected["headers_sent"]["Authorization"])
    assert parsed is not None
    path, _, query = expected["wire_path_and_query"].partition("?")
    assert signer.verify(
        given["method"], path, query, sent, _body(vector), given["sk"], parsed, given["date"]
    )
    assert not signer.verify(
        given["method"], path, query, sent, b"tampered", given["sk"], parsed, given["date"]
    )


# AkSkAuth always sends Content-Type (as the SDK does), so it reproduces the vectors that carry one.
AUTH_VECTORS = [v for v in VECTORS if "Content-Type" in v["input"]["headers"]]


@pytest.mark.parametrize("vector", AUTH_VECTORS, ids=_ids(AUTH_VECTORS))
def test_aksk_auth_reproduces_vector(vector: dict[str, Any]) -> None:
    given, expected = vector["input"], vector["expected"]
    when = signer.parse_sdk_date(given["date"]).timestamp()
    security = given.get("security_token")
    auth = AkSkAuth(
        given["ak"],
        Secret(given["sk"]),
        project_id=given.get("project_id"),
        security_token=Secret(security) if security else None,
        clock=lambda: when,
    )
    request = httpx.Request(given["method"], given["url"], headers=given["headers"], content=_body(vector))
    flow = auth.sync_auth_flow(request)
    signed = next(flow)
    assert signed.headers["Authorization"] == expected["authorization"]
    assert signed.headers["X-Sdk-Date"] == given["date"]
    assert signed.headers["Host"] == urlsplit(given["url"]).netloc
    for name, value in expected["headers_sent"].items():
        assert signed.headers[name] == value


def test_every_vector_shape_is_understood() -> None:
    for vector in VECTORS:
        assert {"method", "url", "headers", "body", "ak", "sk", "date"} <= set(vector["input"])
        assert {"canonical_request", "authorization"} <= set(vector["expected"])
