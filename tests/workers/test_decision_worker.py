"""DistributedDecisionWorker: unknown types, nondeterminism, long histories; configuration."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from swflow import (
    ConfigurationError,
    DistributedActivityWorker,
    DistributedDecisionWorker,
    Signal,
    WorkflowClient,
    WorkflowFailedError,
    activity_task,
    cached,
    decision_task,
)
from swflow.devserver import DevServer
from swflow.swf.connection import resolve_domain, swf_client
from tests.workers.conftest import DOMAIN, serving


@activity_task(swf_task_list="dw-acts")
def greet(name: str) -> str:
    return f"hello {name}"


@activity_task(swf_task_list="dw-acts")
def shout(name: str) -> str:
    return name.upper()


@decision_task(swf_workflow_type="Greeting", swf_task_list="dw", task_start_to_close_timeout=1)
def greeting(name: str) -> str:
    hello = greet(name)
    Signal.get("go").result
    return str(hello.result)


@decision_task(swf_workflow_type="Greeting", swf_task_list="dw", task_start_to_close_timeout=1)
def greeting_changed(name: str) -> str:  # a deploy that reordered the calls
    loud = shout(name)
    Signal.get("go").result
    return str(loud.result)


@pytest.fixture
def server() -> Iterator[DevServer]:
    """Real time: runs here wait for signals, which time skipping would jump over."""
    with DevServer(poll_timeout=0.5) as running:
        yield running


def _events(handle: Any, kind: str) -> list[Any]:
    return [e for e in handle.history() if e.event_type == kind]


def _wait(condition: Any, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_nondeterminism_leaves_the_task_to_time_out_until_the_code_is_fixed(
    swf: Any, client: WorkflowClient, caplog: pytest.LogCaptureFixture
) -> None:
    activities = DistributedActivityWorker(greet, shout, domain=DOMAIN, client=swf)
    original = DistributedDecisionWorker(greeting, domain=DOMAIN, client=swf)
    with serving(activities):
        with serving(original):
            handle = client.start(greeting, "ada")
            _wait(lambda: _events(handle, "ActivityTaskCompleted"))
            _wait(lambda: len(_events(handle, "DecisionTaskCompleted")) == 2)
        changed = DistributedDecisionWorker(greeting_changed, domain=DOMAIN, client=swf)
        with caplog.at_level(logging.ERROR, "swflow.worker"), serving(changed):
            handle.signal("go")
            _wait(lambda: _events(handle, "DecisionTaskTimedOut"))
        assert "NON-DETERMINISTIC WORKFLOW" in caplog.text
        assert handle.describe().status == "OPEN"  # nothing was decided, nothing corrupted
        with serving(DistributedDecisionWorker(greeting, domain=DOMAIN, client=swf)):
            assert handle.result(timeout=30) == "hello ada"


@decision_task(swf_workflow_type="Stranger", swf_task_list="dw")
def stranger() -> None:
    raise AssertionError("no worker serves this type")


def test_an_unknown_workflow_type_fails_that_run_and_the_worker_keeps_serving(
    swf: Any, client: WorkflowClient
) -> None:
    activities = DistributedActivityWorker(greet, domain=DOMAIN, client=swf)
    deciders = DistributedDecisionWorker(greeting, domain=DOMAIN, client=swf)
    with serving(activities, deciders):
        with pytest.raises(WorkflowFailedError) as failed:
            client.start(stranger).result(timeout=30)
        known = client.start(greeting, "bob")
        known.signal("go")
        assert known.result(timeout=30) == "hello bob"
    assert failed.value.reason is not None
    assert failed.value.reason.startswith(
        "UnknownWorkflowTypeError: no decider for workflow type Stranger 1.0 in this worker "
        "(it serves: Greeting 1.0)"
    )


CALLS: list[int] = []


@cached
def numbered(i: int) -> int:
    CALLS.append(i)
    return i


@decision_task(swf_task_list="dw-long")
def many_markers(n: int) -> int:
    return sum(numbered(i) for i in range(n))


@pytest.mark.parametrize("sticky_deciders", [600, 0], ids=["sticky", "replaying"])
def test_decisions_beyond_100_follow_and_long_histories_are_paged(
    swf: Any, client: WorkflowClient, sticky_deciders: int
) -> None:
    CALLS.clear()
    worker = DistributedDecisionWorker(
        many_markers, domain=DOMAIN, client=swf, sticky_deciders=sticky_deciders
    )
    with serving(worker):
        handle = client.start(many_markers, 1100)
        assert handle.result(timeout=60) == sum(range(1100))
    history = handle.history()
    assert len(history) > 1000  # so later decision tasks came in several pages
    assert len([e for e in history if e.event_type == "MarkerRecorded"]) == 1100
    completed = [e for e in history if e.event_type == "DecisionTaskCompleted"]
    assert len(completed) >= 12  # at most 100 decisions each
    assert sorted(CALLS) == list(range(1100))  # each cached call ran once, ever


def test_registration_is_idempotent_and_carries_the_decorators_defaults(swf: Any) -> None:
    for _ in range(2):
        worker = DistributedActivityWorker(greet, domain=DOMAIN, client=swf)
        with serving(worker):
            pass
    described = swf.describe_activity_type(
        domain=DOMAIN, activityType={"name": "greet", "version": "1.0"}
    )["configuration"]
    assert described["defaultTaskList"] == {"name": "dw-acts"}
    assert described["defaultTaskStartToCloseTimeout"] == "300"
    assert described["defaultTaskHeartbeatTimeout"] == "NONE"


def test_domain_comes_from_worker_decorator_or_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SWF_DOMAIN", "from-env")
    assert resolve_domain(None, None, "x") == "from-env"
    assert resolve_domain(None, "decorator", "x") == "decorator"
    assert resolve_domain("worker", "decorator", "x") == "worker"
    monkeypatch.delenv("SWF_DOMAIN")
    with pytest.raises(ConfigurationError, match="SWF_DOMAIN"):
        resolve_domain(None, None, "greet")


def test_an_endpoint_override_needs_no_region(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(ConfigurationError, match="region"):
        swf_client()
    monkeypatch.setenv("AWS_ENDPOINT_URL_SWF", "http://127.0.0.1:1")
    client = swf_client()
    assert client.meta.region_name == "us-east-1"
    assert client.meta.endpoint_url == "http://127.0.0.1:1"


def test_polls_skip_botocore_parsing_only_for_the_worker(swf: Any, client: WorkflowClient) -> None:
    worker = DistributedDecisionWorker(greeting, domain=DOMAIN, client=swf)
    worker.start(block=False)
    worker.stop()  # registered; nothing polls now
    for number in range(2):
        client.start(greeting, "x", workflow_id=f"raw-{number}")
    raw = worker.polls.poll(domain=DOMAIN, taskList={"name": "dw"})
    shared = swf.poll_for_decision_task(domain=DOMAIN, taskList={"name": "dw"})
    assert raw["events"][0].kind == shared["events"][0]["eventType"]
    # parse_page: epoch seconds as sent, not the datetime botocore would build
    assert isinstance(raw["events"][0].eventTimestamp, float)
    assert not isinstance(shared["events"][0]["eventTimestamp"], float)
    assert isinstance(shared["events"][0]["eventTimestamp"], datetime)  # botocore's, as usual
    assert {raw["workflowExecution"]["workflowId"], shared["workflowExecution"]["workflowId"]} == {
        "raw-0",
        "raw-1",
    }
