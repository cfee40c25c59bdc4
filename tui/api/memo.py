"""The instances of the last list, kept so that a poll parses only what changed (``InstanceMemo``)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from tui.api.redact import scrub
from tui.core.models import Instance

Moved = Callable[[Any, Any, Instance], "tuple[Any, Instance] | None"]
"""(last item, new item, last instance) -> (item to keep, new instance), when the new item differs
from the last only in a value the server moves by itself (``tui.api.remain``); else None."""


class InstanceMemo:
    """The instances of the last list, reused while their JSON object comes back unchanged.

    A poll of 1,000 instances of which a handful changed then parses and scrubs only that handful:
    comparing two decoded JSON objects runs in C, parsing and scrubbing one runs in Python, some
    fifty times slower. An unchanged instance is the very same ``Instance`` object as last time.
    Call ``begin()`` before a list and ``end()`` after it has every page: ids it did not list are
    forgotten then. (Values Python counts as equal, ``1`` and ``true``, count as unchanged.)
    """

    SHARED_PER_FIELD = 32
    """At most this many distinct values of one field are kept for sharing (``_share``)."""

    def __init__(self) -> None:
        self._last: dict[str, tuple[Any, Instance]] = {}
        self._next: dict[str, tuple[Any, Instance]] = {}
        self._shared: dict[str, list[dict[str, Any]]] = {}

    def _share(self, item: dict[str, Any]) -> None:
        """Point object fields equal to one seen before at that one object (``profile``, ``flavor_details``…).

        Most instances share one of a few profiles and flavors, some 60% of their JSON: with 5,000
        instances that is 20 MB less for the raw JSON the rows keep. Only fields with nothing to
        mask are shared, and ``item`` is a freshly decoded object nobody else holds yet.
        """
        for name, value in item.items():
            if not isinstance(value, dict) or len(value) < 2:
                continue
            pool = self._shared.setdefault(name, [])
            for known in pool:
                if known == value:
                    item[name] = known
                    break
            else:
                if len(pool) < self.SHARED_PER_FIELD and scrub(value) is value:
                    pool.append(value)

    def begin(self) -> None:
        """A new list starts."""
        self._next = {}

    def end(self) -> None:
        """The list is complete: keep what it listed, forget the rest."""
        self._last, self._next = self._next, {}

    def previous(self, item: Any) -> Any:
        """The object the last complete list kept for ``item``'s id (None when it had none)."""
        return _kept_in(self._last, item)

    def kept(self, item: Any) -> Any:
        """The object this list keeps for ``item``'s id (None when it has none yet)."""
        return _kept_in(self._next, item)

    def parser(
        self, parse: Callable[[Any, str], Instance], moved: Moved | None = None
    ) -> Callable[[Any, str], Instance]:
        """``parse`` through the memo; ``moved`` makes the instance of an item that only moved."""

        def memoized(item: Any, endpoint: str) -> Instance:
            key = item.get("id") if isinstance(item, dict) else None
            if not isinstance(key, str):
                return parse(item, endpoint)
            seen = self._last.get(key)
            if seen is not None:
                try:
                    if seen[0] is item or seen[0] == item:  # the very item: ListText kept it
                        self._next[key] = seen
                        return seen[1]
                    again = moved(seen[0], item, seen[1]) if moved is not None else None
                except RecursionError:
                    again = None
                if again is not None:
                    self._next[key] = again
                    return again[1]
            with contextlib.suppress(RecursionError):  # absurdly deep JSON: parse reports it
                self._share(item)
            instance = parse(item, endpoint)
            self._next[key] = (item, instance)
            return instance

        return memoized


def _kept_in(table: dict[str, tuple[Any, Instance]], item: Any) -> Any:
    """The item ``table`` keeps under ``item``'s id, or None."""
    key = item.get("id") if isinstance(item, dict) else None
    seen = table.get(key) if isinstance(key, str) else None
    return None if seen is None else seen[0]
