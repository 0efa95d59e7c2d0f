"""Broken histories and pages: `HistoryError` naming what is wrong, and a decision
worker that logs it, answers nothing (SWF retries the task) and keeps serving."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from swflow import DistributedDecisionWorker, HistoryError, decision_task
from swflow.replay import decide
from swflow.replay.state import ExecutionState
from swflow.swf.connection import devserver_client
from swflow.worker.decision_task import DecisionTask
from swflow.worker.pages import page_events, parse_page

STARTED = {
    "eventId": 1,
    "eventType": "WorkflowExecutionStarted",
    "workflowExecutionStartedEventAttributes": {
        "workflowType": {"name": "Hostile", "version": "1"},
        "taskList": {"name": "hostile"},
        "input": "[]",
    },
}


def ev(event_id: Any, kind: str, **attributes: Any) -> dict[str, Any]:
    key = kind[0].lower() + kind[1:] + "EventAttributes"
    return {"eventId": event_id, "eventType": kind, key: attributes}


def scheduled(event_id: int, activity_id: str = "a1") -> dict[str, Any]:
    kind = {"name": "act", "version": "1"}
    return ev(event_id, "ActivityTaskScheduled", activityId=activity_id, activityType=kind)


HISTORIES: list[tuple[str, list[Any], str]] = [
    (
        "unknown event type",
        [STARTED, ev(2, "WorkflowExecutionTeleported")],
        "unknown SWF event type",
    ),
    (
        "events out of order",
        [STARTED, scheduled(3), ev(2, "DecisionTaskScheduled")],
        "eventId order",
    ),
    ("duplicate event id", [STARTED, ev(1, "DecisionTaskScheduled")], "eventId order"),
    (
        "attributes missing",
        [{"eventId": 1, "eventType": "WorkflowExecutionStarted"}],
        "missing required field `workflowExecutionStartedEventAttributes`",
    ),
    (
        "attributes not an object",
        [dict(STARTED, workflowExecutionStartedEventAttributes="x")],
        "Expected `object`, got `str`",
    ),
    ("event id missing", [{"eventType": "DecisionTaskScheduled"}], "required field `eventId`"),
    ("event id as text", [ev("1", "DecisionTaskScheduled")], "Expected `int`, got `str`"),
    ("event not an object", ["WorkflowExecutionStarted"], "is not an object"),
    (
        "activity type missing",
        [STARTED, ev(2, "ActivityTaskScheduled", activityId="a1")],
        "required field `activityType`",
    ),
    (
        "completion of nothing",
        [STARTED, ev(2, "ActivityTaskCompleted", scheduledEventId=9)],
        "unknown ActivityTaskScheduled 9",
    ),
    ("timer fired, never started", [STARTED, ev(2, "TimerFired", timerId="t1")], "never started"),
    (
        "child of nothing",
        [
            STARTED,
            ev(
                2,
                "ChildWorkflowExecutionStarted",
                initiatedEventId=5,
                workflowExecution={"workflowId": "c", "runId": "r"},
            ),
        ],
        "unknown StartChildWorkflowExecutionInitiated 5",
    ),
]

PAGES: list[tuple[str, bytes, str]] = [
    ("page not JSON", b"<html>502 Bad Gateway</html>", "malformed"),
    ("page truncated", b'{"events": [{"eventId": 1, "eventTy', "truncated"),
    ("page not UTF-8", b'{"events": "\xff\xfe"}', "malformed"),
    ("page is a list", b"[]", "Expected `object`"),
    (
        "event id as text in a page",
        b'{"events": [{"eventId": "one", "eventType": "TimerFired"}]}',
        "$.events[0].eventId",
    ),
    (
        "event type as a number",
        b'{"events": [{"eventId": 1, "eventType": 5}]}',
        "$.events[0].eventType",
    ),
]


@decision_task(swf_workflow_type="Hostile", swf_workflow_version="1", swf_task_list="hostile")
def hostile() -> str:
    return "never reached"


@pytest.mark.parametrize(("name", "events", "words"), HISTORIES, ids=[h[0] for h in HISTORIES])
def test_a_broken_history_is_a_history_error(name: str, events: list[Any], words: str) -> None:
    with pytest.raises(HistoryError) as raised:
        decide(events, hostile)
    assert words in str(raised.value), str(raised.value)


@pytest.mark.parametrize(("name", "body", "words"), PAGES, ids=[p[0] for p in PAGES])
def test_a_broken_page_is_a_history_error(name: str, body: bytes, words: str) -> None:
    with pytest.raises(HistoryError) as raised:
        parse_page(body)
    assert words in str(raised.value), str(raised.value)


LAZY_EVENTS = [
    ("event id as text", b'{"eventId": "one", "eventType": "TimerFired"}', "$.eventId"),
    ("event type as a number", b'{"eventId": 1, "eventType": 5}', "$.eventType"),
    ("event without an id", b'{"eventType": "TimerFired"}', "required field `eventId`"),
]


@pytest.mark.parametrize(("name", "event", "words"), LAZY_EVENTS, ids=[e[0] for e in LAZY_EVENTS])
def test_a_broken_event_in_a_lazy_page_is_a_history_error(
    name: str, event: bytes, words: str
) -> None:
    page = parse_page(b'{"taskToken": "t", "events": [' + event + b"]}", lazy=True)
    with pytest.raises(HistoryError) as raised:  # the warm worker's path: decoded once needed
        page_events(page["events"])
    assert words in str(raised.value), str(raised.value)


@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_the_worker_answers_nothing_on_a_broken_history_and_drops_its_cache(
    caplog: pytest.LogCaptureFixture, cache: str
) -> None:
    calls: list[str] = []

    class Refusing:  # any answer at all would be a wrong answer
        def __getattr__(self, name: str) -> Any:
            calls.append(name)
            raise AssertionError(f"the worker called {name}")

    worker = DistributedDecisionWorker(
        hostile, domain="d", client=devserver_client("http://127.0.0.1:9")
    )
    worker.client = Refusing()
    run = ("d", "w", "r")
    known = [STARTED, ev(2, "DecisionTaskScheduled"), ev(3, "DecisionTaskStarted")]
    broken = [
        ev(4, "WorkflowExecutionSignaled", signalName="s"),
        ev(5, "WorkflowExecutionTeleported"),
    ]
    # Warm: the run's state was cached by an earlier task; the new events break it halfway.
    state = ExecutionState.from_events(known) if cache == "warm" else None
    task = DecisionTask(
        domain="d",
        token="t",
        started_event_id=6,
        workflow_id="w",
        run_id="r",
        workflow_type={"name": "Hostile", "version": "1"},
        events=broken if state is not None else [*known, *broken],
        history=state,
    )
    assert task.run == run
    with caplog.at_level(logging.ERROR, logger="swflow.worker"):
        worker.handle("d", task)
    assert calls == []
    assert "unreadable history" in caplog.text and "WorkflowExecutionTeleported" in caplog.text
    assert worker.histories.take(run) is None  # a half-folded state is never kept
