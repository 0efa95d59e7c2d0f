"""How each SWF event type folds into `ExecutionState`: one handler per type, and the
attributes it reads. The one place that says how an event is read: the event structs
(`swflow.replay.events`) hold just these fields, the ones marked optional may be None,
the others are checked present when an event is decoded."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from swflow.errors import HistoryError
from swflow.swf.vocabulary import CLOSE_EVENTS, EVENTS

from .records import (
    ActivityState,
    ChildState,
    ExternalState,
    MarkerState,
    SignalState,
    TimerState,
)

if TYPE_CHECKING:
    from .state import ExecutionState

__all__ = ["HANDLED_EVENT_TYPES", "HANDLERS", "OPTIONAL", "READ_FIELDS", "Handler", "ignore"]


Handler = Callable[["ExecutionState", int, Any], None]
"""Folds one event: the state, the event's id, its attributes struct."""

OPTIONAL = "?"
"""Marks an attribute SWF may leave out (None when absent)."""


def ignore(state: ExecutionState, event_id: int, attributes: Any) -> None:
    """Events with nothing for the replay to know (bookkeeping, or features swflow
    never requests, such as Lambda tasks)."""


def _started(state: ExecutionState, event_id: int, a: Any) -> None:
    state.started = True
    state.workflow_name = a.workflowType.name
    state.workflow_version = a.workflowType.version
    state.input = a.input
    state.task_list = a.taskList.name
    state.child_policy = a.childPolicy or ""
    state.execution_start_to_close_timeout = a.executionStartToCloseTimeout
    state.task_start_to_close_timeout = a.taskStartToCloseTimeout
    state.tag_list = tuple(a.tagList or ())
    parent = a.parentWorkflowExecution
    state.parent_workflow_id = parent.workflowId if parent else None
    state.continued_run_id = a.continuedExecutionRunId


def _closed(kind: str) -> Handler:
    def handler(state: ExecutionState, event_id: int, a: Any) -> None:
        state.closed = kind

    return handler


def _cancel_requested(state: ExecutionState, event_id: int, a: Any) -> None:
    if state.cancel_event_id is None:
        state.cancel_event_id = event_id
        sender = a.externalWorkflowExecution
        if sender:
            state.cancel_by = f" by workflow {sender.workflowId}"
        elif a.cause == "CHILD_POLICY_APPLIED":
            state.cancel_by = " by its parent's child policy"


def _decision_completed(state: ExecutionState, event_id: int, a: Any) -> None:
    state.task_starts.append(a.startedEventId)


def _signaled(state: ExecutionState, event_id: int, a: Any) -> None:
    name = a.signalName
    state.signals.setdefault(name, []).append(SignalState(name, a.input, event_id))


def _activity_scheduled(state: ExecutionState, event_id: int, a: Any) -> None:
    kind = a.activityType
    activity = ActivityState(
        kind.name,
        kind.version,
        "scheduled",
        activity_id=a.activityId,
        scheduled_event_id=event_id,
    )
    state.activities[activity.activity_id] = activity
    state._by_scheduled[event_id] = activity


def _activity_schedule_failed(state: ExecutionState, event_id: int, a: Any) -> None:
    kind = a.activityType
    state.activities[a.activityId] = ActivityState(
        kind.name,
        kind.version,
        "schedule_failed",
        cause=a.cause,
        closed_event_id=event_id,
        activity_id=a.activityId,
    )


def _activity_started(state: ExecutionState, event_id: int, a: Any) -> None:
    # A dict lookup, not a call (a third of a long history's events come here); the
    # method raises the clear error only when the activity is missing.
    scheduled = a.scheduledEventId
    activity = state._by_scheduled.get(scheduled) or state.activity_by_scheduled(scheduled)
    activity.status = "started"


def _activity_closed(status: str) -> Handler:
    def handler(state: ExecutionState, event_id: int, a: Any) -> None:
        scheduled = a.scheduledEventId  # looked up as in _activity_started
        activity = state._by_scheduled.get(scheduled) or state.activity_by_scheduled(scheduled)
        activity.close(status, event_id, a)

    return handler


def _activity_cancel_requested(state: ExecutionState, event_id: int, a: Any) -> None:
    activity = state.activities.get(a.activityId)
    if activity is not None:
        activity.cancel_requested = True


def _timer_started(state: ExecutionState, event_id: int, a: Any) -> None:
    state.timers[a.timerId] = TimerState(a.timerId, event_id)


def _timer_start_failed(state: ExecutionState, event_id: int, a: Any) -> None:
    state.timers[a.timerId] = TimerState(
        a.timerId, status="start_failed", cause=a.cause, closed_event_id=event_id
    )


def _timer_closed(status: str) -> Handler:
    def handler(state: ExecutionState, event_id: int, a: Any) -> None:
        timer = state.timers.get(a.timerId)
        if timer is None:
            raise HistoryError(f"{status} timer {a.timerId!r} was never started")
        timer.status = status
        timer.closed_event_id = event_id

    return handler


def _marker(state: ExecutionState, event_id: int, a: Any) -> None:
    name = a.markerName
    state.markers.setdefault(name, []).append(MarkerState(name, a.details, event_id))


def _external_initiated(kind: str) -> Handler:
    def handler(state: ExecutionState, event_id: int, a: Any) -> None:
        external = ExternalState(
            kind, a.workflowId, a.runId, a.signalName if kind == "signal" else None
        )
        state.externals[a.control or f"event {event_id}"] = external
        state._by_external[event_id] = external

    return handler


def _external_closed(status: str) -> Handler:
    def handler(state: ExecutionState, event_id: int, a: Any) -> None:
        external = state._by_external.get(a.initiatedEventId or 0)
        if external is None and status == "failed":  # SWF wrote it without an initiated event
            external = state.externals.get(a.control or "")
        if external is None:
            raise HistoryError(
                f"event {event_id} refers to unknown initiated event {a.initiatedEventId}"
            )
        external.status, external.closed_event_id = status, event_id
        if status == "failed":
            external.cause = a.cause

    return handler


def _child_initiated(state: ExecutionState, event_id: int, a: Any) -> None:
    kind = a.workflowType
    child = ChildState(
        kind.name,
        kind.version,
        "initiated",
        workflow_id=a.workflowId,
        initiated_event_id=event_id,
    )
    state.children[child.workflow_id] = child
    state._by_initiated[event_id] = child


def _child_start_failed(state: ExecutionState, event_id: int, a: Any) -> None:
    kind = a.workflowType
    child = state.children.get(a.workflowId) or ChildState(
        kind.name, kind.version, "initiated", workflow_id=a.workflowId
    )
    child.status, child.cause, child.closed_event_id = "start_failed", a.cause, event_id
    state.children[child.workflow_id] = child


def _child_started(state: ExecutionState, event_id: int, a: Any) -> None:
    child = state.child_by_initiated(a.initiatedEventId)
    child.status = "started"
    child.run_id = a.workflowExecution.runId


def _child_closed(status: str) -> Handler:
    def handler(state: ExecutionState, event_id: int, a: Any) -> None:
        state.child_by_initiated(a.initiatedEventId).close(status, event_id, a)

    return handler


_STARTED = (
    "workflowType",
    "input?",
    "taskList",
    "childPolicy?",
    "executionStartToCloseTimeout?",
    "taskStartToCloseTimeout?",
    "tagList?",
    "parentWorkflowExecution?",
    "continuedExecutionRunId?",
)
_BY_TYPE = ("activityId", "activityType")
_OUTCOME = ("result?", "reason?", "details?", "timeoutType?")
_ACTIVITY = ("scheduledEventId", *_OUTCOME)
_TIMER = ("timerId",)
_CHILD_BY_TYPE = ("workflowId", "workflowType")
_CHILD = ("initiatedEventId", *_OUTCOME)
_EXTERNAL = ("workflowId", "runId?", "signalName?", "control?")
_EXTERNAL_FAILED = ("initiatedEventId?", "control?", "cause")
_DELIVERED = ("initiatedEventId?",)
_IGNORED: tuple[Handler, tuple[str, ...]] = (ignore, ())

_HANDLERS: dict[str, tuple[Handler, tuple[str, ...]]] = {
    # The run itself.
    "WorkflowExecutionStarted": (_started, _STARTED),
    "WorkflowExecutionSignaled": (_signaled, ("signalName", "input?")),
    "WorkflowExecutionCancelRequested": (
        _cancel_requested,
        ("externalWorkflowExecution?", "cause?"),
    ),
    **{kind: (_closed(kind), ()) for kind in sorted(CLOSE_EVENTS)},
    # A close decision SWF refused: the next replay decides again.
    "CompleteWorkflowExecutionFailed": _IGNORED,
    "FailWorkflowExecutionFailed": _IGNORED,
    "CancelWorkflowExecutionFailed": _IGNORED,
    "ContinueAsNewWorkflowExecutionFailed": _IGNORED,
    # Decision tasks: bookkeeping.
    "DecisionTaskScheduled": _IGNORED,
    "DecisionTaskStarted": _IGNORED,
    "DecisionTaskCompleted": (_decision_completed, ("startedEventId",)),
    "DecisionTaskTimedOut": _IGNORED,
    # Activities.
    "ActivityTaskScheduled": (_activity_scheduled, _BY_TYPE),
    "ScheduleActivityTaskFailed": (_activity_schedule_failed, (*_BY_TYPE, "cause")),
    "ActivityTaskStarted": (_activity_started, ("scheduledEventId",)),
    "ActivityTaskCompleted": (_activity_closed("completed"), _ACTIVITY),
    "ActivityTaskFailed": (_activity_closed("failed"), _ACTIVITY),
    "ActivityTaskTimedOut": (_activity_closed("timed_out"), _ACTIVITY),
    "ActivityTaskCanceled": (_activity_closed("canceled"), _ACTIVITY),
    "ActivityTaskCancelRequested": (_activity_cancel_requested, ("activityId",)),
    "RequestCancelActivityTaskFailed": _IGNORED,  # the activity had already closed
    # Markers and timers.
    "MarkerRecorded": (_marker, ("markerName", "details?")),
    "RecordMarkerFailed": _IGNORED,  # absent marker: the next replay records it again
    "TimerStarted": (_timer_started, _TIMER),
    "StartTimerFailed": (_timer_start_failed, (*_TIMER, "cause")),
    "TimerFired": (_timer_closed("fired"), _TIMER),
    "TimerCanceled": (_timer_closed("canceled"), _TIMER),
    "CancelTimerFailed": _IGNORED,  # the timer had already fired
    # Child workflows.
    "StartChildWorkflowExecutionInitiated": (_child_initiated, _CHILD_BY_TYPE),
    "StartChildWorkflowExecutionFailed": (_child_start_failed, (*_CHILD_BY_TYPE, "cause")),
    "ChildWorkflowExecutionStarted": (_child_started, ("initiatedEventId", "workflowExecution")),
    "ChildWorkflowExecutionCompleted": (_child_closed("completed"), _CHILD),
    "ChildWorkflowExecutionFailed": (_child_closed("failed"), _CHILD),
    "ChildWorkflowExecutionTimedOut": (_child_closed("timed_out"), _CHILD),
    "ChildWorkflowExecutionCanceled": (_child_closed("canceled"), _CHILD),
    "ChildWorkflowExecutionTerminated": (_child_closed("terminated"), _CHILD),
    # Signals and cancel requests sent to other workflows.
    "SignalExternalWorkflowExecutionInitiated": (_external_initiated("signal"), _EXTERNAL),
    "ExternalWorkflowExecutionSignaled": (_external_closed("delivered"), _DELIVERED),
    "SignalExternalWorkflowExecutionFailed": (_external_closed("failed"), _EXTERNAL_FAILED),
    "RequestCancelExternalWorkflowExecutionInitiated": (
        _external_initiated("cancel"),
        _EXTERNAL,
    ),
    "ExternalWorkflowExecutionCancelRequested": (_external_closed("delivered"), _DELIVERED),
    "RequestCancelExternalWorkflowExecutionFailed": (
        _external_closed("failed"),
        _EXTERNAL_FAILED,
    ),
    # Lambda tasks: swflow never schedules them.
    "LambdaFunctionScheduled": _IGNORED,
    "ScheduleLambdaFunctionFailed": _IGNORED,
    "LambdaFunctionStarted": _IGNORED,
    "StartLambdaFunctionFailed": _IGNORED,
    "LambdaFunctionCompleted": _IGNORED,
    "LambdaFunctionFailed": _IGNORED,
    "LambdaFunctionTimedOut": _IGNORED,
}
"""Event type -> (handler, the attributes it reads, ``?`` marking those SWF may omit):
the one place that says how each event is read."""

if set(_HANDLERS) != set(EVENTS):  # a new SWF event type must be read (or ignored) here
    raise ImportError(
        f"history handlers do not match SWF's event types: {set(_HANDLERS) ^ set(EVENTS)}"
    )
HANDLERS: Mapping[str, tuple[Handler, tuple[str, ...]]] = _HANDLERS
HANDLED_EVENT_TYPES = frozenset(_HANDLERS)
READ_FIELDS: dict[str, tuple[str, ...]] = {
    kind: tuple(field.removesuffix(OPTIONAL) for field in fields)
    for kind, (handler, fields) in _HANDLERS.items()
    if handler is not ignore
}
"""Event type -> the attributes the reader uses, for every event type it does not ignore."""
