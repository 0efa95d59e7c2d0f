"""SWF JSON pages -> event dicts, fast: only what the history reader uses is built.

Most of a decider's time on a long history goes into building Python objects for every
field of every event, not into parsing. ``parse_page`` decodes a PollForDecisionTask or
GetWorkflowExecutionHistory body with msgspec against a schema naming exactly the
fields `swflow.history` reads, so everything else (timestamps, identities, the
attributes of events the replay ignores) is skipped without ever being created. The
result is the same plain dicts boto3 would give, minus what nobody reads; a test holds
the two paths equal for every event type the reader handles.

A warm decision worker needs only a handful of the newest events, so it can ask for
a page whose events stay raw JSON (``lazy=True``, a quick scan) and decode just the
new ones with `newer_events`.
"""

from __future__ import annotations

from typing import Any, TypedDict

import msgspec

from swflow.errors import HistoryError
from swflow.replay.gcpause import paused_gc

__all__ = ["newer_events", "parse_page"]


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


class _PageHead(TypedDict, total=False):
    taskToken: str
    startedEventId: int
    previousStartedEventId: int
    workflowExecution: _Execution
    workflowType: _Kind
    nextPageToken: str


class _Page(_PageHead, total=False):
    events: list[_Event]


class _LazyPage(_PageHead, total=False):
    events: list[msgspec.Raw]  # decoded later, only as far as needed (newer_events)


_DECODER = msgspec.json.Decoder(_Page)
_LAZY_DECODER = msgspec.json.Decoder(_LazyPage)
_EVENT_DECODER: msgspec.json.Decoder[Any] = msgspec.json.Decoder(_Event)  # plain dicts


def parse_page(body: bytes | str, *, lazy: bool = False) -> dict[str, Any]:
    """A PollForDecisionTask or GetWorkflowExecutionHistory JSON body.

    With ``lazy`` the events stay undecoded (`msgspec.Raw`): read them with
    `newer_events`.

    Raises:
        HistoryError: the body is not JSON, or a field has the wrong type.
    """
    try:
        with paused_gc():
            page: dict[str, Any] = (_LAZY_DECODER if lazy else _DECODER).decode(body)  # type: ignore[assignment]
    except msgspec.DecodeError as exc:
        raise HistoryError(f"malformed SWF history page: {exc}") from None
    return page


def newer_events(newest_first: list[Any], known: int) -> list[dict[str, Any]]:
    """A newest-first page's events newer than event ``known``, newest first.

    Decoding stops at the first event the caller already knows, so a warm decision
    task decodes only its new events. Events already decoded are taken as they are.

    Raises:
        HistoryError: an event is not JSON, or a field has the wrong type.
    """
    events: list[dict[str, Any]] = []
    for item in newest_first:
        try:
            event = _EVENT_DECODER.decode(item) if isinstance(item, msgspec.Raw) else item
        except msgspec.DecodeError as exc:
            raise HistoryError(f"malformed SWF history event: {exc}") from None
        event_id = event.get("eventId")
        if not isinstance(event_id, int):
            raise HistoryError(f"an SWF history event without an eventId: {event}")
        if event_id <= known:
            break
        events.append(event)
    return events
