"""SWF's vocabulary, written down once: event types, decision types, closes, the name rule.

Every part of swflow that lists SWF event or decision types derives its list from the
tables here: the history reader (its handlers must cover `EVENTS` exactly), the fast
page schema, the test `HistoryBuilder`, the devserver (which events wake a decider,
what each decision records, how a run closes), the client's close handling and the
replay check. The tables are SWF's facts (SWF-REFERENCE.md, botocore's model); a test
checks them against botocore's model of the service.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict

__all__ = [
    "ACTIVITY_DEFAULTS",
    "CHILD_CLOSE_EVENTS",
    "CLOSE_DECISIONS",
    "CLOSE_EVENTS",
    "CLOSE_STATUS",
    "DECISIONS",
    "EVENTS",
    "FIELD_TYPES",
    "WORKFLOW_DEFAULTS",
    "DecisionType",
    "EventType",
    "TaskListShape",
    "TypeShape",
    "WorkflowExecutionShape",
    "attributes_key",
    "decision_attributes_key",
    "event_time",
    "name_problem",
    "tag_problem",
]


@dataclass(frozen=True, slots=True)
class EventType:
    """One SWF history event type.

    Attributes:
        name: e.g. ``ActivityTaskCompleted``.
        references: its attributes that hold ids of earlier events of the same history.
        wakes_decider: appending it schedules a decision task (SWF-REFERENCE.md 4.2).
        close_status: for an event that closes the run, the run's close status.
    """

    name: str
    references: tuple[str, ...] = ()
    wakes_decider: bool = False
    close_status: str | None = None

    @property
    def attributes(self) -> str:
        return attributes_key(self.name)


@dataclass(frozen=True, slots=True)
class DecisionType:
    """One SWF decision type.

    Attributes:
        name: e.g. ``ScheduleActivityTask``.
        required: its attributes SWF requires.
        event: what SWF records when it carries the decision out.
    """

    name: str
    required: tuple[str, ...]
    event: str

    @property
    def attributes(self) -> str:
        return decision_attributes_key(self.name)

    @property
    def failed_event(self) -> str:
        """What SWF records when it cannot carry the decision out."""
        return f"{self.name}Failed"

    @property
    def closes(self) -> bool:
        return EVENTS[self.event].close_status is not None


def attributes_key(kind: str) -> str:
    """Where an event of type ``kind`` keeps its attributes."""
    return kind[0].lower() + kind[1:] + "EventAttributes"


def decision_attributes_key(kind: str) -> str:
    """Where a decision of type ``kind`` keeps its attributes."""
    return kind[0].lower() + kind[1:] + "DecisionAttributes"


def event_time(stamp: Any) -> float | None:
    """An event timestamp as boto3 (datetime), SWF's JSON (number) or text has it."""
    if isinstance(stamp, datetime):
        return stamp.timestamp()
    if isinstance(stamp, int | float):
        return float(stamp)
    if isinstance(stamp, str):
        return datetime.fromisoformat(stamp).timestamp()
    return None


_DONE = "decisionTaskCompletedEventId"
_RUN = ("scheduledEventId", "startedEventId")
_CHILD = ("initiatedEventId", "startedEventId")


def _events(*types: EventType) -> Mapping[str, EventType]:
    return {event.name: event for event in types}


EVENTS: Mapping[str, EventType] = _events(
    # The run itself.
    EventType("WorkflowExecutionStarted"),
    EventType("WorkflowExecutionSignaled", wakes_decider=True),
    EventType("WorkflowExecutionCancelRequested", wakes_decider=True),
    EventType("WorkflowExecutionCompleted", (_DONE,), close_status="COMPLETED"),
    EventType("WorkflowExecutionFailed", (_DONE,), close_status="FAILED"),
    EventType("WorkflowExecutionCanceled", (_DONE,), close_status="CANCELED"),
    EventType("WorkflowExecutionContinuedAsNew", (_DONE,), close_status="CONTINUED_AS_NEW"),
    EventType("WorkflowExecutionTerminated", close_status="TERMINATED"),
    EventType("WorkflowExecutionTimedOut", close_status="TIMED_OUT"),
    EventType("CompleteWorkflowExecutionFailed", (_DONE,), wakes_decider=True),
    EventType("FailWorkflowExecutionFailed", (_DONE,), wakes_decider=True),
    EventType("CancelWorkflowExecutionFailed", (_DONE,), wakes_decider=True),
    EventType("ContinueAsNewWorkflowExecutionFailed", (_DONE,), wakes_decider=True),
    # Decision tasks.
    EventType("DecisionTaskScheduled"),
    EventType("DecisionTaskStarted", ("scheduledEventId",)),
    EventType("DecisionTaskCompleted", _RUN),
    EventType("DecisionTaskTimedOut", _RUN),
    # Activities.
    EventType("ActivityTaskScheduled", (_DONE,)),
    EventType("ScheduleActivityTaskFailed", (_DONE,), wakes_decider=True),
    EventType("ActivityTaskStarted", ("scheduledEventId",)),
    EventType("ActivityTaskCompleted", _RUN, wakes_decider=True),
    EventType("ActivityTaskFailed", _RUN, wakes_decider=True),
    EventType("ActivityTaskTimedOut", _RUN, wakes_decider=True),
    EventType("ActivityTaskCanceled", (*_RUN, "latestCancelRequestedEventId"), wakes_decider=True),
    EventType("ActivityTaskCancelRequested", (_DONE,)),
    EventType("RequestCancelActivityTaskFailed", (_DONE,), wakes_decider=True),
    # Markers and timers.
    EventType("MarkerRecorded", (_DONE,)),
    EventType("RecordMarkerFailed", (_DONE,), wakes_decider=True),
    EventType("TimerStarted", (_DONE,)),
    EventType("StartTimerFailed", (_DONE,), wakes_decider=True),
    EventType("TimerFired", ("startedEventId",), wakes_decider=True),
    EventType("TimerCanceled", ("startedEventId", _DONE)),
    EventType("CancelTimerFailed", (_DONE,), wakes_decider=True),
    # Child workflows.
    EventType("StartChildWorkflowExecutionInitiated", (_DONE,)),
    EventType("StartChildWorkflowExecutionFailed", ("initiatedEventId", _DONE), wakes_decider=True),
    EventType("ChildWorkflowExecutionStarted", ("initiatedEventId",), wakes_decider=True),
    EventType("ChildWorkflowExecutionCompleted", _CHILD, wakes_decider=True),
    EventType("ChildWorkflowExecutionFailed", _CHILD, wakes_decider=True),
    EventType("ChildWorkflowExecutionTimedOut", _CHILD, wakes_decider=True),
    EventType("ChildWorkflowExecutionCanceled", _CHILD, wakes_decider=True),
    EventType("ChildWorkflowExecutionTerminated", _CHILD, wakes_decider=True),
    # Signals and cancellations sent to other runs.
    EventType("SignalExternalWorkflowExecutionInitiated", (_DONE,)),
    EventType("ExternalWorkflowExecutionSignaled", ("initiatedEventId",), wakes_decider=True),
    EventType(
        "SignalExternalWorkflowExecutionFailed", ("initiatedEventId", _DONE), wakes_decider=True
    ),
    EventType("RequestCancelExternalWorkflowExecutionInitiated", (_DONE,)),
    EventType(
        "ExternalWorkflowExecutionCancelRequested", ("initiatedEventId",), wakes_decider=True
    ),
    EventType(
        "RequestCancelExternalWorkflowExecutionFailed",
        ("initiatedEventId", _DONE),
        wakes_decider=True,
    ),
    # Lambda tasks (swflow never schedules them; the devserver does not run them).
    EventType("LambdaFunctionScheduled", (_DONE,)),
    EventType("ScheduleLambdaFunctionFailed", (_DONE,), wakes_decider=True),
    EventType("LambdaFunctionStarted", ("scheduledEventId",)),
    EventType("StartLambdaFunctionFailed", ("scheduledEventId",)),
    EventType("LambdaFunctionCompleted", _RUN),
    EventType("LambdaFunctionFailed", _RUN),
    EventType("LambdaFunctionTimedOut", _RUN),
)
"""SWF's 54 event types."""

DECISIONS: Mapping[str, DecisionType] = {
    decision.name: decision
    for decision in (
        DecisionType(
            "ScheduleActivityTask", ("activityType", "activityId"), "ActivityTaskScheduled"
        ),
        DecisionType("RequestCancelActivityTask", ("activityId",), "ActivityTaskCancelRequested"),
        DecisionType("CompleteWorkflowExecution", (), "WorkflowExecutionCompleted"),
        DecisionType("FailWorkflowExecution", (), "WorkflowExecutionFailed"),
        DecisionType("CancelWorkflowExecution", (), "WorkflowExecutionCanceled"),
        DecisionType("ContinueAsNewWorkflowExecution", (), "WorkflowExecutionContinuedAsNew"),
        DecisionType("RecordMarker", ("markerName",), "MarkerRecorded"),
        DecisionType("StartTimer", ("timerId", "startToFireTimeout"), "TimerStarted"),
        DecisionType("CancelTimer", ("timerId",), "TimerCanceled"),
        DecisionType(
            "SignalExternalWorkflowExecution",
            ("workflowId", "signalName"),
            "SignalExternalWorkflowExecutionInitiated",
        ),
        DecisionType(
            "RequestCancelExternalWorkflowExecution",
            ("workflowId",),
            "RequestCancelExternalWorkflowExecutionInitiated",
        ),
        DecisionType(
            "StartChildWorkflowExecution",
            ("workflowType", "workflowId"),
            "StartChildWorkflowExecutionInitiated",
        ),
        DecisionType("ScheduleLambdaFunction", ("id", "name"), "LambdaFunctionScheduled"),
    )
}
"""SWF's 13 decision types."""

ACTIVITY_DEFAULTS: Mapping[str, str] = {
    "taskList": "defaultTaskList",
    "taskPriority": "defaultTaskPriority",
    "scheduleToStartTimeout": "defaultTaskScheduleToStartTimeout",
    "scheduleToCloseTimeout": "defaultTaskScheduleToCloseTimeout",
    "startToCloseTimeout": "defaultTaskStartToCloseTimeout",
    "heartbeatTimeout": "defaultTaskHeartbeatTimeout",
}
"""ScheduleActivityTask attribute -> the activity type's default that stands in for it."""

WORKFLOW_DEFAULTS: Mapping[str, str] = {
    "taskList": "defaultTaskList",
    "taskPriority": "defaultTaskPriority",
    "executionStartToCloseTimeout": "defaultExecutionStartToCloseTimeout",
    "taskStartToCloseTimeout": "defaultTaskStartToCloseTimeout",
    "childPolicy": "defaultChildPolicy",
    "lambdaRole": "defaultLambdaRole",
}
"""A start's attribute (StartWorkflowExecution, StartChildWorkflowExecution,
ContinueAsNewWorkflowExecution) -> the workflow type's default that stands in for it."""

CLOSE_STATUS: Mapping[str, str] = {
    event.name: event.close_status for event in EVENTS.values() if event.close_status
}
"""Run-closing event -> the run's close status."""

CLOSE_EVENTS = frozenset(CLOSE_STATUS)

CHILD_CLOSE_EVENTS: Mapping[str, str] = {
    "COMPLETED": "ChildWorkflowExecutionCompleted",
    "FAILED": "ChildWorkflowExecutionFailed",
    "CANCELED": "ChildWorkflowExecutionCanceled",
    "TERMINATED": "ChildWorkflowExecutionTerminated",
    "TIMED_OUT": "ChildWorkflowExecutionTimedOut",
}
"""A child's close status -> what its parent's history records (a child that continues
as new stays open to its parent)."""

CLOSE_DECISIONS: Mapping[str, str] = {
    decision.name: decision.event for decision in DECISIONS.values() if decision.closes
}
"""Run-closing decision -> the event that closes the run."""


class TypeShape(TypedDict):
    """An activity or workflow type."""

    name: str
    version: str


class TaskListShape(TypedDict):
    name: str


class WorkflowExecutionShape(TypedDict, total=False):
    workflowId: str
    runId: str


FIELD_TYPES: Mapping[str, Any] = {
    **dict.fromkeys(("activityType", "workflowType"), TypeShape),
    "taskList": TaskListShape,
    **dict.fromkeys(
        ("parentWorkflowExecution", "workflowExecution", "externalWorkflowExecution"),
        WorkflowExecutionShape,
    ),
    "tagList": list[str],
    **dict.fromkeys(("scheduledEventId", "startedEventId", "initiatedEventId"), int),
    **dict.fromkeys(
        (
            "activityId",
            "cause",
            "childPolicy",
            "continuedExecutionRunId",
            "control",
            "details",
            "executionStartToCloseTimeout",
            "input",
            "markerName",
            "reason",
            "result",
            "runId",
            "signalName",
            "taskStartToCloseTimeout",
            "timeoutType",
            "timerId",
            "workflowId",
        ),
        str,
    ),
}
"""The type of each event attribute swflow reads, as SWF's JSON carries it."""

_BAD_NAME = re.compile(r"[:/|\x00-\x1f\x7f-\x9f]")


def name_problem(value: str) -> str | None:
    """Why SWF refuses ``value`` as a name (domain, type, task list, id), or None.

    SWF's rule: no ``:``, ``/``, ``|``, no control characters, and not the literal
    ``arn``. Lengths are checked where the field's limit is known.
    """
    if _BAD_NAME.search(value) or value == "arn":
        return "may not contain ':', '/', '|' or control characters, nor be 'arn'"
    return None


_TAG = re.compile(r"[\w\s_.:/=+\-@]*")
TAGS_PER_RUN = 5


def tag_problem(tags: object) -> str | None:
    """Why SWF refuses ``tags`` as a run's tag list, or None.

    At most 5 strings of up to 256 characters, each only letters, digits, whitespace
    and ``_ . : / = + - @`` (SWF-REFERENCE.md 3.1, 3.2).
    """
    if isinstance(tags, str) or not isinstance(tags, list | tuple):
        return f"must be a list of strings, got {tags!r}"
    if len(tags) > TAGS_PER_RUN:
        return f"has {len(tags)} tags; SWF allows at most {TAGS_PER_RUN}"
    for tag in tags:
        if not isinstance(tag, str) or len(tag) > 256:
            return f"holds {tag!r}: a tag is a string of at most 256 characters"
        if not _TAG.fullmatch(tag):
            return (
                f"holds {tag!r}: tags may contain only letters, digits, whitespace "
                "and _ . : / = + - @"
            )
    return None
