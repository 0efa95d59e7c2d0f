"""Threads for deciders' code, kept from one run to the next.

A sticky decider runs its run's code on a thread of its own, and a snapshot decider
with a deadlock bound runs each replay on one (`swflow.replay.decider`). Starting a
thread costs ~0.2 ms of CPU, as much as a warm decision: once per run for a sticky
decider, once per task for a snapshot one. A `DeciderThreads` keeps a thread whose
code ended, for a while, to run the next code instead.

Each job runs in a fresh `contextvars.Context`, as on a new thread: no run sees a
context variable an earlier run's code set. (A `threading.local` the code fills does
outlive its run, as in any thread pool.)
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable

__all__ = ["DeciderThreads"]

IDLE_NAME = "swflow decider (idle)"


class _Kept:
    """One thread and the job handed to it."""

    __slots__ = ("job", "thread", "wake")

    def __init__(self, job: Callable[[], None]) -> None:
        self.job: Callable[[], None] | None = job
        self.wake = threading.Lock()
        self.wake.acquire()  # released when a job is handed over
        self.thread: threading.Thread | None = None


class DeciderThreads:
    """Runs jobs on kept threads: at most ``keep`` wait for work, each ``idle_seconds``.

    Attributes:
        started: how many threads it has started.
    """

    def __init__(self, keep: int = 8, idle_seconds: float = 30.0) -> None:
        self.keep = keep
        self.idle_seconds = idle_seconds
        self.started = 0
        self._idle: list[_Kept] = []
        self._lock = threading.Lock()

    def run(self, job: Callable[[], None], name: str) -> threading.Thread:
        """Start ``job`` on a waiting thread, or a new one; the thread that runs it.

        ``job`` handles its own errors: one that escapes ends its thread (reported by
        `threading.excepthook`), which is then not kept.
        """
        with self._lock:
            kept = self._idle.pop() if self._idle else None
            if kept is None:
                self.started += 1
        if kept is not None:
            assert kept.thread is not None  # set before it ever waits
            kept.job = job
            kept.thread.name = name
            kept.wake.release()
            return kept.thread
        kept = _Kept(job)
        kept.thread = threading.Thread(target=self._serve, args=(kept,), name=name, daemon=True)
        kept.thread.start()
        return kept.thread

    @property
    def idle(self) -> int:
        """Threads waiting for a job now."""
        with self._lock:
            return len(self._idle)

    def _serve(self, kept: _Kept) -> None:
        while True:
            job, kept.job = kept.job, None
            if job is not None:
                contextvars.Context().run(job)
            job = None  # a waiting thread holds nothing of the run it ran
            if not self._wait(kept):
                return

    def _wait(self, kept: _Kept) -> bool:
        """Park ``kept`` until a job is handed over; False when it should end instead."""
        assert kept.thread is not None
        kept.thread.name = IDLE_NAME
        with self._lock:
            if len(self._idle) >= self.keep:
                return False
            self._idle.append(kept)
        if kept.wake.acquire(timeout=self.idle_seconds):
            return True
        with self._lock:
            if kept in self._idle:  # nobody took it: end
                self._idle.remove(kept)
                return False
        kept.wake.acquire()  # taken just as it timed out: its job is being handed over
        return True
