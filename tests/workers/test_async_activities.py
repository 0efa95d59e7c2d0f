"""``async def`` activities: awaited on the worker's own event loop, several at once,
with heartbeats and cancellation as for plain ones."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from swflow import (
    DistributedActivityWorker,
    DistributedDecisionWorker,
    WorkflowClient,
    activity_task,
    current_activity,
    decision_task,
    heartbeat,
)
from tests.workers.conftest import DOMAIN, serving, wait_until

STARTED: list[str] = []


@activity_task(swf_task_list="async-acts")
async def meets(name: str) -> str:
    STARTED.append(name)
    deadline = time.monotonic() + 20
    while len(STARTED) < 3:  # only passes when all three run at once on the loop
        assert time.monotonic() < deadline, "the async activities did not run together"
        await asyncio.sleep(0.01)
    info = current_activity()
    assert info is not None  # the running task is known inside the coroutine
    return f"{name} in {info.activity_id}"


@decision_task(swf_task_list="async-deciders")
def gathers() -> list[str]:
    promises = [meets(name) for name in ("a", "b", "c")]
    return [p.result for p in promises]


def test_async_activities_run_concurrently_on_the_workers_loop(
    swf: Any, client: WorkflowClient
) -> None:
    STARTED.clear()
    activities = DistributedActivityWorker(meets, domain=DOMAIN, client=swf, concurrency=3)
    with serving(activities, DistributedDecisionWorker(gathers, domain=DOMAIN, client=swf)):
        assert client.start(gathers).result(timeout=60) == ["a in a1", "b in a2", "c in a3"]
        loop = activities.event_loop.loop
    assert sorted(STARTED) == ["a", "b", "c"]
    assert not loop.is_running()  # the worker stopped its loop with itself


@activity_task(swf_task_list="async-acts", heartbeat_timeout=30)
async def beats_until_canceled() -> None:
    for step in range(10_000):
        heartbeat({"step": step})  # raises ActivityCanceledError once asked to stop
        await asyncio.sleep(0.05)


@activity_task(swf_task_list="async-acts", heartbeat_timeout=3)
async def sleeps_without_beating() -> None:
    await asyncio.sleep(3600)  # the worker's own heartbeats learn of the cancel request


def test_cancellation_reaches_an_async_activity_with_or_without_heartbeats(
    swf: Any, client: WorkflowClient
) -> None:
    activities = DistributedActivityWorker(
        beats_until_canceled, sleeps_without_beating, domain=DOMAIN, client=swf
    )
    with serving(activities):
        swf.register_workflow_type(domain=DOMAIN, name="manual-async", version="1")
        for which in ("beats", "sleeps"):
            run = swf.start_workflow_execution(
                domain=DOMAIN,
                workflowId=f"manual-{which}",
                workflowType={"name": "manual-async", "version": "1"},
                taskList={"name": f"manual-{which}"},  # its own: run 1's tasks go on
                executionStartToCloseTimeout="600",
                taskStartToCloseTimeout="60",
                childPolicy="TERMINATE",
            )
            kind = "beats_until_canceled" if which == "beats" else "sleeps_without_beating"
            _decide(swf, f"manual-{which}", _schedule(kind))
            handle = client.handle(f"manual-{which}", run["runId"])
            wait_until(lambda h=handle: _kinds(h, "ActivityTaskStarted"))
            swf.signal_workflow_execution(
                domain=DOMAIN, workflowId=f"manual-{which}", signalName="stop"
            )
            _decide(
                swf,
                f"manual-{which}",
                {
                    "decisionType": "RequestCancelActivityTask",
                    "requestCancelActivityTaskDecisionAttributes": {"activityId": "x"},
                },
            )
            wait_until(lambda h=handle: _kinds(h, "ActivityTaskCanceled"))


def _kinds(handle: Any, kind: str) -> list[Any]:
    return [e for e in handle.history() if e.event_type == kind]


def _schedule(kind: str) -> dict[str, Any]:
    return {
        "decisionType": "ScheduleActivityTask",
        "scheduleActivityTaskDecisionAttributes": {
            "activityId": "x",
            "activityType": {"name": kind, "version": "1.0"},
            "taskList": {"name": "async-acts"},
        },
    }


def _decide(swf: Any, task_list: str, *decisions: dict[str, Any]) -> None:
    task = swf.poll_for_decision_task(domain=DOMAIN, taskList={"name": task_list})
    assert task["taskToken"]
    swf.respond_decision_task_completed(taskToken=task["taskToken"], decisions=list(decisions))


@activity_task(swf_task_list="async-acts")
async def one() -> int:
    return 1


def test_outside_a_worker_an_async_activity_is_a_plain_coroutine() -> None:
    assert asyncio.run(one()) == 1
