"""Text that a server (or any outsider) chose: shown visibly, never obeyed by a terminal, bounded.

Every C0 and C1 control character, DEL, ESC, the Unicode line and paragraph separators, the bidi
overrides and lone surrogates (which no terminal or file encoding can write) become a visible
escape: ESC is ``\\x1b``, BEL ``\\x07``, a newline ``\\n``, CSI ``\\x9b``. Nothing is dropped, so what the server
sent can still be read, but an instance named ``\\x1b]0;pwned\\x07`` cannot set the terminal's
title, write its clipboard (OSC 52) or clear the screen, and a bare CR cannot rewrite a line nor
a newline forge a log record. The answer parsers apply ``visible_json`` to what they decode, so
no surface (table, details, log panel, CLI, stderr, log file) has to remember to.
"""

from __future__ import annotations

import re
from typing import Any

CONTROL_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What a terminal may act on, or what splits a line: C0, DEL, C1, U+2028/2029, lone surrogates,
and the bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069), with which a name
can show its text in another order than it is (``nb-\\u202egpj.exe``, "Trojan Source")."""

CONTROL_PROBLEM = "holds a line break or another control character (a wrapped paste?); write it on one line"
"""Said of a value or variable with a control character, without showing it (it may be a secret)."""

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

MAX_MESSAGE_CHARS = 2_000
"""A message shown or logged is cut here, saying how much it left out (a 20 MB error_msg is not text)."""

_SUSPECT_BYTES = re.compile(
    rb"\\u00[01]|\\u007[fF]|\\u00[89]|\\u202[89a-eA-E]|\\u206[6-9]|\\u[dD][89a-fA-F]|\\[bfnrt]|\x7f|"
    rb"\xc2[\x80-\x9f]|\xe2\x80[\xa8-\xae]|\xe2\x81[\xa6-\xa9]|\xed[\xa0-\xbf]"
)
"""What a UTF-8 JSON body needs to decode to a control character: strict JSON has none raw in strings.
(Bytes ED A0-BF begin a lone surrogate written raw: not UTF-8, yet ``json.loads`` of bytes takes it.)"""

_MARKS = (b"\\", b"\x7f", b"\xc2", b"\xe2", b"\xed")
"""Bytes that every match of ``_SUSPECT_BYTES`` starts with; one byte each, so each test is a
memchr (a two-byte mark was a 1.5 ms search of a 1.76 MB body, one byte 0.02 ms)."""

MAX_DEPTH = 64
TOO_DEEP = "<nested too deeply>"


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character written as a visible escape (``\\x1b``, ``\\n``)."""
    if not CONTROL_RE.search(text):
        return text
    return CONTROL_RE.sub(_escape, text)


def clip(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how many it left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… [{len(text) - limit:,} more characters not shown]"


def shown(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Untrusted text ready for a terminal or a log line: bounded, then made visible."""
    return visible(clip(text, limit))


def may_hold_controls(body: bytes) -> bool:
    """False when a JSON body surely decodes to no control character (a fast byte scan).

    A body that is not UTF-8 (``json`` also reads UTF-16 and UTF-32) is always suspect.
    """
    if body[:4].count(0) or body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    if not any(mark in body for mark in _MARKS):  # memchr-fast: most bodies stop here
        return False
    return _SUSPECT_BYTES.search(body) is not None


def visible_json(value: Any, _depth: int = 0) -> Any:
    """A decoded JSON value with ``visible`` applied to every string, keys included.

    Copy on write: a container with nothing to change is returned as it is. Containers nested
    deeper than ``MAX_DEPTH`` become ``TOO_DEEP`` (no answer nests that far).
    """
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        if _depth >= MAX_DEPTH:
            return TOO_DEEP
        copied: dict[Any, Any] | None = None
        for key, item in value.items():
            new_key = visible(key) if isinstance(key, str) else key
            new = visible_json(item, _depth + 1)
            if new is not item or new_key is not key:
                if copied is None:
                    copied = {}
                    for k, v in value.items():  # keep the order, up to here
                        if k is key:
                            break
                        copied[k] = v
                copied[new_key] = new
            elif copied is not None:
                copied[key] = item
        return value if copied is None else copied
    if isinstance(value, list):
        if _depth >= MAX_DEPTH:
            return TOO_DEEP
        items: list[Any] | None = None
        for i, item in enumerate(value):
            new = visible_json(item, _depth + 1)
            if new is not item:
                if items is None:
                    items = list(value)
                items[i] = new
        return value if items is None else items
    return value
