"""Pausing Python's cyclic garbage collector during a decision.

A decision builds tens of thousands of small objects (a 25,000-event history) in
tens of milliseconds; the collector would rescan the whole growing heap again and
again meanwhile, a third of the decider's time. Reference counting still frees
everything at once; cycles wait until the collector resumes right after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_gc"]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the block with the cyclic collector off; restore its previous state after.

    Nested and concurrent uses are safe: only a block that found the collector on
    turns it back on, and a collector the application disabled stays disabled.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
