"""Which rows a view shows and in what order: the filter language and the sort keys.

Front ends read these (the TUI's table today; the CLI could filter the same way), so a filter
means the same thing everywhere. No Textual here.

The filter: words separated by spaces, all of which must match (AND).
- ``gpu``: the text is in the name, alias, id, status, profile or flavor (any case);
- ``!running``: the row does NOT match ``running``;
- ``^bert`` / ``eval$``: a value starts / ends with the text;
- ``status:running``, ``profile:prod``, ``flavor:gpu``: only that field is looked at;
  ``!status:stopped`` negates it.
A field name nobody knows is reported in ``RowFilter.problems`` and matched as plain text.

Adding a field (``tag:key=value``): put a matcher in ``FIELD_MATCHERS``; it takes the row and
the text after the colon, e.g. ``FIELD_MATCHERS["tag"] = lambda row, text: ...``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from tui.core.tags import has_tag, parse_term
from tui.service.models import Row
from tui.service.present import flavor_text, time_left_s

FieldValues = Callable[[Row], Iterable[str]]
FieldMatcher = Callable[[Row, str], bool]
"""``(row, text after "field:") -> bool``; the text is lower case, anchors (``^``/``$``) kept."""


def _status_values(row: Row) -> Iterable[str]:
    return (row.instance.status, "gone" if row.gone else "", row.pending or "")


FIELDS: dict[str, FieldValues] = {
    "name": lambda r: (r.instance.name, r.alias),
    "alias": lambda r: (r.alias,),
    "id": lambda r: (r.instance.id,),
    "status": _status_values,
    "profile": lambda r: (r.profile,),
    "flavor": lambda r: (r.instance.flavor, r.instance.flavor_type, flavor_text(r.instance)),
    "image": lambda r: (r.instance.image,),
    "owner": lambda r: (r.instance.owner,),
}
"""The values each ``field:`` looks at."""

PLAIN_FIELDS = ("name", "alias", "id", "status", "profile", "flavor")
"""What a word without a field looks at."""


def text_matches(values: Iterable[str], needle: str) -> bool:
    """``needle`` (lower case) in any value: ``^x`` at its start, ``x$`` at its end, both: equal."""
    start = needle.startswith("^")
    end = needle.endswith("$") and len(needle) > 1
    core = needle[1 if start else 0 : -1 if end else None]
    for value in values:
        if not value:
            continue
        low = value.lower()
        if start and end:
            hit = low == core
        elif start:
            hit = low.startswith(core)
        elif end:
            hit = low.endswith(core)
        else:
            hit = core in low
        if hit:
            return True
    return False


def _field_matcher(name: str) -> FieldMatcher:
    values = FIELDS[name]
    return lambda row, text: text_matches(values(row), text)


def _tag_matcher(row: Row, text: str) -> bool:
    """``tag:team=cv`` (that value), ``tag:team`` (any value): the same rule as ``list --tag``."""
    key, value = parse_term(text)
    return has_tag(row.instance.tags, key, value)


FIELD_MATCHERS: dict[str, FieldMatcher] = {name: _field_matcher(name) for name in FIELDS}
FIELD_MATCHERS["tag"] = _tag_matcher
"""``field:`` -> its matcher; a new field is one entry here (``tag`` will be)."""


@dataclass(frozen=True, slots=True)
class Term:
    """One word of a filter: an optional field, the text (lower case), and whether it is negated."""

    text: str
    field: str | None = None
    negate: bool = False

    def matches(self, row: Row) -> bool:
        if self.field is not None:
            hit = FIELD_MATCHERS[self.field](row, self.text)
        else:
            hit = text_matches((v for f in PLAIN_FIELDS for v in FIELDS[f](row)), self.text)
        return hit != self.negate


@dataclass(frozen=True, slots=True)
class RowFilter:
    """A parsed filter: every term must match. ``problems`` says what was not understood."""

    source: str = ""
    terms: tuple[Term, ...] = ()
    problems: tuple[str, ...] = ()

    def matches(self, row: Row) -> bool:
        return all(term.matches(row) for term in self.terms)

    def __bool__(self) -> bool:
        return bool(self.terms)


def _term(word: str, problems: list[str]) -> Term | None:
    negate = word.startswith("!")
    body = word[1:] if negate else word
    field, colon, value = body.partition(":")
    if colon and field.lower() in FIELD_MATCHERS:
        if not value:
            problems.append(f"{field}: needs a value, like {field.lower()}:x")
            return None
        return Term(value.lower(), field.lower(), negate)
    if colon and field and value:
        known = ", ".join(sorted(FIELD_MATCHERS))
        problems.append(f"no field {field!r} (fields: {known}); matched as text")
    if not body:
        return None
    return Term(body.lower(), None, negate)


def parse_filter(text: str) -> RowFilter:
    """The filter ``text`` as terms (see the module docstring); never raises."""
    problems: list[str] = []
    terms = [t for w in text.split() if (t := _term(w, problems)) is not None]
    return RowFilter(text.strip(), tuple(terms), tuple(problems))


# --- sorting ------------------------------------------------------------------------------------
SORTS = ("name", "status", "age", "time_left", "profile")
"""What the table sorts by (the keys N, S, A, T, P)."""
DEFAULT_SORT = ("name", False)
"""The one order of every family: by name, then profile, then id (ascending)."""


def _base(row: Row) -> tuple[str, str, str]:
    return (row.display_name.casefold(), row.profile.casefold(), row.instance.id)


def sort_rows(rows: Iterable[Row], by: str = "name", *, reverse: bool = False, now_ms: int = 0) -> list[Row]:
    """``rows`` in the order of ``by`` (one of ``SORTS``), ties by name, profile and id.

    Ascending: name A-Z, status A-Z, youngest first, least time left first, profile A-Z. Rows
    with no value (no creation time, no auto-stop) come last in both directions.
    """
    ordered = sorted(rows, key=_base)
    if by == "name":
        return ordered[::-1] if reverse else ordered
    value: Callable[[Row], object | None]
    if by == "status":
        value = lambda r: "~gone" if r.gone else r.instance.status.upper()  # noqa: E731
    elif by == "profile":
        value = lambda r: r.profile.casefold()  # noqa: E731
    elif by == "age":
        value = lambda r: None if r.instance.created_ms is None else -r.instance.created_ms  # noqa: E731
    elif by == "time_left":
        value = lambda r: None if r.gone else time_left_s(r.instance, now_ms)  # noqa: E731
    else:
        raise ValueError(f"unknown sort {by!r} (one of {', '.join(SORTS)})")
    known = [r for r in ordered if value(r) is not None]
    missing = [r for r in ordered if value(r) is None]
    known.sort(key=value, reverse=reverse)  # type: ignore[arg-type]  # stable: ties keep name order
    return known + missing


def sort_keys(rows: Sequence[Row], by: str, *, reverse: bool, now_ms: int) -> list[str]:
    """The keys of ``rows`` in sorted order."""
    return [r.key for r in sort_rows(rows, by, reverse=reverse, now_ms=now_ms)]
