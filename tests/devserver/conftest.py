"""A devserver per test (in-memory SQLite, virtual clock), and a boto3 client on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from swflow.devserver import DevServer

DOMAIN = "test"


def client_for(server: DevServer) -> Any:
    return boto3.client(
        "swf",
        endpoint_url=server.endpoint,
        region_name="us-east-1",
        config=Config(read_timeout=70, retries={"max_attempts": 0}),
    )


def register(swf: Any) -> None:
    swf.register_domain(name=DOMAIN, workflowExecutionRetentionPeriodInDays="1")
    swf.register_workflow_type(
        domain=DOMAIN,
        name="wf",
        version="1",
        defaultTaskList={"name": "decisions"},
        defaultExecutionStartToCloseTimeout="86400",
        defaultTaskStartToCloseTimeout="30",
        defaultChildPolicy="TERMINATE",
    )
    swf.register_activity_type(
        domain=DOMAIN,
        name="act",
        version="1",
        defaultTaskList={"name": "activities"},
        defaultTaskScheduleToStartTimeout="NONE",
        defaultTaskScheduleToCloseTimeout="NONE",
        defaultTaskStartToCloseTimeout="600",
        defaultTaskHeartbeatTimeout="NONE",
    )


@pytest.fixture
def server() -> Iterator[DevServer]:
    with DevServer(poll_timeout=0.5, time_skipping=True) as running:
        yield running


@pytest.fixture
def swf(server: DevServer) -> Any:
    client = client_for(server)
    register(client)
    return client


class Workflow:
    """Drives one run by hand: start it, take its tasks, answer them."""

    def __init__(self, swf: Any, workflow_id: str = "w1", **start: Any) -> None:
        self.swf = swf
        self.workflow_id = workflow_id
        self.run_id = swf.start_workflow_execution(
            domain=DOMAIN,
            workflowId=workflow_id,
            workflowType={"name": "wf", "version": "1"},
            **start,
        )["runId"]

    def decision_task(self) -> dict[str, Any]:
        task: dict[str, Any] = self.swf.poll_for_decision_task(
            domain=DOMAIN, taskList={"name": "decisions"}, identity="decider"
        )
        return task

    def decide(self, *decisions: dict[str, Any], task: dict[str, Any] | None = None) -> None:
        task = task or self.decision_task()
        assert task["taskToken"], "no decision task"
        self.swf.respond_decision_task_completed(
            taskToken=task["taskToken"], decisions=list(decisions)
        )

    def activity_task(self) -> dict[str, Any]:
        task: dict[str, Any] = self.swf.poll_for_activity_task(
            domain=DOMAIN, taskList={"name": "activities"}, identity="worker"
        )
        return task

    def history(self) -> list[dict[str, Any]]:
        pages = self.swf.get_paginator("get_workflow_execution_history").paginate(
            domain=DOMAIN, execution={"workflowId": self.workflow_id, "runId": self.run_id}
        )
        return [event for page in pages for event in page["events"]]

    def types(self) -> list[str]:
        return [event["eventType"] for event in self.history()]

    def describe(self) -> dict[str, Any]:
        described: dict[str, Any] = self.swf.describe_workflow_execution(
            domain=DOMAIN, execution={"workflowId": self.workflow_id, "runId": self.run_id}
        )
        return described


def decision(kind: str, **attributes: Any) -> dict[str, Any]:
    return {"decisionType": kind, kind[0].lower() + kind[1:] + "DecisionAttributes": attributes}


def schedule(activity_id: str, **extra: Any) -> dict[str, Any]:
    return decision(
        "ScheduleActivityTask",
        activityId=activity_id,
        activityType={"name": "act", "version": "1"},
        **extra,
    )
