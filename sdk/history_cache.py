"""Parsed histories of the runs a decider process handled lately.

A decision task carries the run's whole history, and most of it is the same as last
time. `HistoryCache` keeps each run's folded `ExecutionState` after a decision, so the
next decision task of that run pages its history newest-first only until it meets an
event the state already holds, and folds in just those. The bound is in events (LRU,
cachetools), not in runs, so a few huge histories cannot crowd memory.

Correctness never depends on the cache: a run absent from it (cold, evicted, or last
decided by another process) pages to the start, exactly as without a cache. A state
is checked out while a task uses it, so two tasks of one run (a timed-out task still
running beside its retry) never fold into the same object.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable

from cachetools import LRUCache

from .history import ExecutionState

__all__ = ["DEFAULT_MAX_EVENTS", "HistoryCache"]

DEFAULT_MAX_EVENTS = 250_000
"""About 100 MB of folded state at the most; a run's size is its last event id."""


def _events(state: ExecutionState) -> int:
    return max(1, state.last_event_id)


class HistoryCache:
    """Run -> folded history, bounded by the number of events held (LRU).

    Args:
        max_events: the bound; 0 turns caching off.
    """

    def __init__(self, max_events: int = DEFAULT_MAX_EVENTS) -> None:
        self.max_events = max_events
        self._runs: LRUCache[Hashable, ExecutionState] = LRUCache(
            maxsize=max(1, max_events), getsizeof=_events
        )
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def take(self, run: Hashable) -> ExecutionState | None:
        """Check out the run's state (None when not cached); `keep` puts it back."""
        with self._lock:
            state = self._runs.pop(run, None)
            if state is None:
                self.misses += 1
            else:
                self.hits += 1
            return state

    def keep(self, run: Hashable, state: ExecutionState) -> None:
        """Hold ``state`` for the run's next decision task (closed runs are let go)."""
        if state.closed or _events(state) > self.max_events:
            return
        with self._lock:
            self._runs[run] = state  # may evict the least recently used runs

    def __len__(self) -> int:
        return len(self._runs)

    @property
    def events(self) -> int:
        """Events held right now."""
        return int(self._runs.currsize)
