"""Whether a decider's code is making progress: the clock of its deadlock bound.

The bound counts from the code's last call site (an activity, timer, child, signal or
cached call), not from the start of the decision task, so a decider scheduling a
thousand activities is never mistaken for a stuck one; a ``@cached`` function's own run
does not count at all (a side effect, a database query, may take as long as it needs).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["Progress"]


class Progress:
    """When the code last reached a call site, and whether a cached call runs now."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        self._exempt = 0

    def touch(self) -> None:
        self.last = time.monotonic()

    @contextmanager
    def exempted(self) -> Iterator[None]:
        """Time that is not the decider's own code: a ``@cached`` function running, or
        a payload fetched from its store (a cold import of s3fs alone can take seconds)."""
        self._exempt += 1
        try:
            yield
        finally:
            self._exempt -= 1
            self.touch()

    def wait(self, done: Callable[[float], bool], bound: float) -> bool:
        """Wait until ``done(timeout)`` says the code waits or ended; False as soon as
        the code went ``bound`` seconds without progress."""
        self.touch()
        step = max(0.01, min(bound / 4, 0.25))
        while not done(step):
            if not self._exempt and time.monotonic() - self.last > bound:
                return False
        return True
