"""The fast page parser gives the history reader exactly what boto3's dicts give it."""

from __future__ import annotations

import gc
import json
from typing import Any

import msgspec
import pytest

from swflow import HistoryError
from swflow.replay.records import ExternalState
from swflow.replay.state import ExecutionState
from swflow.testing import HistoryBuilder
from swflow.worker.pages import parse_page

KIND = {"name": "t", "version": "1"}
EXECUTION = {"workflowId": "child-1", "runId": "run-9"}


def _every_handled_event() -> list[dict[str, Any]]:
    """One history touching every event type the reader handles, with extra fields."""
    history = HistoryBuilder("w", input=[1], tags=("a", "b"))
    add = history.add
    add("WorkflowExecutionSignaled", signalName="go", input="x", externalInitiatedEventId=0)
    add("WorkflowExecutionCancelRequested", cause="CHILD_POLICY_APPLIED")
    scheduled = []
    for n in range(1, 6):
        scheduled.append(
            add(
                "ActivityTaskScheduled",
                activityId=f"a{n}",
                activityType=KIND,
                input="[1]",
                taskList={"name": "l"},
                decisionTaskCompletedEventId=3,
                startToCloseTimeout="60",
            )
        )
    add(
        "ScheduleActivityTaskFailed",
        activityId="a9",
        activityType=KIND,
        cause="ACTIVITY_TYPE_DOES_NOT_EXIST",
        decisionTaskCompletedEventId=3,
    )
    add("ActivityTaskStarted", scheduledEventId=scheduled[0], identity="worker-7")
    add("ActivityTaskCompleted", scheduledEventId=scheduled[0], startedEventId=0, result="r")
    add(
        "ActivityTaskFailed",
        scheduledEventId=scheduled[1],
        startedEventId=0,
        reason="R",
        details="D",
    )
    add(
        "ActivityTaskTimedOut",
        scheduledEventId=scheduled[2],
        startedEventId=0,
        timeoutType="HEARTBEAT",
        details="last beat",
    )
    add("ActivityTaskCancelRequested", activityId="a4", decisionTaskCompletedEventId=3)
    add("ActivityTaskCanceled", scheduledEventId=scheduled[3], startedEventId=0, details="bye")
    add("MarkerRecorded", markerName="m", details="d", decisionTaskCompletedEventId=3)
    started = add(
        "TimerStarted", timerId="t1", startToFireTimeout="5", decisionTaskCompletedEventId=3
    )
    add("TimerStarted", timerId="t2", startToFireTimeout="5", decisionTaskCompletedEventId=3)
    add(
        "StartTimerFailed",
        timerId="t3",
        cause="TIMER_ID_ALREADY_IN_USE",
        decisionTaskCompletedEventId=3,
    )
    add("TimerFired", timerId="t1", startedEventId=started)
    add("TimerCanceled", timerId="t2", startedEventId=started + 1, decisionTaskCompletedEventId=3)
    initiated = [
        add(
            "StartChildWorkflowExecutionInitiated",
            workflowId=f"child-{n}",
            workflowType=KIND,
            taskList={"name": "l"},
            childPolicy="TERMINATE",
            decisionTaskCompletedEventId=3,
        )
        for n in range(1, 6)
    ]
    add(
        "StartChildWorkflowExecutionFailed",
        workflowId="child-9",
        workflowType=KIND,
        cause="WORKFLOW_ALREADY_RUNNING",
        initiatedEventId=0,
        decisionTaskCompletedEventId=3,
    )
    outcomes = [
        ("ChildWorkflowExecutionCompleted", {"result": "ok"}),
        ("ChildWorkflowExecutionFailed", {"reason": "R", "details": "D"}),
        ("ChildWorkflowExecutionTimedOut", {"timeoutType": "START_TO_CLOSE"}),
        ("ChildWorkflowExecutionCanceled", {"details": "c"}),
        ("ChildWorkflowExecutionTerminated", {}),
    ]
    for event_id, (kind, extra) in zip(initiated, outcomes, strict=True):
        child = {**EXECUTION, "workflowId": f"child-{event_id}"}
        started_child = add(
            "ChildWorkflowExecutionStarted",
            initiatedEventId=event_id,
            workflowExecution=child,
            workflowType=KIND,
        )
        add(
            kind,
            initiatedEventId=event_id,
            startedEventId=started_child,
            workflowExecution=child,
            workflowType=KIND,
            **extra,
        )
    add("WorkflowExecutionCompleted", result="done", decisionTaskCompletedEventId=3)
    return history.events


def _as_json(events: list[dict[str, Any]]) -> str:
    body = {
        "taskToken": "t",
        "startedEventId": len(events),
        "events": events,
        "workflowExecution": {"workflowId": "w", "runId": "r"},
        "workflowType": KIND,
    }
    return json.dumps(body, default=lambda value: value.timestamp())


def test_fast_pages_and_boto3_dicts_give_the_same_state() -> None:
    events = _every_handled_event()
    page = parse_page(_as_json(events))
    assert page["taskToken"] == "t" and page["workflowExecution"]["runId"] == "r"
    fast, plain = ExecutionState.from_events(page["events"]), ExecutionState.from_events(events)
    assert fast == plain
    assert fast.decision_time == plain.decision_time == 1767225639.0
    assert plain.closed == "WorkflowExecutionCompleted" and plain.cancel_requested
    records = [
        *plain.activities.values(),
        *plain.timers.values(),
        *plain.children.values(),
        *plain.externals.values(),
        *(marker for markers in plain.markers.values() for marker in markers),
        *(signal for signals in plain.signals.values() for signal in signals),
        ExternalState("signal", "other"),  # this history sends nothing to other runs
    ]
    assert {type(record).__name__ for record in records} == {
        "ActivityState",
        "TimerState",
        "ChildState",
        "ExternalState",
        "MarkerState",
        "SignalState",
    }
    assert not any(gc.is_tracked(record) for record in records)  # the collector skips them
    assert {a.status for a in plain.activities.values()} == {
        "completed",
        "failed",
        "timed_out",
        "canceled",
        "scheduled",
        "schedule_failed",
    }
    assert {c.status for c in plain.children.values()} == {
        "completed",
        "failed",
        "timed_out",
        "canceled",
        "terminated",
        "start_failed",
    }


def test_fields_nobody_reads_are_never_built() -> None:
    page = parse_page(_as_json(_every_handled_event()))
    started = next(e for e in page["events"] if e.kind == "ActivityTaskStarted")
    assert set(msgspec.structs.asdict(started.attributes)) == {"scheduledEventId"}  # no identity
    scheduled = next(e for e in page["events"] if e.kind == "ActivityTaskScheduled")
    assert not hasattr(scheduled.attributes, "taskList")
    decision = next(e for e in page["events"] if e.kind == "DecisionTaskScheduled")
    assert decision.attributes is None  # only its id and time: the decider's clock
    assert decision.eventTimestamp == 1767225602.0
    assert not gc.is_tracked(started) and not gc.is_tracked(started.attributes)


@pytest.mark.parametrize(
    "body",
    [
        '{"events": [',
        "not json",
        '{"events": [{"eventId": "one", "eventType": "X"}]}',
        '{"events": [{"eventId": 1, "eventType": "TimerFired", '
        '"timerFiredEventAttributes": {"timerId": 5}}]}',
    ],
)
def test_malformed_pages_raise_history_error(body: str) -> None:
    with pytest.raises(HistoryError, match="malformed SWF history page"):
        parse_page(body)
