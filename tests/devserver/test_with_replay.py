"""swflow's replay engine driving workflows through the devserver, over real HTTP.

A minimal loop stands in for the workers (issue 5): poll, decide or run, respond.
"""

from __future__ import annotations

import time
from typing import Any

from swflow import Timer, activity_task, continue_as_new, decision_task
from swflow.calls import decode_call
from swflow.devserver import DevServer
from swflow.payloads import default_codec
from swflow.replay import decide
from tests.devserver.conftest import DOMAIN

ACTIVITIES = "acts"
DECISIONS = "deciders"


@activity_task(swf_task_type="TestActivityA", swf_task_list=ACTIVITIES)
def activity_task_a(b: int) -> int:
    return b + b


@decision_task(swf_workflow_type="TestWorkflow", swf_task_list=DECISIONS)
def decider_a() -> int:
    a1 = activity_task_a(5)
    a2 = activity_task_a(10)
    return int(a1.result + a2.result)


@decision_task(swf_workflow_type="Hourly", swf_task_list=DECISIONS)
def hourly(ticks: int) -> int:
    Timer.get(seconds=3600).result
    activity_task_a(ticks).result
    if ticks < 3:
        continue_as_new(ticks + 1)
    return ticks


@decision_task(swf_workflow_type="Parent", swf_task_list=DECISIONS)
def parent() -> int:
    return int(decider_a().result) + 1


FLAKY = {"calls": 0}


@activity_task(swf_task_type="Flaky", swf_task_list=ACTIVITIES, max_attempts=3, backoff=600)
def flaky() -> str:
    FLAKY["calls"] += 1
    if FLAKY["calls"] < 3:
        raise RuntimeError(f"attempt {FLAKY['calls']} fails")
    return "third time lucky"


@decision_task(swf_workflow_type="Retrying", swf_task_list=DECISIONS)
def retrying() -> str:
    return str(flaky().result)


WORKFLOWS = {w.definition.name: w for w in (decider_a, hourly, parent, retrying)}
ACTIVITY_FUNCTIONS = {a.definition.name: a.definition for a in (activity_task_a, flaky)}


def _register(swf: Any) -> None:
    swf.register_domain(name=DOMAIN, workflowExecutionRetentionPeriodInDays="1")
    for name in WORKFLOWS:
        swf.register_workflow_type(
            domain=DOMAIN, name=name, version="1.0", defaultChildPolicy="TERMINATE"
        )
    for name in ACTIVITY_FUNCTIONS:
        swf.register_activity_type(domain=DOMAIN, name=name, version="1.0")


def _start(swf: Any, workflow: Any, *args: Any) -> str:
    definition = workflow.definition
    options = definition.options
    payload = definition.input.serializer.pack_arguments(args, {})
    swf.start_workflow_execution(
        domain=DOMAIN,
        workflowId=f"{definition.name}-1",
        workflowType=definition.kind,
        taskList={"name": DECISIONS},
        executionStartToCloseTimeout=str(options.execution_start_to_close_timeout),
        taskStartToCloseTimeout=str(options.task_start_to_close_timeout),
        childPolicy=options.child_policy,
        input=default_codec().encode(
            payload, definition.input.serializer, definition.input.store, field="input"
        ),
    )
    return f"{definition.name}-1"


def _step(swf: Any) -> bool:
    """One decision task and one activity task, if any; True when something happened."""
    worked = False
    task = swf.poll_for_decision_task(domain=DOMAIN, taskList={"name": DECISIONS})
    if task["taskToken"]:
        events = (
            [
                e
                for page in swf.get_paginator("poll_for_decision_task").paginate(
                    domain=DOMAIN, taskList={"name": DECISIONS}
                )
                for e in page["events"]
            ]
            if task.get("nextPageToken")
            else task["events"]
        )
        result = decide(
            events,
            WORKFLOWS[task["workflowType"]["name"]],
            workflow_id=task["workflowExecution"]["workflowId"],
            run_id=task["workflowExecution"]["runId"],
        )
        swf.respond_decision_task_completed(taskToken=task["taskToken"], decisions=result.to_swf())
        worked = True
    job = swf.poll_for_activity_task(domain=DOMAIN, taskList={"name": ACTIVITIES})
    if job["taskToken"]:
        definition = ACTIVITY_FUNCTIONS[job["activityType"]["name"]]
        args, kwargs = decode_call(job.get("input"), default_codec())
        try:
            value = definition.function(*args, **kwargs)
        except Exception as exc:
            swf.respond_activity_task_failed(
                taskToken=job["taskToken"], reason=type(exc).__name__, details=str(exc)
            )
        else:
            swf.respond_activity_task_completed(
                taskToken=job["taskToken"],
                result=default_codec().encode(
                    value, definition.result.serializer, definition.result.store, field="result"
                ),
            )
        worked = True
    return worked


def _run_until_closed(swf: Any, workflow_id: str, limit: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        _step(swf)
        closed = swf.list_closed_workflow_executions(
            domain=DOMAIN,
            startTimeFilter={"oldestDate": 0},
            executionFilter={"workflowId": workflow_id},
        )["executionInfos"]
        final = [c for c in closed if c["closeStatus"] != "CONTINUED_AS_NEW"]
        if final:
            return dict(final[0])
    raise AssertionError(f"{workflow_id} did not close")


def _result(swf: Any, info: dict[str, Any]) -> Any:
    events = swf.get_workflow_execution_history(
        domain=DOMAIN, execution=info["execution"], reverseOrder=True
    )["events"]
    completed = events[0]["workflowExecutionCompletedEventAttributes"]
    return default_codec().decode(completed["result"])


def _swf(server: DevServer) -> Any:
    from tests.devserver.conftest import client_for

    swf = client_for(server)
    _register(swf)
    return swf


def test_the_seed_workflow_runs_on_the_devserver() -> None:
    with DevServer(poll_timeout=0.2, time_skipping=True) as server:
        swf = _swf(server)
        info = _run_until_closed(swf, _start(swf, decider_a))
        assert info["closeStatus"] == "COMPLETED" and _result(swf, info) == 30


def test_hourly_ticks_with_continue_as_new_run_on_the_virtual_clock() -> None:
    with DevServer(poll_timeout=0.2, time_skipping=True) as server:
        swf = _swf(server)
        info = _run_until_closed(swf, _start(swf, hourly, 1))
        assert _result(swf, info) == 3
        runs = swf.list_closed_workflow_executions(
            domain=DOMAIN, startTimeFilter={"oldestDate": 0}
        )["executionInfos"]
        assert sorted(r["closeStatus"] for r in runs) == [
            "COMPLETED",
            "CONTINUED_AS_NEW",
            "CONTINUED_AS_NEW",
        ]
        first = min(r["startTimestamp"] for r in runs)
        last = max(r["closeTimestamp"] for r in runs)
        assert (last - first).total_seconds() >= 3 * 3600  # three virtual hours went by
        assert server.clock.offset > 2 * 3600  # skipped, not waited for


def test_a_child_workflow_and_retries_with_backoff() -> None:
    with DevServer(poll_timeout=0.2, time_skipping=True) as server:
        swf = _swf(server)
        assert _result(swf, _run_until_closed(swf, _start(swf, parent))) == 31
        FLAKY["calls"] = 0
        info = _run_until_closed(swf, _start(swf, retrying))
        assert _result(swf, info) == "third time lucky" and FLAKY["calls"] == 3
        assert server.clock.offset > 1200  # two durable backoffs (600 s, 1,200 s), skipped


def test_a_cancel_request_cancels_the_workflow() -> None:
    with DevServer(poll_timeout=0.2, time_skipping=False) as server:
        swf = _swf(server)
        workflow_id = _start(swf, hourly, 1)
        _step(swf)  # the decider starts its hour
        swf.request_cancel_workflow_execution(domain=DOMAIN, workflowId=workflow_id)
        info = None
        for _ in range(10):
            _step(swf)
            closed = swf.list_closed_workflow_executions(
                domain=DOMAIN, startTimeFilter={"oldestDate": 0}
            )["executionInfos"]
            if closed:
                info = closed[0]
                break
        assert info is not None and info["closeStatus"] == "CANCELED"
