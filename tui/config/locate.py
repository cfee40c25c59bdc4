"""Where each key sits in a TOML text, so an error can name the line.

``tomllib`` returns plain dicts without positions; this scanner walks the same text again and
records the line of every table header, key and array element under its key path, with array
elements (``[[profiles]]`` tables and inline arrays alike) addressed by index::

    ("profiles", 1, "instances", 0, "id") -> 14

It runs only on text ``tomllib`` has accepted, so it can assume valid TOML; it still never raises
(a surprise ends the scan and the lines found so far are kept) and ``line_of`` falls back to the
nearest enclosing key.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from contextlib import suppress

KeyPath = tuple[str | int, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")
_SCALAR_END = " \t\r\n,]}#"


def key_lines(text: str) -> dict[KeyPath, int]:
    """Key path -> 1-based line of its first appearance in ``text``."""
    scanner = _Scanner(text)
    with suppress(IndexError, ValueError, RecursionError):  # TOMLDecodeError is a ValueError
        scanner.document()
    return scanner.lines


def line_of(lines: dict[KeyPath, int], path: Sequence[str | int]) -> int | None:
    """The line of ``path``, else of its nearest enclosing key or table; None when nothing matches."""
    key = tuple(path)
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return None


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.lines: dict[KeyPath, int] = {}
        self.tables: dict[KeyPath, int] = {}  # array-of-tables path -> elements so far

    def peek(self, ahead: int = 0) -> str:
        at = self.pos + ahead
        return self.text[at] if at < len(self.text) else ""

    def advance(self, count: int = 1) -> None:
        end = min(self.pos + count, len(self.text))
        self.line += self.text.count("\n", self.pos, end)
        self.pos = end

    def skip_blank(self, *, newlines: bool) -> None:
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in " \t" or (newlines and char in "\r\n"):
                self.advance()
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.advance((len(self.text) if end < 0 else end) - self.pos)
            else:
                return

    def record(self, path: KeyPath) -> None:
        self.lines.setdefault(path, self.line)

    def document(self) -> None:
        table: KeyPath = ()
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return
            if self.peek() == "[":
                array = self.peek(1) == "["
                self.advance(2 if array else 1)
                table = self.header(self.key(), array)
                self.advance(2 if array else 1)
                self.record(table)
            else:
                self.assignment(table)

    def header(self, keys: list[str], array: bool) -> KeyPath:
        resolved: list[str | int] = []
        for index, key in enumerate(keys):
            resolved.append(key)
            here = tuple(resolved)
            self.record(here)
            if array and index == len(keys) - 1:
                count = self.tables.get(here, 0)
                self.tables[here] = count + 1
                resolved.append(count)
            elif here in self.tables:
                resolved.append(self.tables[here] - 1)
        self.skip_blank(newlines=False)
        return tuple(resolved)

    def assignment(self, table: KeyPath) -> None:
        keys = self.key()
        for end in range(1, len(keys) + 1):
            self.record(table + tuple(keys[:end]))
        self.skip_blank(newlines=False)
        if self.peek() != "=":
            raise ValueError("expected '='")
        self.advance()
        self.skip_blank(newlines=False)
        self.value(table + tuple(keys))

    def key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self.skip_blank(newlines=False)
            char = self.peek()
            start = self.pos
            if char in "\"'":
                self.string()
                raw = self.text[start : self.pos]
                parts.append(tomllib.loads(f"k = {raw}")["k"])
            else:
                match = _BARE.match(self.text, self.pos)
                if not match:
                    raise ValueError("expected a key")
                parts.append(match.group())
                self.advance(match.end() - self.pos)
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return parts
            self.advance()

    def value(self, path: KeyPath) -> None:
        char = self.peek()
        if char == "[":
            self.advance()
            index = 0
            while True:
                self.skip_blank(newlines=True)
                if self.peek() in ("]", ""):
                    self.advance()
                    return
                self.record(path + (index,))
                start = self.pos
                self.value(path + (index,))
                if self.pos == start:
                    raise ValueError("no progress in an array")
                self.skip_blank(newlines=True)
                if self.peek() == ",":
                    self.advance()
                    index += 1
        elif char == "{":
            self.advance()
            while True:
                self.skip_blank(newlines=True)
                if self.peek() in ("}", ""):
                    self.advance()
                    return
                self.assignment(path)
                self.skip_blank(newlines=True)
                if self.peek() == ",":
                    self.advance()
        elif char in "\"'":
            self.string()
        else:
            self.scalar()

    def scalar(self) -> None:
        start = self.pos
        while self.peek() and self.peek() not in _SCALAR_END:
            self.advance()
        # A local date-time may use a space between date and time: 1979-05-27 07:32:00.
        if _DATE.match(self.text[start : self.pos]) and self.peek() == " " and self.peek(1).isdigit():
            self.advance()
            while self.peek() and self.peek() not in _SCALAR_END:
                self.advance()

    def string(self) -> None:
        quote = self.peek()
        if self.text.startswith(quote * 3, self.pos):
            self.advance(3)
            end = self.closing(quote * 3, escapes=quote == '"')
            # Up to two quotes may end the content right before the closing delimiter.
            extra = 0
            while extra < 2 and self.text.startswith(quote, end + 3 + extra):
                extra += 1
            self.advance(end + 3 + extra - self.pos)
        else:
            self.advance()
            end = self.closing(quote, escapes=quote == '"')
            self.advance(end + 1 - self.pos)

    def closing(self, delimiter: str, *, escapes: bool) -> int:
        at = self.pos
        while at < len(self.text):
            if escapes and self.text[at] == "\\":
                at += 2
                continue
            if self.text.startswith(delimiter, at):
                return at
            at += 1
        raise ValueError("unterminated string")
