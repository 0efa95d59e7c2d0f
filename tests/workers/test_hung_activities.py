"""An activity whose code outlives SWF's interest in it is reported and counted, and the
worker keeps serving with its other slots."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from swflow import DistributedActivityWorker, activity_task
from swflow.devserver import DevServer
from tests.workers.conftest import DOMAIN, serving, wait_until

STUCK = threading.Event()


@activity_task(swf_task_list="hung-acts", heartbeat_timeout=3, start_to_close_timeout=600)
def stuck_but_beating() -> str:
    STUCK.wait(60)  # the worker's own heartbeats go on meanwhile
    return "late"


@activity_task(swf_task_list="hung-acts", start_to_close_timeout=1)
def stuck_and_silent() -> str:
    STUCK.wait(60)
    return "late"


@activity_task(swf_task_list="hung-acts")
def quick() -> str:
    return "quick"


def _run(swf: Any, workflow_id: str, kind: str) -> Any:
    swf.start_workflow_execution(
        domain=DOMAIN,
        workflowId=workflow_id,
        workflowType={"name": "manual-hung", "version": "1"},
        taskList={"name": workflow_id},
        executionStartToCloseTimeout="3600",
        taskStartToCloseTimeout="600",
        childPolicy="TERMINATE",
    )
    task = swf.poll_for_decision_task(domain=DOMAIN, taskList={"name": workflow_id})
    swf.respond_decision_task_completed(
        taskToken=task["taskToken"],
        decisions=[
            {
                "decisionType": "ScheduleActivityTask",
                "scheduleActivityTaskDecisionAttributes": {
                    "activityId": "x",
                    "activityType": {"name": kind, "version": "1.0"},
                    "taskList": {"name": "hung-acts"},
                },
            }
        ],
    )


def test_hung_activities_are_reported_and_the_other_slots_keep_serving(
    server: DevServer, swf: Any, caplog: pytest.LogCaptureFixture
) -> None:
    STUCK.clear()
    worker = DistributedActivityWorker(
        stuck_but_beating, stuck_and_silent, quick, domain=DOMAIN, client=swf, concurrency=3
    )
    with caplog.at_level(logging.WARNING, "swflow.worker"), serving(worker):
        swf.register_workflow_type(domain=DOMAIN, name="manual-hung", version="1")
        try:
            _run(swf, "beating", "stuck_but_beating")
            _run(swf, "silent", "stuck_and_silent")
            wait_until(lambda: len(worker.running._tasks) == 2)  # both codes running
            # SWF times the beating one out (virtual clock); its next heartbeat is refused.
            server.clock.advance(700)
            wait_until(lambda: worker.hung_tasks == 2)  # and the silent one passed its 1 s
            wait_until(lambda: caplog.text.count("HUNG ACTIVITY") == 2)  # logged just after
            assert "STUCK.wait(60)" in caplog.text
            assert "2 of 3 polling slots are held by hung activities" in caplog.text
            _run(swf, "meanwhile", "quick")  # the third slot still serves
            wait_until(lambda: "ActivityTaskCompleted" in _kinds(swf, "meanwhile"))
        finally:
            STUCK.set()
        wait_until(lambda: worker.hung_tasks == 0)
    assert worker.running.hung_total == 2
    assert "the hung activity returned at last" in caplog.text


def _kinds(swf: Any, workflow_id: str) -> list[str]:
    runs = swf.list_open_workflow_executions(
        domain=DOMAIN,
        startTimeFilter={"oldestDate": 0},
        executionFilter={"workflowId": workflow_id},
    )["executionInfos"]
    events = swf.get_workflow_execution_history(domain=DOMAIN, execution=runs[0]["execution"])
    return [e["eventType"] for e in events["events"]]
