"""The app's long-lived heap and the cycle collector: what the first snapshot brought is frozen."""

from __future__ import annotations

import gc

_settled = False
_held: tuple[int, int, int] | None = None


def hold_full_passes() -> None:
    """Until ``settle_heap``: no full pass of the collector (young ones still free young cycles).

    While the first snapshot comes in the heap grows fast, and the collector then walks all of it
    again and again (60-120 ms each at 1,000 profiles: a key pressed meanwhile waits it out). The
    first snapshot's end is bounded (each profile has its refresh deadline).
    """
    global _held
    if _settled or _held is not None:
        return
    _held = gc.get_threshold()
    gc.set_threshold(_held[0], _held[1], 1 << 30)


def release_full_passes() -> None:
    """The collector's full passes as before the hold, the heap not frozen: no first snapshot
    is coming from this round (its worker failed) or ever (the app is closing)."""
    global _held
    if _held is not None:
        gc.set_threshold(*_held)
        _held = None


def settle_heap() -> bool:
    """Once per process, when the first snapshot is in: leave every object alive now (clients,
    pools, rows, widgets) out of the collector's later passes (``gc.freeze``); True the first time.

    A full pass walks the whole heap: with 1,000 profiles or rows one took 100-300 ms, a stall
    every key pressed meanwhile waited out; after this it walks only what came since. No
    collection first (it would be one such stall): the few cycles already garbage now stay, once.
    """
    global _settled
    if _settled:
        return False
    _settled = True
    release_full_passes()
    gc.freeze()
    return True
