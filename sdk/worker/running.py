"""The activity tasks a worker is running, and the ones that hang.

A task hangs when SWF has given up on it while its code still runs: a heartbeat was
refused (``UnknownResourceFault``: the task timed out) or its type's start-to-close
timeout has passed. Python cannot stop a thread, so a hung task keeps its polling slot
until its code returns; the worker goes on with its other slots. Each hang is logged
once, loudly, with the stack where the code is stuck, and counted (`hung`, `hung_total`).
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from swflow.failures import thread_stack

__all__ = ["RunningTask", "RunningTasks"]

log = logging.getLogger("swflow.worker")


@dataclass
class RunningTask:
    where: str
    thread: threading.Thread
    deadline: float | None  # monotonic: the type's start-to-close timeout, if known
    gone: bool = False  # SWF refused a heartbeat: it no longer knows the task
    reported: bool = field(default=False, repr=False)


class RunningTasks:
    """Running tasks by token; `check` reports those that hang."""

    def __init__(self) -> None:
        self._tasks: dict[str, RunningTask] = {}
        self._lock = threading.Lock()
        self.hung_total = 0

    def begin(self, token: str, where: str, start_to_close: object) -> None:
        seconds = start_to_close if isinstance(start_to_close, int) else None
        deadline = None if seconds is None else time.monotonic() + seconds
        with self._lock:
            self._tasks[token] = RunningTask(where, threading.current_thread(), deadline)

    def end(self, token: str) -> None:
        with self._lock:
            task = self._tasks.pop(token, None)
        if task is not None and task.reported:
            log.warning("%s: the hung activity returned at last; its slot serves again", task.where)

    def gone(self, token: str) -> None:
        """SWF no longer knows the task (a heartbeat was refused)."""
        with self._lock:
            task = self._tasks.get(token)
            if task is not None:
                task.gone = True

    @property
    def hung(self) -> int:
        """Tasks running now that SWF gave up on."""
        with self._lock:
            return sum(task.reported for task in self._tasks.values())

    def check(self, slots: int) -> None:
        """Report each task newly found hanging, with where its code is stuck."""
        now = time.monotonic()
        with self._lock:
            newly = [
                task
                for task in self._tasks.values()
                if not task.reported
                and (task.gone or (task.deadline is not None and now > task.deadline))
            ]
            for task in newly:
                task.reported = True
            self.hung_total += len(newly)
            hung = sum(task.reported for task in self._tasks.values())
        for task in newly:
            log.error(
                "HUNG ACTIVITY %s: SWF %s, but its code still runs in thread %s; %d of %d "
                "polling slots are held by hung activities. Stuck at:\n%s",
                task.where,
                "refused its heartbeat" if task.gone else "has timed it out (start-to-close)",
                task.thread.name,
                hung,
                slots,
                thread_stack(task.thread),
            )
