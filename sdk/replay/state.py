"""SWF history events -> typed execution state, in one linear pass.

``ExecutionState.from_events(events)`` takes the events as `swflow.replay.events`
structs (a JSON page decodes into them) or as the dicts boto3 returns, and applies one
handler per event type. Every one of SWF's 54 event types is either handled or
explicitly ignored; an unknown type raises `HistoryError`, because silently skipping
an event could make a replay wrong.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from swflow.errors import HistoryError
from swflow.swf.vocabulary import event_time

from .event_handlers import HANDLED_EVENT_TYPES, READ_FIELDS, ignore
from .events import EVENT_TYPES, HistoryEvent, as_event
from .records import (
    ActivityState,
    ChildState,
    ExternalState,
    MarkerState,
    SignalState,
    TimerState,
)

__all__ = ["HANDLED_EVENT_TYPES", "READ_FIELDS", "ExecutionState"]


@dataclass
class ExecutionState:
    """What a history says about one run, ready for the replay engine."""

    workflow_name: str = ""
    workflow_version: str = ""
    input: str | None = None
    task_list: str = ""
    child_policy: str = ""
    execution_start_to_close_timeout: str | None = None
    task_start_to_close_timeout: str | None = None
    tag_list: tuple[str, ...] = ()
    parent_workflow_id: str | None = None
    continued_run_id: str | None = None
    started: bool = False
    cancel_event_id: int | None = None  # the first WorkflowExecutionCancelRequested
    cancel_by: str = ""  # who asked, for the error's message
    closed: str | None = None  # the closing event type, once the run is closed
    activities: dict[str, ActivityState] = field(default_factory=dict)
    timers: dict[str, TimerState] = field(default_factory=dict)
    children: dict[str, ChildState] = field(default_factory=dict)
    markers: dict[str, list[MarkerState]] = field(default_factory=dict)
    signals: dict[str, list[SignalState]] = field(default_factory=dict)
    externals: dict[str, ExternalState] = field(default_factory=dict)  # by control
    task_starts: list[int] = field(default_factory=list)  # of completed decision tasks
    ends_with_task_start: bool = False  # the newest event is a DecisionTaskStarted
    last_event_id: int = 0
    _latest_stamp: Any = field(default=None, repr=False, compare=False)
    _by_scheduled: dict[int, ActivityState] = field(default_factory=dict, repr=False)
    _by_initiated: dict[int, ChildState] = field(default_factory=dict, repr=False)
    _by_external: dict[int, ExternalState] = field(default_factory=dict, repr=False)

    @classmethod
    def from_events(cls, events: Iterable[HistoryEvent]) -> ExecutionState:
        state = cls()
        state.extend(events)
        return state

    def extend(self, events: Iterable[HistoryEvent]) -> None:
        """Fold events in order (structs, or dicts as boto3 gives them); the newest
        one's time becomes `decision_time`.

        Raises:
            HistoryError: an unknown type, an id out of order, or a field missing or of
                the wrong type (a history written by hand, or cut short).
        """
        event: Any = None
        last = self.last_event_id
        try:
            for item in events:  # the replay's hot loop: a few struct reads per event
                event = item if type(item) in EVENT_TYPES else as_event(item)
                event_id = event.eventId
                if not event_id > last:
                    raise HistoryError(
                        f"event {event_id} ({event.kind}) arrived after event {last}: "
                        "histories must be in eventId order"
                    )
                last = event_id
                fold = event.fold
                if fold is not ignore:
                    fold(self, event_id, event.attributes)
        finally:
            self.last_event_id = last
        if event is not None:  # once per batch, not per event
            self._latest_stamp = event.eventTimestamp
            self.ends_with_task_start = event.kind == "DecisionTaskStarted"

    def apply(self, event: HistoryEvent) -> None:
        """Fold one event into the state (see `extend`)."""
        self.extend((event,))

    # Lookups by reference, with a clear error for a history that points nowhere.

    @property
    def cancel_requested(self) -> bool:
        """Someone asked to cancel the run (at any point of the history)."""
        return self.cancel_event_id is not None

    @property
    def decision_time(self) -> float | None:
        """The newest event's time (epoch s): in a decision task, when it started."""
        return event_time(self._latest_stamp)

    def seen_by(self, event_id: int) -> int | None:
        """The start of the first completed decision task that saw ``event_id``: the task
        in which code that had read up to that event ran. None: the current task.

        A task sees the events before its DecisionTaskStarted; ``swflow.patched``,
        cancellation and the history length answer by this, so every replay of the
        code answers as its first run did.
        """
        index = bisect_right(self.task_starts, event_id)
        return self.task_starts[index] if index < len(self.task_starts) else None

    def activity_by_scheduled(self, scheduled_event_id: int) -> ActivityState:
        try:
            return self._by_scheduled[scheduled_event_id]
        except KeyError:
            raise HistoryError(
                f"activity event refers to unknown ActivityTaskScheduled {scheduled_event_id}"
            ) from None

    def child_by_initiated(self, initiated_event_id: int) -> ChildState:
        try:
            return self._by_initiated[initiated_event_id]
        except KeyError:
            raise HistoryError(
                f"child event refers to unknown StartChildWorkflowExecutionInitiated "
                f"{initiated_event_id}"
            ) from None
