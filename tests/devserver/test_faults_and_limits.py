"""Bad input and limits: SWF's own faults, and a server that never falls over."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from botocore.exceptions import ClientError

from swflow.devserver import DevServer
from tests.devserver.conftest import DOMAIN, Workflow, client_for, decision, register, schedule


def _raw(
    server: DevServer,
    body: bytes,
    target: str | None = "SimpleWorkflowService.ListDomains",
) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(server.endpoint, data=body, method="POST")
    if target is not None:
        request.add_header("X-Amz-Target", target)
    request.add_header("Content-Type", "application/x-amz-json-1.0")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.mark.parametrize(
    ("body", "target", "code"),
    [
        (b"{not json", "SimpleWorkflowService.ListDomains", "SerializationException"),
        (b"\xff\xfe", "SimpleWorkflowService.ListDomains", "SerializationException"),
        (b"[]", "SimpleWorkflowService.ListDomains", "ValidationException"),
        (b"{}", "SimpleWorkflowService.Teleport", "UnknownOperationException"),
        (b"{}", None, "UnknownOperationException"),
        (b"{}", "SimpleWorkflowService.ListDomains", "ValidationException"),
        (
            b'{"registrationStatus": "BOGUS"}',
            "SimpleWorkflowService.ListDomains",
            "ValidationException",
        ),
        (b'{"registrationStatus": 7}', "SimpleWorkflowService.ListDomains", "ValidationException"),
        (
            b'{"name": "d", "workflowExecutionRetentionPeriodInDays": "1", "tags": "x"}',
            "SimpleWorkflowService.RegisterDomain",
            "ValidationException",
        ),
    ],
)
def test_malformed_requests_get_400_with_swf_error_shape(
    server: DevServer, body: bytes, target: str | None, code: str
) -> None:
    status, error = _raw(server, body, target)
    assert status == 400
    assert error["__type"].rsplit("#", 1)[-1] == code and error["message"]


def test_the_legacy_target_prefix_is_accepted(server: DevServer) -> None:
    status, body = _raw(
        server,
        b'{"registrationStatus": "REGISTERED"}',
        "com.amazonaws.swf.service.model.SimpleWorkflowService.ListDomains",
    )
    assert status == 200 and body == {"domainInfos": []}


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (
            lambda swf: swf.start_workflow_execution(
                domain=DOMAIN, workflowId="w" * 257, workflowType={"name": "wf", "version": "1"}
            ),
            "ValidationException",
        ),
        (
            lambda swf: swf.start_workflow_execution(
                domain=DOMAIN, workflowId="a:b", workflowType={"name": "wf", "version": "1"}
            ),
            "ValidationException",
        ),
        (
            lambda swf: swf.start_workflow_execution(
                domain=DOMAIN,
                workflowId="w",
                workflowType={"name": "wf", "version": "1"},
                input="x" * 32_769,
            ),
            "ValidationException",
        ),
        (
            lambda swf: swf.start_workflow_execution(
                domain=DOMAIN,
                workflowId="w",
                workflowType={"name": "wf", "version": "1"},
                tagList=["t"] * 6,
            ),
            "ValidationException",
        ),
        (
            lambda swf: swf.start_workflow_execution(
                domain=DOMAIN,
                workflowId="w",
                workflowType={"name": "wf", "version": "1"},
                executionStartToCloseTimeout="soon",
            ),
            "ValidationException",
        ),
        (
            lambda swf: swf.start_workflow_execution(
                domain=DOMAIN, workflowId="w", workflowType={"name": "nope", "version": "1"}
            ),
            "UnknownResourceFault",
        ),
        (lambda swf: swf.describe_domain(name="missing"), "UnknownResourceFault"),
        (
            lambda swf: swf.register_domain(
                name=DOMAIN, workflowExecutionRetentionPeriodInDays="1"
            ),
            "DomainAlreadyExistsFault",
        ),
        (
            lambda swf: swf.register_activity_type(domain=DOMAIN, name="act", version="1"),
            "TypeAlreadyExistsFault",
        ),
        (
            lambda swf: swf.delete_activity_type(
                domain=DOMAIN, activityType={"name": "act", "version": "1"}
            ),
            "TypeNotDeprecatedFault",
        ),
        (
            lambda swf: swf.respond_activity_task_completed(taskToken="a.nope.3"),
            "UnknownResourceFault",
        ),
        (
            lambda swf: swf.record_activity_task_heartbeat(
                taskToken="a.nope.3", details="d" * 2049
            ),
            "ValidationException",
        ),
    ],
)
def test_each_fault_and_limit(swf: Any, call: Any, code: str) -> None:
    with pytest.raises(ClientError) as caught:
        call(swf)
    assert caught.value.response["Error"]["Code"] == code


def test_a_failure_reason_over_256_characters_is_refused(swf: Any) -> None:
    run = Workflow(swf)
    run.decide(schedule("a1"))
    task = run.activity_task()
    with pytest.raises(ClientError) as caught:
        swf.respond_activity_task_failed(taskToken=task["taskToken"], reason="r" * 257)
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    swf.respond_activity_task_failed(taskToken=task["taskToken"], reason="r" * 256)


def test_type_lifecycle_deprecate_undeprecate_delete(swf: Any) -> None:
    kind = {"name": "act", "version": "1"}
    swf.deprecate_activity_type(domain=DOMAIN, activityType=kind)
    with pytest.raises(ClientError) as twice:
        swf.deprecate_activity_type(domain=DOMAIN, activityType=kind)
    assert twice.value.response["Error"]["Code"] == "TypeDeprecatedFault"
    run = Workflow(swf)
    run.decide(schedule("a1"))
    failed = run.history()[-2]
    assert failed["scheduleActivityTaskFailedEventAttributes"]["cause"] == (
        "ACTIVITY_TYPE_DEPRECATED"
    )
    swf.undeprecate_activity_type(domain=DOMAIN, activityType=kind)
    swf.deprecate_activity_type(domain=DOMAIN, activityType=kind)
    swf.delete_activity_type(domain=DOMAIN, activityType=kind)
    listed = swf.list_activity_types(domain=DOMAIN, registrationStatus="DEPRECATED")
    assert listed["typeInfos"] == []


def test_domain_tags(swf: Any) -> None:
    arn = swf.describe_domain(name=DOMAIN)["domainInfo"]["arn"]
    swf.tag_resource(resourceArn=arn, tags=[{"key": "team", "value": "data"}])
    assert swf.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "team", "value": "data"}]
    swf.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert swf.list_tags_for_resource(resourceArn=arn)["tags"] == []


def test_a_run_past_the_event_limit_is_terminated() -> None:
    with DevServer(poll_timeout=0.2, event_limit=20) as small:
        swf = client_for(small)
        register(swf)
        run = Workflow(swf)
        sent = 0
        with pytest.raises(ClientError):  # once terminated, the run takes no more signals
            while sent < 100:
                swf.signal_workflow_execution(domain=DOMAIN, workflowId="w1", signalName="s")
                sent += 1
        assert sent == 18  # 2 start events + 18 signals = the 20-event cap
        info = run.describe()["executionInfo"]
        assert info["closeStatus"] == "TERMINATED"
        terminated = run.history()[-1]["workflowExecutionTerminatedEventAttributes"]
        assert terminated["cause"] == "EVENT_LIMIT_EXCEEDED"


def test_a_timer_id_in_use_is_refused(swf: Any) -> None:
    run = Workflow(swf)
    run.decide(
        *[decision("StartTimer", timerId=f"t{n}", startToFireTimeout="999") for n in range(100)]
    )
    run.decide(
        decision("StartTimer", timerId="t1", startToFireTimeout="5"),
        task=_signal_and_take(swf, run),
    )
    failed = run.history()[-2]["startTimerFailedEventAttributes"]
    assert failed["cause"] == "TIMER_ID_ALREADY_IN_USE"


def _schedule_activity(n: int) -> dict[str, Any]:
    return schedule(f"a{n}")


def _start_timer(n: int) -> dict[str, Any]:
    return decision("StartTimer", timerId=f"t{n}", startToFireTimeout="99999")


def _start_child(n: int) -> dict[str, Any]:
    return decision(
        "StartChildWorkflowExecution",
        workflowId=f"child-{n}",
        workflowType={"name": "wf", "version": "1"},
        taskList={"name": "children"},  # their decision tasks must not answer the parent's
    )


@pytest.mark.parametrize(
    ("make", "opened", "failed", "cause"),
    [
        (
            _schedule_activity,
            "ActivityTaskScheduled",
            "ScheduleActivityTaskFailed",
            "OPEN_ACTIVITIES_LIMIT_EXCEEDED",
        ),
        (_start_timer, "TimerStarted", "StartTimerFailed", "OPEN_TIMERS_LIMIT_EXCEEDED"),
        (
            _start_child,
            "StartChildWorkflowExecutionInitiated",
            "StartChildWorkflowExecutionFailed",
            "OPEN_CHILDREN_LIMIT_EXCEEDED",
        ),
    ],
    ids=["activities", "timers", "children"],
)
def test_the_1001st_open_activity_timer_or_child_is_refused(
    swf: Any, make: Any, opened: str, failed: str, cause: str
) -> None:
    """SWF's limit is 1,000 open of each kind per run; the 1,001st fails with its cause."""
    run = Workflow(swf)
    run.decide(*[make(n) for n in range(1000)])
    run.decide(make(1000), make(1001), task=_signal_and_take(swf, run))
    history = run.history()
    assert sum(e["eventType"] == opened for e in history) == 1000
    refused = [e for e in history if e["eventType"] == failed]
    assert len(refused) == 2
    key = failed[0].lower() + failed[1:] + "EventAttributes"
    assert {e[key]["cause"] for e in refused} == {cause}
    assert run.describe()["executionInfo"]["executionStatus"] == "OPEN"


def _signal_and_take(swf: Any, run: Workflow) -> dict[str, Any]:
    swf.signal_workflow_execution(domain=DOMAIN, workflowId=run.workflow_id, signalName="wake")
    return run.decision_task()
