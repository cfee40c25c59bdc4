"""The app's long-lived heap and the cycle collector: what the first snapshot brought is frozen."""

from __future__ import annotations

import gc

_settled = False


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
    gc.freeze()
    return True
