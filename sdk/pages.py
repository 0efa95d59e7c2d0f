"""SWF JSON pages -> event dicts, fast: only what the history reader uses is built.

Most of a decider's time on a long history goes into building Python objects for every
field of every event, not into parsing. ``parse_page`` decodes a PollForDecisionTask or
GetWorkflowExecutionHistory body with msgspec against a schema naming exactly the
fields `swflow.history` reads, so everything else (timestamps, identities, the
attributes of events the replay ignores) is skipped without ever being created. The
result is the same plain dicts boto3 would give, minus what nobody reads; a test holds
the two paths equal for every event type the reader handles.
"""

from __future__ import annotations

from typing import Any, TypedDict

import msgspec

from .gcpause import paused_gc
from .history import HistoryError

__all__ = ["parse_page"]


class _Kind(TypedDict):
    name: str
    version: str


class _TaskList(TypedDict):
    name: str


class _Execution(TypedDict, total=False):
    workflowId: str
    runId: str


class _Empty(TypedDict, total=False):
    pass


class _WorkflowStarted(TypedDict, total=False):
    workflowType: _Kind
    input: str
    taskList: _TaskList
    childPolicy: str
    executionStartToCloseTimeout: str
    taskStartToCloseTimeout: str
    tagList: list[str]
    parentWorkflowExecution: _Execution
    continuedExecutionRunId: str


class _Signaled(TypedDict, total=False):
    signalName: str
    input: str


class _ActivityByType(TypedDict, total=False):
    activityId: str
    activityType: _Kind
    cause: str


class _ActivityOutcome(TypedDict, total=False):
    scheduledEventId: int
    result: str
    reason: str
    details: str
    timeoutType: str


class _Timer(TypedDict, total=False):
    timerId: str
    cause: str


class _Marker(TypedDict, total=False):
    markerName: str
    details: str


class _ChildByType(TypedDict, total=False):
    workflowId: str
    workflowType: _Kind
    cause: str


class _ChildOutcome(TypedDict, total=False):
    initiatedEventId: int
    workflowExecution: _Execution
    result: str
    reason: str
    details: str
    timeoutType: str


class _Event(TypedDict, total=False):
    eventId: int
    eventType: str
    eventTimestamp: float  # the newest one is the decider's clock
    workflowExecutionStartedEventAttributes: _WorkflowStarted
    workflowExecutionSignaledEventAttributes: _Signaled
    workflowExecutionCancelRequestedEventAttributes: _Empty
    workflowExecutionCompletedEventAttributes: _Empty
    workflowExecutionFailedEventAttributes: _Empty
    workflowExecutionCanceledEventAttributes: _Empty
    workflowExecutionContinuedAsNewEventAttributes: _Empty
    workflowExecutionTerminatedEventAttributes: _Empty
    workflowExecutionTimedOutEventAttributes: _Empty
    activityTaskScheduledEventAttributes: _ActivityByType
    scheduleActivityTaskFailedEventAttributes: _ActivityByType
    activityTaskStartedEventAttributes: _ActivityOutcome
    activityTaskCompletedEventAttributes: _ActivityOutcome
    activityTaskFailedEventAttributes: _ActivityOutcome
    activityTaskTimedOutEventAttributes: _ActivityOutcome
    activityTaskCanceledEventAttributes: _ActivityOutcome
    activityTaskCancelRequestedEventAttributes: _ActivityByType
    markerRecordedEventAttributes: _Marker
    timerStartedEventAttributes: _Timer
    startTimerFailedEventAttributes: _Timer
    timerFiredEventAttributes: _Timer
    timerCanceledEventAttributes: _Timer
    startChildWorkflowExecutionInitiatedEventAttributes: _ChildByType
    startChildWorkflowExecutionFailedEventAttributes: _ChildByType
    childWorkflowExecutionStartedEventAttributes: _ChildOutcome
    childWorkflowExecutionCompletedEventAttributes: _ChildOutcome
    childWorkflowExecutionFailedEventAttributes: _ChildOutcome
    childWorkflowExecutionTimedOutEventAttributes: _ChildOutcome
    childWorkflowExecutionCanceledEventAttributes: _ChildOutcome
    childWorkflowExecutionTerminatedEventAttributes: _ChildOutcome


class _Page(TypedDict, total=False):
    taskToken: str
    startedEventId: int
    previousStartedEventId: int
    workflowExecution: _Execution
    workflowType: _Kind
    events: list[_Event]
    nextPageToken: str


_DECODER = msgspec.json.Decoder(_Page)


def parse_page(body: bytes | str) -> dict[str, Any]:
    """A PollForDecisionTask or GetWorkflowExecutionHistory JSON body.

    Raises:
        HistoryError: the body is not JSON, or a field has the wrong type.
    """
    try:
        with paused_gc():
            page: dict[str, Any] = _DECODER.decode(body)  # type: ignore[assignment]
    except msgspec.DecodeError as exc:
        raise HistoryError(f"malformed SWF history page: {exc}") from None
    return page
