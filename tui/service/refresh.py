"""Refresh: every enabled profile as its own task, with its own deadline, in its host's pool.

A slow or dead profile costs its own rows only. Each profile's listing runs on its own: it waits
for a slot of its endpoint host's pool (``Limits.per_host``), then has ``Limits.refresh_deadline``
seconds for every page, retry and sign-in; past that it is cancelled and the profile is failed
(its old rows stay, marked stale by the UI). Each profile's result is merged and handed to
``on_profile`` the moment it is in, so the others' rows appear without waiting for the slowest.
A profile still refreshing from an earlier round is not started twice. A profile's first listing
(when there is an ``on_profile``: the app) asks its ``FIRST_PAGE`` by name first (v1), hands that
over, then lists the whole, both within the one deadline; an account no bigger is listed by that
one request. A first page is not a whole listing: it leaves ``last_ok_at`` as it was, and until the
whole list is in, the profile's notes say its rows are that page only (so a failed whole list reads
"never ok … only the first 100"); a profile replaced meanwhile is not asked for its whole list.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from tui.api.family import Listing
from tui.api.pool import HostPools, origin_of
from tui.api.runtime import Sleep
from tui.core.errors import ModelArtsError, RequestTimeoutError
from tui.core.models import Instance
from tui.service.models import ProfileRefresh, ProfileStatus
from tui.service.profiles import ProfileState

T = TypeVar("T")
SHOWN_IDS = 3
"""Ids named in one warning about doubled ids (the rest are counted)."""
FIRST_PAGE = 100
"""A profile's first listing asks this many by name first (one request; v1), shown while the rest
comes: 20,000 instances took 1.8 s to list, a screenful is in at once."""
Lister = Callable[[str, int], Awaitable[list[Instance] | ModelArtsError]]
OnProfile = Callable[[ProfileRefresh], None]


async def within(work: Awaitable[T], seconds: float, alarm: Sleep) -> tuple[bool, T | None]:
    """``(True, result)`` of ``work``, or ``(False, None)`` once ``alarm(seconds)`` returned first
    (``work`` is cancelled then). Cancelling the caller cancels both."""
    task = asyncio.ensure_future(work)
    timer = asyncio.ensure_future(alarm(seconds))
    try:
        await asyncio.wait((task, timer), return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not timer.done():
            timer.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    if task.cancelled():
        return False, None
    return True, task.result()


def listing_notes(name: str, listing: list[Instance]) -> tuple[str, ...]:
    """What a listing says about itself, one line each: cut at the page limit, ids listed twice."""
    if not isinstance(listing, Listing):
        return ()
    notes = []
    if listing.cut:
        notes.append(
            f"profile {name!r}: listed {len(listing):,} of {listing.total:,} instances; the list stops "
            f"at {listing.pages:,} pages ([ui] max_pages), {listing.total - len(listing):,} are not shown"
        )
    if listing.doubled:
        ids = ", ".join(_short(i) for i in listing.doubled[:SHOWN_IDS])
        more = len(listing.doubled) - SHOWN_IDS
        ids += f" (and {more:,} more)" if more > 0 else ""
        several = len(listing.doubled) > 1
        notes.append(
            f"profile {name!r}: the service listed {'the ids' if several else 'the id'} {ids} more than "
            f"once; {'each is' if several else 'it is'} shown as one row"
        )
    return tuple(notes)


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Refresher:
    """Runs the per-profile refreshes of one service (it holds the service's states)."""

    def __init__(
        self,
        states: Mapping[str, ProfileState],
        pools: HostPools,
        lister: Lister,
        clock: Callable[[], float],
        pending: Callable[[], Mapping[str, str]],
    ) -> None:
        self._states = states
        self._pools = pools
        self._list = lister
        self._clock = clock
        self._pending = pending

    async def one(
        self, state: ProfileState, deadline: float, alarm: Sleep, on_profile: OnProfile | None
    ) -> ProfileRefresh | None:
        """Refresh ``state`` now (None when it was refreshing already or was removed meanwhile)."""
        if state.refreshing:
            return None
        state.refreshing = True
        state.listings += 1
        seq = state.listings
        try:
            async with self._pools.slot(state.profile.modelarts_url):
                done, result = await within(self._pages(state, on_profile, seq), deadline, alarm)
        finally:
            state.refreshing = False
            state.listed_at = time.monotonic()
        if self._states.get(state.name) is not state:  # removed or replaced while it was out
            return None
        if not done or result is None:
            result = RequestTimeoutError(
                f"profile {state.name!r}: no whole listing from {origin_of(state.profile.modelarts_url)} "
                f"within the refresh deadline of {deadline:g}s (refresh_deadline)",
                endpoint=origin_of(state.profile.modelarts_url),
            )
        update = self.take(state, result, seq)
        if on_profile is not None:
            on_profile(update)
        return update

    async def _pages(
        self, state: ProfileState, on_profile: OnProfile | None, seq: int
    ) -> list[Instance] | ModelArtsError:
        """The listing (within one deadline: a first page and the whole list share it). A profile
        never listed asks its first page first and shows it (a failure of that one is
        the refresh's: the whole list would wait out the same fault again). Until the whole list is
        in, its notes say the rows are only that page (what a failed whole list then shows)."""
        first = FIRST_PAGE if state.status is None and on_profile is not None else 0
        result = await self._list(state.name, first)
        if not (isinstance(result, Listing) and result.partial) or on_profile is None:
            return result
        if self._states.get(state.name) is not state:  # replaced meanwhile: nothing more to ask
            return result
        update = self.take(state, result, seq)
        state.notes = (
            f"profile {state.name!r}: only the first {len(result):,} instances by name are shown; "
            "the whole list has not come",
        )
        on_profile(update)
        if self._states.get(state.name) is not state:  # replaced by the hand-over's handler
            return result
        return await self._list(state.name, 0)

    def take(
        self, state: ProfileState, result: list[Instance] | ModelArtsError, seq: int | None = None
    ) -> ProfileRefresh:
        """Merge one profile's answer (or failure) into its state: what changed, and its status."""
        now = self._clock()
        before = state.rows
        if isinstance(result, ModelArtsError):
            prev = state.status
            last_ok = prev.last_ok_at if prev else None
            skew, warning = state.measured_skew(), state.warning()
            state.status = ProfileStatus(
                state.name, False, result, last_ok, len(before), skew, warning, state.notes
            )
            return ProfileRefresh(state.name, state.status, frozenset(), frozenset(), frozenset(), now)
        state.rows = after = state.merged(result, now, self._pending(), seq)
        state.notes = listing_notes(state.name, result)
        partial = isinstance(result, Listing) and result.partial  # a first page: not a whole listing
        last_ok = (state.status.last_ok_at if state.status else None) if partial else now
        state.status = ProfileStatus(
            state.name, True, None, last_ok, len(result), state.measured_skew(), state.warning(), state.notes
        )
        changed = frozenset(k for k, r in after.items() if not r.same_as(before.get(k)))
        added = frozenset(after.keys() - before.keys())
        removed = frozenset(before.keys() - after.keys())
        settled, state.settled = tuple(state.settled), []
        return ProfileRefresh(state.name, state.status, changed, added, removed, now, settled)
