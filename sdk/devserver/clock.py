"""Time for the devserver: the wall clock, or a virtual one that tests can skip."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["Clock"]


class Clock:
    """Seconds since the epoch, optionally shifted forward.

    With ``skipping`` on, the server jumps the clock to the next timer whenever
    nothing is runnable (see `Scheduler._idle`), so a one-hour timer fires as soon as
    the workflow has nothing else to do. With ``on_demand`` too, it jumps only while
    someone is inside `waiting` (Temporal's rule: time skips while a caller waits
    for a result, so signals sent before the wait land first). `advance` moves it
    by hand.
    """

    def __init__(self, *, skipping: bool = False, on_demand: bool = False) -> None:
        self.skipping = skipping
        self.on_demand = on_demand
        self._offset = 0.0
        self._waiters = 0
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.time() + self._offset

    def may_skip(self) -> bool:
        return self.skipping and (not self.on_demand or self._waiters > 0)

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """While inside, an on-demand skipping clock may jump."""
        with self._lock:
            self._waiters += 1
        try:
            yield
        finally:
            with self._lock:
                self._waiters -= 1

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds`` (never backward)."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        with self._lock:
            self._offset += seconds

    def advance_to(self, moment: float) -> None:
        """Move time forward to ``moment`` if it is in the future."""
        with self._lock:
            gap = moment - (time.time() + self._offset)
            if gap > 0:
                self._offset += gap

    @property
    def offset(self) -> float:
        return self._offset
