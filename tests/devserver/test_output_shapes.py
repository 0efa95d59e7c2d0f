"""Every operation's response satisfies botocore's output shape for it."""

from __future__ import annotations

from typing import Any

from botocore.validate import ParamValidator

from swflow.devserver import DevServer
from swflow.devserver.validation import operation_names
from tests.devserver.conftest import DOMAIN, Workflow, decision, schedule

KIND = {"name": "act", "version": "1"}
WF = {"name": "wf", "version": "1"}


def _calls(swf: Any, server: DevServer) -> dict[str, Any]:
    """One successful call of each operation, in an order where each can succeed."""
    out: dict[str, Any] = {}

    def call(operation: str, /, **params: Any) -> Any:
        method = "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")
        out[operation] = getattr(swf, method)(**params)
        return out[operation]

    call("RegisterDomain", name="other", workflowExecutionRetentionPeriodInDays="1")
    call("DescribeDomain", name=DOMAIN)
    call("ListDomains", registrationStatus="REGISTERED")
    call("DeprecateDomain", name="other")
    call("UndeprecateDomain", name="other")
    arn = out["DescribeDomain"]["domainInfo"]["arn"]
    call("TagResource", resourceArn=arn, tags=[{"key": "k", "value": "v"}])
    call("ListTagsForResource", resourceArn=arn)
    call("UntagResource", resourceArn=arn, tagKeys=["k"])
    call("RegisterActivityType", domain=DOMAIN, name="other", version="1")
    call("RegisterWorkflowType", domain=DOMAIN, name="other", version="1")
    call("DescribeActivityType", domain=DOMAIN, activityType=KIND)
    call("DescribeWorkflowType", domain=DOMAIN, workflowType=WF)
    call("ListActivityTypes", domain=DOMAIN, registrationStatus="REGISTERED")
    call("ListWorkflowTypes", domain=DOMAIN, registrationStatus="REGISTERED")
    for kind, key in (("Activity", "activityType"), ("Workflow", "workflowType")):
        other = {key: {"name": "other", "version": "1"}}
        call(f"Deprecate{kind}Type", domain=DOMAIN, **other)
        call(f"Undeprecate{kind}Type", domain=DOMAIN, **other)
        call(f"Deprecate{kind}Type", domain=DOMAIN, **other)
        call(f"Delete{kind}Type", domain=DOMAIN, **other)
    run = Workflow(swf)
    out["StartWorkflowExecution"] = {"runId": run.run_id}
    call("CountPendingDecisionTasks", domain=DOMAIN, taskList={"name": "decisions"})
    task = call("PollForDecisionTask", domain=DOMAIN, taskList={"name": "decisions"})
    call(
        "RespondDecisionTaskCompleted",
        taskToken=task["taskToken"],
        decisions=[schedule("a1", heartbeatTimeout="600")],
    )
    call("CountPendingActivityTasks", domain=DOMAIN, taskList={"name": "activities"})
    job = call("PollForActivityTask", domain=DOMAIN, taskList={"name": "activities"})
    call("RecordActivityTaskHeartbeat", taskToken=job["taskToken"], details="half")
    call("RespondActivityTaskCompleted", taskToken=job["taskToken"], result="r")
    run.decide(schedule("a2"), schedule("a3"))
    for name in ("RespondActivityTaskFailed", "RespondActivityTaskCanceled"):
        job = run.activity_task()
        call(name, taskToken=job["taskToken"])
    call("SignalWorkflowExecution", domain=DOMAIN, workflowId="w1", signalName="s")
    call("RequestCancelWorkflowExecution", domain=DOMAIN, workflowId="w1")
    execution = {"workflowId": "w1", "runId": run.run_id}
    call("DescribeWorkflowExecution", domain=DOMAIN, execution=execution)
    call("GetWorkflowExecutionHistory", domain=DOMAIN, execution=execution)
    window = {"oldestDate": 0}
    call("ListOpenWorkflowExecutions", domain=DOMAIN, startTimeFilter=window)
    call("CountOpenWorkflowExecutions", domain=DOMAIN, startTimeFilter=window)
    run.decide(decision("CompleteWorkflowExecution", result="done"))
    call("TerminateWorkflowExecution", domain=DOMAIN, workflowId=Workflow(swf, "w2").workflow_id)
    call("ListClosedWorkflowExecutions", domain=DOMAIN, startTimeFilter=window)
    call("CountClosedWorkflowExecutions", domain=DOMAIN, closeTimeFilter=window)
    return out


def test_every_operation_answers_in_its_output_shape(server: DevServer, swf: Any) -> None:
    responses = _calls(swf, server)
    assert set(responses) == set(operation_names())
    model = swf.meta.service_model
    validator = ParamValidator()
    for name, response in responses.items():
        shape = model.operation_model(name).output_shape
        body = {k: v for k, v in response.items() if k != "ResponseMetadata"}
        if shape is None:
            assert body == {}, name
            continue
        report = validator.validate(body, shape)
        assert not report.has_errors(), f"{name}: {report.generate_report()}"


def test_text_comes_back_as_it_was_sent_non_ascii_and_lone_surrogates_alike(
    swf: Any,
) -> None:
    """Events and answers are written by a fast encoder that refuses lone surrogates:
    text holding one is written escaped, as it came, and everything else as is."""
    sent = ["plain", "é ☃ 日本", "half \ud800 of a pair", "\udfff"]
    run = Workflow(swf, tagList=sent)  # answered outside the events: DescribeWorkflowExecution
    for text in sent:
        swf.signal_workflow_execution(
            domain=DOMAIN, workflowId=run.workflow_id, signalName=text, input=text
        )
    by_history = [e for e in run.history() if e["eventType"] == "WorkflowExecutionSignaled"]
    by_poll = [e for e in run.decision_task()["events"] if "Signaled" in e["eventType"]]
    for events in (by_history, by_poll):
        signaled = [e["workflowExecutionSignaledEventAttributes"] for e in events]
        assert [(a["signalName"], a["input"]) for a in signaled] == [(t, t) for t in sent]
    assert run.describe()["executionInfo"]["tagList"] == sent
