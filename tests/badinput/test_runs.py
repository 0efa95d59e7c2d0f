"""Hostile input reaching running workers over real HTTP (devserver, workers in
threads): each ends in a failed task or a failed run whose reason names the error,
and the same workers then serve a good run, so none of them died or hung."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from swflow import (
    DistributedActivityWorker,
    DistributedDecisionWorker,
    Signal,
    WorkflowClient,
    WorkflowFailedError,
    activity_task,
    decision_task,
)
from tests.workers.conftest import DOMAIN, serving

CORRUPT = "swflow/1 msgpack base64 3 -\n@@@@"  # an envelope whose body is not base64


@activity_task(swf_task_list="bad-acts")
def echo(text: str) -> str:
    return text


@activity_task(swf_task_list="bad-acts")
def huge(size: int) -> str:
    return "x" * size


@activity_task(swf_task_list="bad-manual")  # nobody serves it: the test answers by hand
def by_hand() -> str:
    raise AssertionError("answered by the test")


@decision_task(swf_workflow_type="BadGreet", swf_task_list="bad-deciders")
def greet(name: str) -> str:
    return str(echo(f"hello {name}").result)


@decision_task(swf_workflow_type="BadSignal", swf_task_list="bad-deciders")
def wait_signal() -> Any:
    return Signal.get("go").result


@decision_task(swf_workflow_type="BadHuge", swf_task_list="bad-deciders")
def oversized() -> str:
    return str(huge(100_000).result)


@decision_task(swf_workflow_type="BadByHand", swf_task_list="bad-deciders")
def read_by_hand() -> str:
    return str(by_hand().result)


@pytest.fixture
def workers(swf: Any) -> Iterator[None]:
    deciders = DistributedDecisionWorker(
        greet, wait_signal, oversized, read_by_hand, domain=DOMAIN, client=swf
    )
    with serving(deciders, DistributedActivityWorker(echo, huge, domain=DOMAIN, client=swf)):
        yield


def _start_raw(swf: Any, client: WorkflowClient, kind: str, text: str) -> Any:
    """Start a run the way the AWS console does: input typed by hand, no envelope."""
    client.registrar.domain(DOMAIN)
    workflow_id = f"{kind}-{uuid.uuid4().hex[:8]}"
    run = swf.start_workflow_execution(
        domain=DOMAIN,
        workflowId=workflow_id,
        workflowType={"name": kind, "version": "1.0"},
        taskList={"name": "bad-deciders"},
        input=text,
        executionStartToCloseTimeout="600",
        taskStartToCloseTimeout="30",
        childPolicy="TERMINATE",
    )
    return client.handle(workflow_id, run["runId"])


def _failure(handle: Any) -> str:
    with pytest.raises(WorkflowFailedError) as raised:
        handle.result(timeout=30)
    return str(raised.value.reason)


def _still_serving(client: WorkflowClient) -> None:
    assert client.start(greet, "again").result(timeout=30) == "hello again"


@pytest.mark.usefixtures("workers")
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("hello world", "DeserializationError"),  # not JSON at all
        ('{"kwargs": {"name": "x", "extra": 1}}', "TypeError"),  # an argument it lacks
        ('{"args": "x"}', "must be a list"),
        ("[1, 2, 3]", "TypeError"),  # three positional arguments for one
        (CORRUPT, "PayloadCorruptError"),
        ("swflow/7 json inline 2 -\n{}", "UnsupportedEnvelopeError"),
    ],
    ids=[
        "not JSON",
        "unknown keyword",
        "args not a list",
        "wrong arity",
        "corrupt envelope",
        "newer envelope",
    ],
)
def test_hand_typed_workflow_input_fails_the_run_with_its_reason(
    swf: Any, client: WorkflowClient, text: str, words: str
) -> None:
    assert words in _failure(_start_raw(swf, client, "BadGreet", text))
    _still_serving(client)


@pytest.mark.usefixtures("workers")
def test_hand_typed_json_input_without_an_envelope_is_read(
    swf: Any, client: WorkflowClient
) -> None:
    by_keyword = _start_raw(swf, client, "BadGreet", '{"kwargs": {"name": "console"}}')
    assert by_keyword.result(timeout=30) == "hello console"
    one_argument = _start_raw(swf, client, "BadGreet", '"typed"')  # a bare value: the argument
    assert one_argument.result(timeout=30) == "hello typed"


@pytest.mark.usefixtures("workers")
def test_a_signal_with_undecodable_input_fails_the_run_by_name(
    swf: Any, client: WorkflowClient
) -> None:
    handle = client.start(wait_signal)
    swf.signal_workflow_execution(
        domain=DOMAIN, workflowId=handle.workflow_id, signalName="go", input=CORRUPT
    )
    assert "PayloadCorruptError" in _failure(handle)
    _still_serving(client)


@pytest.mark.usefixtures("workers")
def test_an_oversized_result_fails_the_activity_not_the_worker(client: WorkflowClient) -> None:
    handle = client.start(oversized)
    assert "ActivityTaskError" in _failure(handle)
    failed = [e for e in handle.history() if e.event_type == "ActivityTaskFailed"]
    assert "PayloadTooLargeError" in failed[0].attributes["reason"]
    _still_serving(client)


@pytest.mark.usefixtures("workers")
def test_an_activity_result_written_by_hand_that_is_corrupt_fails_the_run(
    swf: Any, client: WorkflowClient
) -> None:
    handle = client.start(read_by_hand)
    task = _poll_activity(swf, "bad-manual")
    swf.respond_activity_task_completed(taskToken=task["taskToken"], result=CORRUPT)
    assert "PayloadCorruptError" in _failure(handle)
    _still_serving(client)


@pytest.mark.usefixtures("workers")
def test_an_activity_task_with_corrupt_input_fails_that_task(
    swf: Any, client: WorkflowClient
) -> None:
    client.registrar.domain(DOMAIN)
    workflow_id = f"hand-{uuid.uuid4().hex[:8]}"
    swf.register_workflow_type(
        domain=DOMAIN,
        name="HandDecided",
        version="1",
        defaultTaskStartToCloseTimeout="30",
        defaultExecutionStartToCloseTimeout="600",
        defaultTaskList={"name": "bad-hand"},
        defaultChildPolicy="TERMINATE",
    )
    swf.start_workflow_execution(
        domain=DOMAIN, workflowId=workflow_id, workflowType={"name": "HandDecided", "version": "1"}
    )
    decision = _poll(swf.poll_for_decision_task, domain=DOMAIN, taskList={"name": "bad-hand"})
    swf.respond_decision_task_completed(
        taskToken=decision["taskToken"],
        decisions=[
            {
                "decisionType": "ScheduleActivityTask",
                "scheduleActivityTaskDecisionAttributes": {
                    "activityId": "a1",
                    "activityType": {"name": "echo", "version": "1.0"},
                    "taskList": {"name": "bad-acts"},
                    "input": CORRUPT,
                    "scheduleToCloseTimeout": "60",
                    "scheduleToStartTimeout": "60",
                    "startToCloseTimeout": "60",
                    "heartbeatTimeout": "NONE",
                },
            }
        ],
    )
    handle = client.handle(workflow_id)
    deadline = time.monotonic() + 30
    while not (failed := [e for e in handle.history() if e.event_type == "ActivityTaskFailed"]):
        assert time.monotonic() < deadline, "the activity task was never failed"
        time.sleep(0.05)
    assert "PayloadCorruptError" in failed[0].attributes["reason"]
    _still_serving(client)


def _poll(call: Any, **params: Any) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        task = call(**params)
        if task.get("taskToken"):
            return dict(task)
        assert time.monotonic() < deadline, "no task came"


def _poll_activity(swf: Any, task_list: str) -> dict[str, Any]:
    return _poll(swf.poll_for_activity_task, domain=DOMAIN, taskList={"name": task_list})
