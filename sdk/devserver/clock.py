"""Time for the devserver: the wall clock, or a virtual one that tests can skip."""

from __future__ import annotations

import threading
import time

__all__ = ["Clock"]


class Clock:
    """Seconds since the epoch, optionally shifted forward.

    With ``skipping`` on, the server jumps the clock to its next deadline whenever
    nothing is runnable (see `Scheduler._idle`), so a one-hour timer fires
    as soon as the workflow has nothing else to do. `advance` moves it by hand.
    """

    def __init__(self, *, skipping: bool = False) -> None:
        self.skipping = skipping
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.time() + self._offset

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
