"""Bodies that are not instances: JSON decoding with a readable failure, and error answers.

Error bodies come in three documented shapes, all read here (section 3.1 of the reference):
``{"error_code", "error_message"}`` (v1), ``{"error_code", "error_msg", "request_id"}``
(gateway, notebooks) and IAM's ``{"error": {"code", "title", "message"}}``; ``code``/``message``
and ``errorCode``/``errorMsg`` are read as fallbacks.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tui.core.errors import ResponseError
from tui.core.untrusted import clip, may_hold_controls, visible, visible_json

SUMMARY_SCAN_BYTES = 65_536
"""``summarize_body`` looks at this much of a body: a huge page must not cost seconds of regex."""


def text_of(value: Any) -> str:
    """A scalar JSON value as text ('' for null, objects and arrays; booleans lower-case)."""
    if value is None or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def decode_json(body: bytes, *, endpoint: str = "", status: int | None = None) -> Any:
    """The JSON value of a body; ResponseError (with a short summary of the body) when it is not JSON."""
    if not body.strip():
        raise ResponseError(
            f"{endpoint}: empty answer where JSON was expected", status=status, endpoint=endpoint
        )
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ResponseError(
            f"{endpoint}: answer is not JSON ({summarize_body(body)})", status=status, endpoint=endpoint
        ) from None
    except RecursionError:  # JSON nested deeper than the interpreter's stack: never a real answer
        raise ResponseError(
            f"{endpoint}: answer is JSON nested too deeply to read", status=status, endpoint=endpoint
        ) from None
    return visible_json(data) if may_hold_controls(body) else data


_TITLE_OPEN = re.compile(r"<title[^<>]{0,200}>", re.IGNORECASE)
_TITLE_CLOSE = re.compile(r"</title\s*>", re.IGNORECASE)
_HTML_MARK = re.compile(r"<(?:!doctype|html|body)\b", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]{1,1000}>")
# Bounded repeats only: an unbounded ``[^>]*`` or a lazy ``(.*?)</title>`` is quadratic on a page
# of many unclosed tags (seconds for 64 KB, hours for megabytes).


def summarize_body(body: bytes, limit: int = 120) -> str:
    """A one-line hint of what a non-JSON body is: an HTML page's title, else its first characters."""
    text = body[:SUMMARY_SCAN_BYTES].decode("utf-8", "replace")
    opened = _TITLE_OPEN.search(text)
    closed = _TITLE_CLOSE.search(text, opened.end()) if opened else None
    if opened and closed:
        text = "HTML page: " + text[opened.end() : closed.start()]
    elif _HTML_MARK.search(text):
        text = "HTML page: " + _TAG.sub(" ", text)
    text = visible(" ".join(html.unescape(text).split()))  # &#27; is an ESC too
    return text[:limit] + ("…" if len(text) > limit else "")


# --- error bodies --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ErrorBody:
    """What an error answer said: code, message, request id (each '' when absent)."""

    code: str = ""
    message: str = ""
    request_id: str = ""
    title: str = ""


_CODE_KEYS = ("error_code", "errorCode", "code")
_MESSAGE_KEYS = ("error_msg", "error_message", "errorMsg", "errorMessage", "message", "msg")


def _first(obj: Mapping[str, Any], keys: tuple[str, ...]) -> str:
    for key in keys:
        value = obj.get(key)
        if value is not None and not isinstance(value, (dict, list)) and text_of(value):
            return text_of(value)
    return ""


def _error_from_object(obj: Mapping[str, Any], depth: int = 0) -> ErrorBody:
    code, message = _first(obj, _CODE_KEYS), _first(obj, _MESSAGE_KEYS)
    request_id = _first(obj, ("request_id", "requestId"))
    if code or message:
        return ErrorBody(code, message, request_id, text_of(obj.get("title")))
    if depth < 2:
        for value in obj.values():
            if isinstance(value, dict):
                inner = _error_from_object(value, depth + 1)
                if inner.code or inner.message:
                    return ErrorBody(inner.code, inner.message, inner.request_id or request_id, inner.title)
    return ErrorBody(request_id=request_id)


def parse_error_body(body: bytes | Any) -> ErrorBody | None:
    """Code and message of an error answer of any documented shape; None when the body is not JSON."""
    data = body
    if isinstance(body, (bytes, bytearray)):
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
    if not isinstance(data, dict):
        return None
    found = _error_body(visible_json(data))
    return ErrorBody(
        clip(found.code, 200), clip(found.message), clip(found.request_id, 200), clip(found.title, 200)
    )


def _error_body(data: dict[str, Any]) -> ErrorBody:
    error = data.get("error")
    if isinstance(error, dict):  # IAM / keystone
        found = _error_from_object(error, 1)
        code = found.code
        if code.isdigit():  # keystone puts the HTTP status in "code"; the title says more
            code = ""
        return ErrorBody(
            code,
            found.message or found.title,
            found.request_id or text_of(data.get("request_id")),
            found.title,
        )
    return _error_from_object(data)
