"""The same scenarios on moto's SWF and on the devserver, event by event.

Compared: event types in order, and each event's attributes minus ids, timestamps
and identities. Where moto departs from SWF-REFERENCE.md, the reference wins and a
test names the divergence (the known ones are in shared/NOTES-moto.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from swflow.devserver import DevServer
from tests.devserver.conftest import DOMAIN, Workflow, client_for, decision, register, schedule

_IDS = {
    "scheduledEventId",
    "startedEventId",
    "decisionTaskCompletedEventId",
    "identity",
    "latestCancelRequestedEventId",
    "initiatedEventId",
    "runId",
    "newExecutionRunId",
    "taskPriority",
    "executionContext",
    "startToCloseTimeout",
}

Scenario = Callable[[Any], Workflow]


def _activity_completes(swf: Any) -> Workflow:
    run = Workflow(swf, input="in")
    run.decide(schedule("a1", input="x"))
    swf.respond_activity_task_completed(taskToken=run.activity_task()["taskToken"], result="r")
    run.decide(decision("CompleteWorkflowExecution", result="done"))
    return run


def _activity_fails(swf: Any) -> Workflow:
    run = Workflow(swf)
    run.decide(schedule("a1"))
    swf.respond_activity_task_failed(
        taskToken=run.activity_task()["taskToken"], reason="boom", details="stack"
    )
    run.decide(decision("FailWorkflowExecution", reason="gave up", details="d"))
    return run


def _markers_and_signals(swf: Any) -> Workflow:
    run = Workflow(swf)
    run.decide(decision("RecordMarker", markerName="m1", details="one"))
    swf.signal_workflow_execution(domain=DOMAIN, workflowId="w1", signalName="go", input="now")
    run.decide(decision("CompleteWorkflowExecution"))
    return run


def _terminated(swf: Any) -> Workflow:
    run = Workflow(swf)
    run.decide()
    swf.terminate_workflow_execution(domain=DOMAIN, workflowId="w1", reason="stop", details="ops")
    return run


def _cancel_requested(swf: Any) -> Workflow:
    run = Workflow(swf)
    run.decide()
    swf.request_cancel_workflow_execution(domain=DOMAIN, workflowId="w1")
    run.decide(decision("CancelWorkflowExecution", details="bye"))
    return run


def _timer_canceled(swf: Any) -> Workflow:
    run = Workflow(swf)
    run.decide(decision("StartTimer", timerId="t1", startToFireTimeout="3600"))
    swf.signal_workflow_execution(domain=DOMAIN, workflowId="w1", signalName="now")
    run.decide(decision("CancelTimer", timerId="t1"), decision("CompleteWorkflowExecution"))
    return run


SCENARIOS: dict[str, Scenario] = {
    "activity completes": _activity_completes,
    "activity fails": _activity_fails,
    "markers and signals": _markers_and_signals,
    "terminated": _terminated,
}
# Not run on moto, tested against the reference in test_lifecycle.py instead:
# - cancel requested: moto has no RequestCancelWorkflowExecution;
# - timers: moto runs them as non-daemon wall-clock threads, so an open timer keeps
#   the interpreter alive (and it names the cancel event TimerCancelled, not
#   SWF's TimerCanceled).
REFERENCE_ONLY = {"cancel requested": _cancel_requested, "timer canceled": _timer_canceled}


def _normalized(run: Workflow) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for event in run.history():
        kind = event["eventType"]
        attributes = next((v for k, v in event.items() if k.endswith("EventAttributes")), {})
        out.append((kind, {k: v for k, v in attributes.items() if k not in _IDS}))
    return out


@pytest.fixture
def moto_swf() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("swf", region_name="us-east-1")
        register(client)
        yield client


@pytest.fixture
def devserver_swf() -> Iterator[Any]:
    with DevServer(poll_timeout=0.2) as server:
        client = client_for(server)
        register(client)
        yield client


# Event types where moto departs from SWF-REFERENCE.md: (scenario, devserver, moto).
KNOWN_DIVERGENCES: set[tuple[str, str, str]] = set()


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario_matches_moto_where_moto_follows_swf(
    name: str, moto_swf: Any, devserver_swf: Any
) -> None:
    ours = _normalized(SCENARIOS[name](devserver_swf))
    theirs = _normalized(SCENARIOS[name](moto_swf))
    divergences = {(name, a[0], b[0]) for a, b in zip(ours, theirs, strict=False) if a[0] != b[0]}
    assert divergences <= KNOWN_DIVERGENCES, divergences
    assert [e[0] for e in ours] == [
        next((d[1] for d in KNOWN_DIVERGENCES if d[0] == name and d[2] == e[0]), e[0])
        for e in theirs
    ]
    for (kind, mine), (_, reference) in zip(ours, theirs, strict=True):
        shared = set(mine) & set(reference)
        assert {k: mine[k] for k in shared} == {k: reference[k] for k in shared}, kind


@pytest.mark.parametrize("name", sorted(REFERENCE_ONLY))
def test_reference_only_scenarios_follow_the_reference(name: str, devserver_swf: Any) -> None:
    types = Workflow.types(REFERENCE_ONLY[name](devserver_swf))
    expected = {
        "cancel requested": ["WorkflowExecutionCancelRequested", "WorkflowExecutionCanceled"],
        "timer canceled": ["TimerStarted", "TimerCanceled", "WorkflowExecutionCompleted"],
    }[name]
    assert [t for t in types if t in expected] == expected


def test_divergence_moto_omits_previous_started_event_id(moto_swf: Any, devserver_swf: Any) -> None:
    """SWF sends previousStartedEventId 0 on the first decision task; moto leaves it out."""
    assert "previousStartedEventId" not in Workflow(moto_swf).decision_task()
    assert Workflow(devserver_swf).decision_task()["previousStartedEventId"] == 0


def test_divergence_moto_enforces_no_limits(moto_swf: Any, devserver_swf: Any) -> None:
    """A 300-character failure reason: SWF (and the devserver) refuse it; moto takes it."""
    for swf, refused in ((moto_swf, False), (devserver_swf, True)):
        run = Workflow(swf)
        run.decide(schedule("a1"))
        token = run.activity_task()["taskToken"]
        try:
            swf.respond_activity_task_failed(taskToken=token, reason="r" * 300)
            outcome = False
        except swf.exceptions.ClientError:
            outcome = True
        assert outcome == refused
