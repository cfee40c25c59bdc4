"""Notebook tags (section 11.7): the key and value rules, ``key=value`` as typed, and the filter term.

A notebook has at most 20 tags; a key is 1 to 36 characters and a value at most 43, neither with
any of ``= * < > \\ , | /``. The rules are checked before anything is sent.
"""

from __future__ import annotations

from collections.abc import Iterable

from tui.core.errors import ValidationError

MAX_TAGS = 20
KEY_MAX = 36
VALUE_MAX = 43
FORBIDDEN = frozenset("=*<>\\,|/")
Tag = tuple[str, str]
"""One tag: (key, value)."""


def _bad(text: str) -> str:
    return " ".join(sorted(FORBIDDEN & set(text)))


def check_key(key: object) -> str:
    """A tag key, stripped, when it follows the rule; ValidationError('tag') otherwise."""
    if not isinstance(key, str) or not 0 < len(key.strip()) <= KEY_MAX:
        raise ValidationError("tag", f"a tag key is 1 to {KEY_MAX} characters, not {str(key)[:40]!r}")
    if _bad(key) or not key.isprintable():
        raise ValidationError(
            "tag", f"tag key {key[:40]!r} must not contain {_bad(key) or 'control characters'}"
        )
    return key.strip()


def check_value(key: str, value: object) -> str:
    """A tag value when it follows the rule; ValidationError('tag') otherwise."""
    if not isinstance(value, str) or len(value) > VALUE_MAX:
        raise ValidationError("tag", f"the value of {key!r} is at most {VALUE_MAX} characters")
    if _bad(value) or not value.isprintable():
        raise ValidationError(
            "tag", f"the value of {key!r} must not contain {_bad(value) or 'control characters'}"
        )
    return value.strip()


def parse_pairs(items: Iterable[str]) -> tuple[Tag, ...]:
    """``["team=cv", "cost=gpu"]`` -> ((team, cv), (cost, gpu)); ValidationError for a bad item.

    Each item is ``key=value`` (the value may be empty); the last of a repeated key wins.
    """
    found: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise ValidationError("tag", f"{item[:40]!r} is not key=value")
        key = check_key(key)
        found[key] = check_value(key, value)
    if not found:
        raise ValidationError("tag", "give at least one key=value")
    if len(found) > MAX_TAGS:
        raise ValidationError("tag", f"a notebook has at most {MAX_TAGS} tags ({len(found)} given)")
    return tuple(found.items())


def parse_keys(items: Iterable[str]) -> tuple[str, ...]:
    """Tag keys to remove (``key`` or ``key=value``: only the key counts); ValidationError when bad."""
    keys = tuple(dict.fromkeys(check_key(item.partition("=")[0]) for item in items))
    if not keys:
        raise ValidationError("tag", "give at least one tag key")
    return keys


def parse_term(text: str) -> Tag | tuple[str, None]:
    """A filter term ``key=value`` (or ``key`` alone: any value) as typed after ``tag:``."""
    key, sep, value = text.partition("=")
    return (key.strip(), value.strip()) if sep else (key.strip(), None)


def has_tag(tags: Iterable[Tag], key: str, value: str | None) -> bool:
    """True when ``tags`` hold ``key`` (with ``value``, unless None), keys compared case-insensitively."""
    wanted = key.lower()
    return any(k.lower() == wanted and (value is None or v.lower() == value.lower()) for k, v in tags)


def tags_text(tags: Iterable[Tag]) -> str:
    """``team=cv cost=gpu``: the tags as one cell."""
    return " ".join(f"{k}={v}" for k, v in tags)
