"""WorkflowClient and WorkflowHandle against a devserver, with workers in threads."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from swflow import (
    ConfigurationError,
    DistributedActivityWorker,
    DistributedDecisionWorker,
    ResultTimeoutError,
    Signal,
    WorkflowAlreadyStartedError,
    WorkflowCanceledError,
    WorkflowClient,
    WorkflowNotFoundError,
    WorkflowTerminatedError,
    activity_task,
    continue_as_new,
    decision_task,
)
from swflow.devserver import DevServer
from tests.workers.conftest import DOMAIN, serving


@activity_task(swf_task_list="client-acts")
def greet(name: str) -> str:
    return f"hello {name}"


@decision_task(swf_task_list="client-deciders")
def waits_for_approval(name: str) -> str:
    approval = Signal.get("approve").result
    return f"{greet(name).result}, approved by {approval['by']}"


@decision_task(swf_task_list="client-deciders")
def counts_down(n: int, *, label: str = "done") -> str:
    if n > 0:
        continue_as_new(n - 1, label=label)
    return label


@pytest.fixture
def server() -> Iterator[DevServer]:
    """Real time: with time skipping, a run waiting for a signal would jump to its timeout."""
    with DevServer(poll_timeout=0.5) as running:
        yield running


@pytest.fixture
def workers(swf: Any) -> Any:
    deciders = DistributedDecisionWorker(waits_for_approval, counts_down, domain=DOMAIN, client=swf)
    activities = DistributedActivityWorker(greet, domain=DOMAIN, client=swf)
    with serving(deciders, activities):
        yield


def test_start_signal_result_describe_and_lists(client: WorkflowClient, workers: Any) -> None:
    handle = client.start(waits_for_approval, "ada", workflow_id="approval-1", tag_list=["t1"])
    with pytest.raises(ResultTimeoutError):
        handle.result(timeout=0.3)
    info = handle.describe()
    assert (info.status, info.workflow_type, info.tags) == ("OPEN", "waits_for_approval", ("t1",))
    assert [run.workflow_id for run in client.list_open()] == ["approval-1"]
    handle.signal("approve", {"by": "grace"})
    assert handle.result(timeout=30) == "hello ada, approved by grace"
    closed = client.list_closed(workflow_id="approval-1")
    assert [(run.run_id, run.close_status) for run in closed] == [(handle.run_id, "COMPLETED")]
    signaled = [e for e in handle.history() if e.event_type == "WorkflowExecutionSignaled"]
    assert signaled[0].value("input") == {"by": "grace"}
    assert client.handle("approval-1").run_id == handle.run_id


def test_result_follows_continue_as_new_and_keyword_arguments(
    client: WorkflowClient, workers: Any
) -> None:
    handle = client.start(counts_down, 3, kwargs={"label": "liftoff"})
    first_run = handle.run_id
    assert handle.result(timeout=30) == "liftoff"
    assert handle.run_id != first_run  # now the last run
    assert len(client.list_closed(workflow_id=handle.workflow_id)) == 4


def test_cancel_and_terminate_raise_from_result(client: WorkflowClient, workers: Any) -> None:
    canceled = client.start(waits_for_approval, "a")
    canceled.cancel()
    with pytest.raises(WorkflowCanceledError):
        canceled.result(timeout=30)
    terminated = client.start(waits_for_approval, "b")
    terminated.terminate(reason="operator said so")
    with pytest.raises(WorkflowTerminatedError) as stopped:
        terminated.result(timeout=30)
    assert stopped.value.reason == "operator said so"


def test_unknown_domains_and_ids_and_duplicate_ids_have_named_errors(
    client: WorkflowClient, swf: Any
) -> None:
    with pytest.raises(ConfigurationError, match="unknown SWF domain 'workers'"):
        client.list_open()
    swf.register_domain(name=DOMAIN, workflowExecutionRetentionPeriodInDays="1")
    with pytest.raises(WorkflowNotFoundError):
        client.handle("nobody")
    with pytest.raises(WorkflowNotFoundError):
        client.handle("nobody", "no-run").describe()
    client.start(waits_for_approval, "x", workflow_id="only-once")
    with pytest.raises(WorkflowAlreadyStartedError):
        client.start(waits_for_approval, "x", workflow_id="only-once")
