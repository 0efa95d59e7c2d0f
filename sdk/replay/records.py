"""What the execution state holds per call site: activities, timers, markers, signals,
children, each as the history last left it.

Untracked structs (``gc=False``; they hold strings and numbers only): a worker keeps
the folded state of recent runs, up to 250,000 events, and the cyclic collector never
rescans those records, nor finds a decision's new ones alive when it resumes.
"""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = [
    "ActivityState",
    "ChildState",
    "ExternalState",
    "MarkerState",
    "SignalState",
    "TaskState",
    "TimerState",
]


class TaskState(msgspec.Struct, gc=False):
    """An activity or a child workflow: its type and, once closed, how it closed.

    ``status`` starts as scheduled (activities) or initiated (children); it ends as
    completed, failed, timed_out or canceled, terminated (children), or
    schedule_failed / start_failed when SWF refused the decision (``cause`` says why).
    """

    name: str
    version: str
    status: str
    result: str | None = None
    reason: str | None = None
    details: str | None = None
    timeout_type: str | None = None
    cause: str | None = None
    closed_event_id: int = 0

    @property
    def failure(self) -> str:
        """Why it did not complete: SWF's reason, timeout type or cause, or the status."""
        return self.reason or self.timeout_type or self.cause or self.status

    def close(self, status: str, event_id: int, attributes: Any) -> None:
        """Closed by event ``event_id``, whose attributes struct has the outcome fields."""
        self.status = status
        self.closed_event_id = event_id
        self.result = attributes.result
        self.reason = attributes.reason
        self.details = attributes.details
        self.timeout_type = attributes.timeoutType


class ActivityState(TaskState, gc=False):
    """One activity task, by activity id."""

    activity_id: str = ""
    scheduled_event_id: int = 0
    cancel_requested: bool = False


class TimerState(msgspec.Struct, gc=False):
    """One timer, by timer id: started, fired, canceled or start_failed."""

    timer_id: str
    started_event_id: int = 0
    status: str = "started"
    cause: str | None = None
    closed_event_id: int = 0


class MarkerState(msgspec.Struct, gc=False):
    name: str
    details: str | None
    event_id: int


class SignalState(msgspec.Struct, gc=False):
    name: str
    input: str | None
    event_id: int


class ChildState(TaskState, gc=False):
    """One child workflow, by workflow id."""

    workflow_id: str = ""
    initiated_event_id: int = 0
    run_id: str | None = None


class ExternalState(msgspec.Struct, gc=False):
    """A signal or a cancel request this run sent to another run, by its call site's id
    (the decision's ``control``): initiated, then delivered or failed (``cause``)."""

    kind: str  # "signal" or "cancel"
    workflow_id: str
    run_id: str | None = None
    signal_name: str | None = None
    status: str = "initiated"
    cause: str | None = None
    closed_event_id: int = 0
