"""A list answer decoded item by item, taking the items whose text is the same as last time as
they were (``ListText``): a poll of 1,000 instances where a handful changed decodes that handful.

``json.loads`` of a 1.76 MB v1 list is most of a poll's cost when nothing changed (and then the
memo compares every decoded item with the last one, and the old ones are freed). Here the answer
is read with the ``json`` module's own scanner, one value at a time: the top-level object key by
key, and in the list of items each item is first compared with the text of the item expected
there (the next one of the last answer, or the one after it when one was removed, or the one
before when one was added), by length and hash of its text; an item with the same text is the
very object decoded last time. Anything unusual (not an object, control characters, a BOM, an
error) is decoded by ``decode_json`` as before, so the answers and the errors are the same.

Memory: the first answer is decoded whole (one ``json.loads`` shares the key strings of every item;
decoded one by one, each item has its own, 58% more at 5,000 instances), and after a list is parsed
``adopt`` swaps each held item for the equal object the memo keeps, so an instance's JSON is held
once, not once here and once in the memo (a poll of 5,000 held 79 MB of JSON, now 20 MB); an
item decoded afresh and equal to the memo's is swapped at once (``known``), so a poll that reads
every item afresh (the second) does not hold two copies of the list at its peak.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from tui.api.body import decode_json
from tui.core.untrusted import may_hold_controls

_WS = re.compile(r"[ \t\n\r]*")
_SCAN = json.JSONDecoder().raw_decode

Seen = tuple[int, int, Any]
"""(length of an item's text, hash of it, the decoded item)."""


def _skip(text: str, at: int) -> int:
    """The index after the JSON whitespace at ``at``."""
    found = _WS.match(text, at)
    return found.end() if found else at


class _Unusual(Exception):
    """The answer is not the plain shape read here: decode it as a whole."""


class ListText:
    """The items of the last answer of one list (``key``: ``"instances"``), by their text."""

    def __init__(self, key: str, known: Callable[[Any], Any] | None = None) -> None:
        self.key = key
        self._known = known
        """The object kept from an earlier list for an item (the memo's), taken when equal to one
        decoded afresh here, so the fresh one is freed at once, not held to the end of the page."""
        self._last: list[Seen] = []
        self._scan = False
        """False until the first answer (decoded whole) has been read."""
        self._fresh: list[int] = []
        """Where in ``_last`` the items decoded afresh are (the only ones ``adopt`` may swap)."""

    def decode(self, body: bytes, *, endpoint: str = "", status: int | None = None) -> Any:
        """What ``decode_json(body)`` gives, with unchanged items taken from the last answer."""
        if not self._scan:
            self._scan = True
            return decode_json(body, endpoint=endpoint, status=status)
        self._fresh = []
        try:
            if may_hold_controls(body):
                raise _Unusual
            text = body.decode("utf-8")
            value, seen = self._object(text)
        except (_Unusual, ValueError, IndexError, RecursionError):
            self._last, self._fresh = [], []
            return decode_json(body, endpoint=endpoint, status=status)
        self._last = seen
        return value

    def adopt(self, kept: Callable[[Any], Any]) -> None:
        """Hold ``kept(item)`` (the memo's object for that item) in place of each item of the last
        answer, where it is an equal object: one copy of each instance's JSON is kept, not two."""
        last = self._last
        for at in self._fresh:  # the others are the objects of an earlier answer: the memo's already
            length, digest, item = last[at]
            mine = kept(item)
            if mine is not None and mine is not item and mine == item:
                last[at] = (length, digest, mine)
        self._fresh = []

    def _object(self, text: str) -> tuple[dict[str, Any], list[Seen]]:
        at = _skip(text, 0)
        if text[at] != "{":
            raise _Unusual
        value: dict[str, Any] = {}
        seen: list[Seen] = []
        at = _skip(text, at + 1)
        while text[at] != "}":
            key, at = _SCAN(text, at)
            if not isinstance(key, str) or key in value:
                raise _Unusual
            at = _skip(text, at)
            if text[at] != ":":
                raise _Unusual
            at = _skip(text, at + 1)
            if key == self.key and text[at] == "[":
                value[key], seen, at = self._items(text, at)
            else:
                value[key], at = _SCAN(text, at)
            at = _skip(text, at)
            if text[at] == ",":
                at = _skip(text, at + 1)
                if text[at] == "}":  # a trailing comma: not JSON (decode_json says so)
                    raise _Unusual
            elif text[at] != "}":
                raise _Unusual
        if _skip(text, at + 1) != len(text):
            raise _Unusual
        return value, seen

    def _items(self, text: str, at: int) -> tuple[list[Any], list[Seen], int]:
        last, expect = self._last, 0
        items: list[Any] = []
        seen: list[Seen] = []
        at = _skip(text, at + 1)
        if text[at] == "]":
            return items, seen, at + 1
        while True:
            for k in (expect, expect + 1, expect - 1):  # in place, one removed, one added before
                if 0 <= k < len(last):
                    length, digest, item = last[k]
                    chunk = text[at : at + length]
                    if len(chunk) == length and hash(chunk) == digest:
                        expect, end = k + 1, at + length
                        break
            else:
                item, end = _SCAN(text, at)
                length, digest = end - at, hash(text[at:end])
                old = self._known(item) if self._known is not None else None
                if old is not None and old is not item and old == item:
                    item = old
                expect += 1  # as if it changed in place: the next one is expected after it
                self._fresh.append(len(seen))
            items.append(item)
            seen.append((length, digest, item))
            at = _skip(text, end)
            if text[at] == "]":
                return items, seen, at + 1
            if text[at] != ",":
                raise _Unusual
            at = _skip(text, at + 1)
