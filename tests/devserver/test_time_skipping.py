"""Time skipping jumps to timers of open runs, never to a timeout (docs/devserver.md).

Each case failed when the clock jumped to the head of the deadline heap: a closed
run's one-year execution timeout, or the timeout of a run whose worker had not
polled yet, or of a run waiting for a signal.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest

from swflow.devserver import DevServer
from swflow.devserver.engine import FRESH_TASK_GRACE

from .conftest import DOMAIN, Workflow, client_for, decision, register

YEAR = str(365 * 24 * 3600)


@pytest.fixture
def server() -> Iterator[DevServer]:
    with DevServer(poll_timeout=0.2, time_skipping=True) as running:
        yield running


def _idle_polls(swf: Any, task_list: str, seconds: float) -> None:
    """Poll an empty list for a while: pollers wait, nothing runs, time may skip."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        task = swf.poll_for_activity_task(domain=DOMAIN, taskList={"name": task_list})
        assert not task.get("taskToken"), "nothing was scheduled on this list"


def _started(run: Workflow) -> float:
    return float(run.describe()["executionInfo"]["startTimestamp"].timestamp())


def test_ten_runs_in_a_row_start_minutes_apart_not_a_year(swf: Any) -> None:
    starts = []
    for number in range(10):
        run = Workflow(swf, f"w{number}", executionStartToCloseTimeout=YEAR)
        run.decide(decision("CompleteWorkflowExecution"))
        starts.append(_started(run))
        assert not swf.poll_for_decision_task(domain=DOMAIN, taskList={"name": "decisions"}).get(
            "taskToken"
        )  # an idle poller between runs, as a real decider is
    assert max(starts) - min(starts) < 600


def test_a_run_started_before_its_decider_polls_waits_for_it(server: DevServer, swf: Any) -> None:
    run = Workflow(swf, executionStartToCloseTimeout="3600")
    _idle_polls(swf, "elsewhere", FRESH_TASK_GRACE + 1.0)  # a worker of another list
    assert run.describe()["executionInfo"]["executionStatus"] == "OPEN"
    assert server.clock.offset < 60
    run.decide(decision("CompleteWorkflowExecution"))  # the decider comes up
    assert run.describe()["executionInfo"]["closeStatus"] == "COMPLETED"


def test_a_run_waiting_for_a_signal_is_not_jumped_to_its_timeout(
    server: DevServer, swf: Any
) -> None:
    waiting = Workflow(swf, "waiting", executionStartToCloseTimeout="7200")
    waiting.decide()  # nothing to do until a signal comes
    _idle_polls(swf, "activities", FRESH_TASK_GRACE + 1.0)
    assert server.clock.offset < 60
    # Another run's timer is a place to jump to; the waiting run lives through it.
    timed = Workflow(swf, "timed")
    timed.decide(decision("StartTimer", timerId="hour", startToFireTimeout="3600"))
    fired = timed.decision_task()
    assert "TimerFired" in [event["eventType"] for event in fired["events"]]
    assert 3500 <= server.clock.offset < 7200
    assert waiting.describe()["executionInfo"]["executionStatus"] == "OPEN"
    swf.signal_workflow_execution(domain=DOMAIN, workflowId="waiting", signalName="go")
    task = swf.poll_for_decision_task(domain=DOMAIN, taskList={"name": "decisions"})
    assert task["workflowExecution"]["workflowId"] == "waiting"
    assert "WorkflowExecutionSignaled" in [event["eventType"] for event in task["events"]]


def test_on_demand_skipping_waits_for_a_caller() -> None:
    with DevServer(poll_timeout=0.2, time_skipping=True) as server:
        server.clock.on_demand = True
        swf = client_for(server)
        register(swf)
        run = Workflow(swf)
        run.decide(decision("StartTimer", timerId="hour", startToFireTimeout="3600"))
        _idle_polls(swf, "activities", 0.5)
        assert server.clock.offset == 0  # nobody waits for a result: real time
        with server.clock.waiting():
            task = run.decision_task()
        assert "TimerFired" in [event["eventType"] for event in task["events"]]
        assert server.clock.offset >= 3500
