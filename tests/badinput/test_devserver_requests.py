"""Requests SWF refuses, refused the same way by the devserver: 400, never 500.

A 500 (InternalFailure) is worse than wrong: boto3 retries it five times.
"""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import sys
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.devserver.conftest import DOMAIN, Workflow, decision, server, swf

__all__ = ["server", "swf"]  # the devserver tests' fixtures


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def _token(state: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode()


@pytest.mark.parametrize("duration", ["30\n", "\u0663\u0660", "5_0", " 30", "+30", "30.0"])
def test_durations_are_ascii_digits_only(swf: Any, duration: str) -> None:
    with pytest.raises(ClientError) as refused:
        Workflow(swf, executionStartToCloseTimeout=duration)
    assert _code(refused) == "ValidationException"


@pytest.mark.parametrize("priority", ["5_0", "\u0663", " 5", "5\n", "2147483648", "1e3"])
def test_priorities_are_ascii_digits_only(swf: Any, priority: str) -> None:
    with pytest.raises(ClientError) as refused:
        Workflow(swf, taskPriority=priority)
    assert _code(refused) == "ValidationException"


def test_a_signed_32_bit_priority_is_taken(swf: Any) -> None:
    run = Workflow(swf, taskPriority="-2147483648")
    assert run.describe()["executionConfiguration"]["taskPriority"] == "-2147483648"


@pytest.mark.parametrize(
    "token",
    [
        "not base64 at all!",
        _token([1, 2]),
        _token({"offset": -5}),
        _token({"offset": "5"}),
        _token({"offset": True}),
        _token({"run": "a-history-token", "next": 2}),  # a token of another operation
    ],
)
def test_malformed_or_foreign_list_tokens_are_validation_errors(swf: Any, token: str) -> None:
    with pytest.raises(ClientError) as refused:
        swf.list_domains(registrationStatus="REGISTERED", nextPageToken=token)
    assert _code(refused) == "ValidationException"


@pytest.mark.parametrize(
    "state",
    [{"run": "another-run", "next": 2}, {"next": 0}, {"next": "2"}, {"offset": 3}],
)
def test_malformed_or_foreign_history_tokens_are_validation_errors(
    swf: Any, state: dict[str, Any]
) -> None:
    run = Workflow(swf)
    if "run" not in state:
        state = {"run": run.run_id, **state}
    with pytest.raises(ClientError) as refused:
        swf.get_workflow_execution_history(
            domain=DOMAIN,
            execution={"workflowId": run.workflow_id, "runId": run.run_id},
            nextPageToken=_token(state),
        )
    assert _code(refused) == "ValidationException"


def test_a_task_token_built_from_ids_is_refused(swf: Any) -> None:
    run = Workflow(swf)
    task = run.decision_task()
    token = task["taskToken"]
    scheduled = next(
        e["eventId"] for e in task["events"] if e["eventType"] == "DecisionTaskScheduled"
    )
    assert token.startswith(f"d.{run.run_id}.{scheduled}.") and len(token.split(".")[3]) >= 21
    for forged in (f"d.{run.run_id}.{scheduled}", f"d.{run.run_id}.{scheduled}.guess", token[:-1]):
        with pytest.raises(ClientError) as refused:
            swf.respond_decision_task_completed(taskToken=forged, decisions=[])
        assert _code(refused) == "UnknownResourceFault"
    schedule = decision(
        "ScheduleActivityTask", activityId="a1", activityType={"name": "act", "version": "1"}
    )
    swf.respond_decision_task_completed(taskToken=token, decisions=[schedule])
    activity = run.activity_task()["taskToken"]
    with pytest.raises(ClientError) as refused:
        swf.respond_activity_task_completed(taskToken=activity.rsplit(".", 1)[0] + ".x")
    assert _code(refused) == "UnknownResourceFault"
    swf.respond_activity_task_completed(taskToken=activity)  # the real one still works


def test_binding_beyond_loopback_warns_that_there_is_no_authentication() -> None:
    command = [sys.executable, "-m", "swflow.cli", "devserver", "--db", ":memory:", "--port", "0"]
    for host, warned in (("0.0.0.0", True), ("127.0.0.1", False)):
        server = subprocess.Popen(
            [*command, "--host", host], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            assert server.stdout is not None
            assert server.stdout.readline().startswith(b"swflow devserver on")
            server.send_signal(signal.SIGTERM)
            _, err = server.communicate(timeout=30)
        finally:
            server.kill()
        assert (b"no authentication" in err) is warned, err
