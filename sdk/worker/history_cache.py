"""What a decider process keeps of the runs it decided lately.

A decision task carries the run's whole history, and most of it is the same as last
time. `HistoryCache` keeps each run's folded `ExecutionState` after a decision, so the
next decision task of that run pages its history newest-first only until it meets an
event the state already holds, and folds in just those. It keeps the run's
`StickyDecider` too, suspended where the code waits, so the next task goes on from
there instead of replaying from the start. The bound is in events (LRU, cachetools),
not in runs, so a few huge histories cannot crowd memory; live deciders (a thread
each) have a bound of their own, past which the oldest is closed and its run keeps
only its state.

Correctness never depends on the cache: a run absent from it (cold, evicted, or last
decided by another process) pages to the start and replays, exactly as without a
cache. A run is checked out while a task uses it, so two tasks of one run (a
timed-out task still running beside its retry) never fold into the same state.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from cachetools import LRUCache

from swflow.replay.decider import Decider
from swflow.replay.state import ExecutionState

__all__ = ["DEFAULT_MAX_DECIDERS", "DEFAULT_MAX_EVENTS", "CachedRun", "HistoryCache"]

DEFAULT_MAX_EVENTS = 250_000
"""About 100 MB of folded state at the most; a run's size is its last event id."""

DEFAULT_MAX_DECIDERS = 600
"""Suspended deciders (threads) kept at most, as many as Temporal's Java SDK keeps."""


@dataclass
class CachedRun:
    """A run's folded history and, while it is worth keeping, its suspended decider."""

    state: ExecutionState
    decider: Decider | None = None

    def release(self) -> None:
        """Close the decider (its thread unwinds); the state stays."""
        if self.decider is not None:
            self.decider.close()
            self.decider = None


def _events(run: CachedRun) -> int:
    return max(1, run.state.last_event_id)


class _Runs(LRUCache[Hashable, CachedRun]):
    """An LRU that hands what it evicts to ``evicted``, so their deciders get closed."""

    def __init__(self, maxsize: int, evicted: list[tuple[Hashable, CachedRun]]) -> None:
        super().__init__(maxsize=maxsize, getsizeof=_events)
        self.evicted = evicted

    def popitem(self) -> tuple[Hashable, CachedRun]:
        item: tuple[Hashable, CachedRun] = super().popitem()
        self.evicted.append(item)
        return item


class HistoryCache:
    """Run -> folded history and suspended decider, bounded in events (LRU).

    Args:
        max_events: the bound on events held; 0 turns caching off.
        max_deciders: the bound on suspended deciders; 0 keeps only histories.
    """

    def __init__(
        self, max_events: int = DEFAULT_MAX_EVENTS, max_deciders: int = DEFAULT_MAX_DECIDERS
    ) -> None:
        self.max_events = max_events
        self.max_deciders = max_deciders if max_events > 0 else 0
        self._evicted: list[tuple[Hashable, CachedRun]] = []
        self._runs = _Runs(max(1, max_events), self._evicted)
        self._live: OrderedDict[Hashable, CachedRun] = OrderedDict()  # runs with a decider
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def take(self, run: Hashable) -> CachedRun | None:
        """Check out the run (None when not cached); `keep` puts it back."""
        with self._lock:
            cached = self._runs.pop(run, None)
            self._live.pop(run, None)
            if cached is None:
                self.misses += 1
            else:
                self.hits += 1
            return cached

    def keep(self, run: Hashable, state: ExecutionState, decider: Decider | None = None) -> None:
        """Hold ``state`` (and ``decider``) for the run's next decision task.

        Closed runs, and runs bigger than the whole bound, are let go.
        """
        cached = CachedRun(state, decider)
        if self.max_deciders == 0:
            cached.release()
        if state.closed or _events(cached) > self.max_events:
            cached.release()
            return
        with self._lock:
            previous = self._runs.pop(run, None)  # two tasks of one run: the last one wins
            self._live.pop(run, None)
            self._runs[run] = cached  # may evict the least recently used runs
            retired = self._drain_evicted() + ([previous] if previous is not None else [])
            if cached.decider is not None:
                self._live[run] = cached
                while len(self._live) > self.max_deciders:
                    retired.append(self._live.popitem(last=False)[1])
        for entry in retired:  # unwinding runs the code's finally blocks: not under the lock
            entry.release()

    def clear(self) -> None:
        """Let every run go, closing their deciders."""
        with self._lock:
            retired = [self._runs.pop(run) for run in list(self._runs)]
            self._live.clear()
        for entry in retired:
            entry.release()

    def _drain_evicted(self) -> list[CachedRun]:
        retired = [entry for _, entry in self._evicted]
        for run, _ in self._evicted:
            self._live.pop(run, None)
        self._evicted.clear()
        return retired

    def __len__(self) -> int:
        return len(self._runs)

    @property
    def events(self) -> int:
        """Events held right now."""
        return int(self._runs.currsize)

    @property
    def deciders(self) -> int:
        """Suspended deciders held right now."""
        return len(self._live)
