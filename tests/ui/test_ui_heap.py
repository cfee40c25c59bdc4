"""The heap the first snapshot built is frozen once (``tui.ui.heap``), not at every refresh."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest

from tests.ui.uihelpers import MakeApp, settle
from tui.ui import app as app_module
from tui.ui import heap


def test_the_heap_is_frozen_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    freezes: list[int] = []
    monkeypatch.setattr(heap, "_settled", False)
    monkeypatch.setattr(gc, "freeze", lambda: freezes.append(1))
    assert heap.settle_heap() is True
    assert heap.settle_heap() is False
    assert freezes == [1]


def test_full_passes_are_held_until_the_heap_is_settled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_settled", False)
    monkeypatch.setattr(heap, "_held", None)
    monkeypatch.setattr(gc, "freeze", lambda: None)
    before = gc.get_threshold()
    try:
        heap.hold_full_passes()
        held = gc.get_threshold()
        assert held[:2] == before[:2] and held[2] >= 1 << 30  # young passes as before, no full one
        heap.hold_full_passes()  # a second start holds nothing more
        assert heap.settle_heap() is True
        assert gc.get_threshold() == before
        heap.hold_full_passes()  # settled: nothing is held again
        assert gc.get_threshold() == before
    finally:
        gc.set_threshold(*before)


async def test_the_app_settles_its_heap_when_a_refresh_is_in(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []

    def counted() -> bool:
        calls.append(1)
        return False

    monkeypatch.setattr(app_module, "settle_heap", counted)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.main_screen.loaded and calls  # the first snapshot's message reached the app
        seen = len(calls)
        app.main_screen.action_refresh_now()
        await settle(pilot)
        assert len(calls) > seen  # each refresh asks; settle_heap itself acts once


@pytest.fixture
def unsettled(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, int, int]]:
    """A process whose heap was never settled (and no freeze): the thresholds before, restored after."""
    monkeypatch.setattr(heap, "_settled", False)
    monkeypatch.setattr(heap, "_held", None)
    monkeypatch.setattr(gc, "freeze", lambda: None)
    before, normal = gc.get_threshold(), (700, 10, 10)  # before: maybe held by an app of an earlier test
    gc.set_threshold(*normal)
    yield normal
    gc.set_threshold(*before)


async def test_a_failed_refresh_worker_releases_the_hold(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, unsettled: tuple[int, int, int]
) -> None:
    app = make_app()

    async def boom(**_: object) -> None:
        raise RuntimeError("refresh broke")

    monkeypatch.setattr(app.service, "refresh", boom)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert not app.main_screen.loaded  # no snapshot came (nor will from this round)
        assert gc.get_threshold() == unsettled  # full passes run again


async def test_closing_before_the_first_snapshot_releases_the_hold(
    make_app: MakeApp, monkeypatch: pytest.MonkeyPatch, unsettled: tuple[int, int, int]
) -> None:
    app = make_app()
    never = asyncio.Event()

    async def hangs(**_: object) -> None:
        await never.wait()

    monkeypatch.setattr(app.service, "refresh", hangs)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert gc.get_threshold()[2] >= 1 << 30  # held while the first snapshot is out
    assert gc.get_threshold() == unsettled
