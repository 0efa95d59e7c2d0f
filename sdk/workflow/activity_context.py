"""What a running activity can learn and say: its task, heartbeats, cancellation.

Inside a function run by `DistributedActivityWorker`:

* ``heartbeat(details)`` reports progress (and keeps a heartbeat timeout from firing);
  it raises `ActivityCanceledError` once SWF has asked to cancel the task, so a loop
  that heartbeats stops by itself. Raising it (or letting it propagate) answers SWF
  with *canceled*.
* ``current_activity()`` tells which task is running and whether cancellation was
  requested (``cancel_requested``), for code that prefers to look rather than be told.

While a task whose type sets a heartbeat timeout runs, the worker also heartbeats on
its own, at a third of the timeout, so a long call without progress reports is not
mistaken for a dead worker; those heartbeats learn of cancellation too.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from swflow.errors import ActivityCanceledError

__all__ = ["ActivityCanceledError", "ActivityInfo", "current_activity", "heartbeat"]

_MIN_INTERVAL = 1.0  # seconds between heartbeats sent for explicit heartbeat() calls


@dataclass
class ActivityInfo:
    """The activity task being run in this thread."""

    workflow_id: str
    run_id: str
    activity_id: str
    activity_type: str
    version: str
    task_token: str
    send: Callable[[str | None], bool] = field(repr=False)  # True: cancel requested
    encode: Callable[[Any], str] = field(repr=False)  # heartbeat details -> SWF text
    canceled: threading.Event = field(default_factory=threading.Event, repr=False)
    last_sent: float = field(default=0.0, repr=False)
    pending: str | None = field(default=None, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def cancel_requested(self) -> bool:
        """SWF has asked to cancel this task (learnt from the latest heartbeat)."""
        return self.canceled.is_set()

    def beat(self, details: Any = None, *, force: bool = False) -> None:
        """Send a heartbeat, at most one per second unless ``force``; note cancellation."""
        text = None if details is None else self.encode(details)  # too large: raise here
        with self.lock:
            if text is not None:
                self.pending = text
            now = time.monotonic()
            if not force and now - self.last_sent < _MIN_INTERVAL:
                return  # the next automatic or explicit heartbeat carries the details
            self.last_sent = now
            details = self.pending
        if self.send(details):
            self.canceled.set()


_current: contextvars.ContextVar[ActivityInfo | None] = contextvars.ContextVar(
    "swflow_activity", default=None
)


def current_activity() -> ActivityInfo | None:
    """The activity task running in this thread, or None outside an activity worker."""
    return _current.get()


def heartbeat(details: Any = None) -> None:
    """Report progress of the running activity; raise if SWF wants it canceled.

    ``details`` (any JSON value, at most 2,048 characters encoded) is what a heartbeat
    timeout reports to the decider. Outside an activity worker this does nothing, so
    activities stay plain functions in unit tests.

    Raises:
        ActivityCanceledError: cancellation was requested, or SWF no longer knows the task.
    """
    info = _current.get()
    if info is None:
        return
    info.beat(details)
    if info.cancel_requested:
        raise ActivityCanceledError(f"activity {info.activity_id} was asked to cancel")


def bind(info: ActivityInfo) -> contextvars.Token[ActivityInfo | None]:
    """Make ``info`` the current activity of this thread (the worker's side)."""
    return _current.set(info)


def unbind(token: contextvars.Token[ActivityInfo | None]) -> None:
    _current.reset(token)
