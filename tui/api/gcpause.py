"""The cycle collector paused while a big answer is decoded and parsed."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

NO_GC_BYTES = 65_536
"""Answers at least this big are decoded and parsed with the cycle collector paused."""


@contextlib.contextmanager
def gc_paused(pause: bool = True) -> Iterator[None]:
    """Pause the cycle collector for a synchronous block (no ``await`` inside).

    Decoding 1,000 instances creates some 100,000 containers that all live until parsing ends;
    every collection they trigger meanwhile is wasted (a full one costs 50 ms and more with the
    app's heap). Freed before the collector is back, they do not count towards the next one.
    """
    if not pause or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
