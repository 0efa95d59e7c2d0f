"""A run's life on the devserver, through an unmodified boto3 client."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from swflow.devserver import DevServer
from tests.devserver.conftest import DOMAIN, Workflow, decision, schedule


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def test_activity_round_trip_and_history(swf: Any) -> None:
    run = Workflow(swf, input="in")
    first = run.decision_task()
    assert [e["eventType"] for e in first["events"]] == [
        "WorkflowExecutionStarted",
        "DecisionTaskScheduled",
        "DecisionTaskStarted",
    ]
    assert (first["startedEventId"], first["previousStartedEventId"]) == (3, 0)
    assert first["workflowType"] == {"name": "wf", "version": "1"}
    run.decide(schedule("a1", input="x"), task=first)
    task = run.activity_task()
    assert (task["activityId"], task["input"], task["startedEventId"]) == ("a1", "x", 6)
    swf.respond_activity_task_completed(taskToken=task["taskToken"], result="42")
    second = run.decision_task()
    assert second["previousStartedEventId"] == 3
    scheduled = next(e for e in second["events"] if e["eventType"] == "ActivityTaskScheduled")
    assert scheduled["activityTaskScheduledEventAttributes"]["taskList"] == {"name": "activities"}
    assert scheduled["activityTaskScheduledEventAttributes"]["startToCloseTimeout"] == "600"
    run.decide(decision("CompleteWorkflowExecution", result="done"), task=second)
    assert run.types() == [
        "WorkflowExecutionStarted",
        "DecisionTaskScheduled",
        "DecisionTaskStarted",
        "DecisionTaskCompleted",
        "ActivityTaskScheduled",
        "ActivityTaskStarted",
        "ActivityTaskCompleted",
        "DecisionTaskScheduled",
        "DecisionTaskStarted",
        "DecisionTaskCompleted",
        "WorkflowExecutionCompleted",
    ]
    info = run.describe()["executionInfo"]
    assert (info["executionStatus"], info["closeStatus"]) == ("CLOSED", "COMPLETED")
    with pytest.raises(ClientError) as stale:
        swf.respond_activity_task_completed(taskToken=task["taskToken"], result="again")
    assert _code(stale) == "UnknownResourceFault"


def test_an_empty_long_poll_is_held_then_answers_with_an_empty_token(
    server: DevServer, swf: Any
) -> None:
    answers: list[dict[str, Any]] = []
    polling = threading.Thread(
        target=lambda: answers.append(
            swf.poll_for_decision_task(domain=DOMAIN, taskList={"name": "nobody"})
        )
    )
    polling.start()
    _wait(lambda: server.engine.waiting_pollers == 1 or answers)
    assert not answers  # held by the server, not answered at once
    polling.join(30)
    assert answers[0]["taskToken"] == ""
    assert server.engine.waiting_pollers == 0
    assert swf.poll_for_activity_task(domain=DOMAIN, taskList={"name": "nobody"})["taskToken"] == ""


def _wait(condition: Any, timeout: float = 30) -> None:
    """Until ``condition`` holds; the timeout only ends a test that is stuck."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_events_during_a_decision_task_lead_to_exactly_one_more(swf: Any) -> None:
    run = Workflow(swf)
    task = run.decision_task()
    swf.signal_workflow_execution(domain=DOMAIN, workflowId="w1", signalName="s1")
    swf.signal_workflow_execution(domain=DOMAIN, workflowId="w1", signalName="s2")
    assert run.describe()["openCounts"]["openDecisionTasks"] == 1
    run.decide(task=task)
    types = run.types()
    assert types[-2:] == ["DecisionTaskCompleted", "DecisionTaskScheduled"]
    assert types.count("DecisionTaskScheduled") == 2
    assert types.count("WorkflowExecutionSignaled") == 2


def test_a_close_decision_racing_new_events_fails_as_unhandled(swf: Any) -> None:
    run = Workflow(swf)
    task = run.decision_task()
    swf.signal_workflow_execution(domain=DOMAIN, workflowId="w1", signalName="late")
    run.decide(decision("CompleteWorkflowExecution"), task=task)
    types = run.types()
    assert "CompleteWorkflowExecutionFailed" in types and types[-1] == "DecisionTaskScheduled"
    failed = next(e for e in run.history() if e["eventType"] == "CompleteWorkflowExecutionFailed")
    assert failed["completeWorkflowExecutionFailedEventAttributes"]["cause"] == "UNHANDLED_DECISION"
    run.decide(decision("CompleteWorkflowExecution"))
    assert run.describe()["executionInfo"]["closeStatus"] == "COMPLETED"


def test_a_close_decision_that_is_not_last_is_refused_whole(swf: Any) -> None:
    run = Workflow(swf)
    task = run.decision_task()
    with pytest.raises(ClientError) as refused:
        run.decide(decision("CompleteWorkflowExecution"), schedule("a1"), task=task)
    assert _code(refused) == "ValidationException"
    assert "Close must be last" in str(refused.value)
    assert "DecisionTaskCompleted" not in run.types()
    run.decide(schedule("a1"), task=task)  # the same token still works
    assert run.types()[-1] == "ActivityTaskScheduled"


def test_decisions_that_cannot_be_carried_out_fail_one_by_one(swf: Any) -> None:
    run = Workflow(swf)
    run.decide(
        decision(
            "ScheduleActivityTask", activityId="x", activityType={"name": "nope", "version": "1"}
        ),
        decision("CancelTimer", timerId="never"),
        decision("RequestCancelActivityTask", activityId="ghost"),
        decision("RecordMarker", markerName="still applied"),
    )
    types = run.types()
    assert types[4:8] == [
        "ScheduleActivityTaskFailed",
        "CancelTimerFailed",
        "RequestCancelActivityTaskFailed",
        "MarkerRecorded",
    ]
    assert types[-1] == "DecisionTaskScheduled"  # the failures need the decider's attention


def _at(events: list[dict[str, Any]], kind: str) -> Any:
    return next(e["eventTimestamp"] for e in events if e["eventType"] == kind)


def test_timers_fire_on_the_virtual_clock(server: DevServer, swf: Any) -> None:
    run = Workflow(swf)
    run.decide(decision("StartTimer", timerId="hour", startToFireTimeout="3600"))
    task = run.decision_task()  # the hour passes as soon as nothing else can run
    events = task["events"]
    assert (_at(events, "TimerFired") - _at(events, "TimerStarted")).total_seconds() >= 3600
    assert server.clock.offset > 3500  # skipped, not waited for
    run.decide(
        decision("StartTimer", timerId="t2", startToFireTimeout="60"),
        decision("CancelTimer", timerId="t2"),
        task=task,
    )
    assert run.types()[-2:] == ["TimerStarted", "TimerCanceled"]


def test_a_30_minute_heartbeat_timeout_then_a_one_hour_timer_on_the_virtual_clock(
    server: DevServer, swf: Any
) -> None:
    run = Workflow(swf)
    run.decide(
        schedule("a1", heartbeatTimeout="1800", startToCloseTimeout="7200"),
        decision("StartTimer", timerId="hour", startToFireTimeout="3600"),
    )
    task = run.activity_task()
    beat = swf.record_activity_task_heartbeat(taskToken=task["taskToken"], details="50%")
    assert beat["cancelRequested"] is False
    # The worker goes silent. A started task is work in progress, so time never skips
    # over it: move the virtual clock past the heartbeat deadline (not to the timer).
    server.clock.advance(1801)
    timed_out = run.decision_task()
    kinds = [e["eventType"] for e in timed_out["events"]]
    assert "ActivityTaskTimedOut" in kinds and "TimerFired" not in kinds
    run.decide(task=timed_out)
    final = run.decision_task()
    assert "TimerFired" in [e["eventType"] for e in final["events"]]
    run.decide(decision("CompleteWorkflowExecution"), task=final)
    events = run.history()
    attributes = next(
        e["activityTaskTimedOutEventAttributes"]
        for e in events
        if e["eventType"] == "ActivityTaskTimedOut"
    )
    assert (attributes["timeoutType"], attributes["details"]) == ("HEARTBEAT", "50%")
    silent = _at(events, "ActivityTaskTimedOut") - _at(events, "ActivityTaskStarted")
    assert 1800 <= silent.total_seconds() < 3600
    # Then nothing runs, and the clock skips to the timer.
    assert (_at(events, "TimerFired") - _at(events, "TimerStarted")).total_seconds() >= 3600
    assert server.clock.offset > 1801  # beyond the hand-made advance: a skip
    with pytest.raises(ClientError) as late:  # the silent worker's task is gone
        swf.respond_activity_task_completed(taskToken=task["taskToken"], result="ok")
    assert _code(late) == "UnknownResourceFault"
    assert run.describe()["executionInfo"]["closeStatus"] == "COMPLETED"


@pytest.mark.parametrize(
    ("timeouts", "start", "expected"),
    [
        ({"heartbeatTimeout": "30"}, True, "HEARTBEAT"),
        ({"startToCloseTimeout": "60"}, True, "START_TO_CLOSE"),
        ({"scheduleToStartTimeout": "60"}, False, "SCHEDULE_TO_START"),
        ({"scheduleToCloseTimeout": "90"}, False, "SCHEDULE_TO_CLOSE"),
    ],
)
def test_every_activity_timeout(
    server: DevServer, swf: Any, timeouts: dict[str, str], start: bool, expected: str
) -> None:
    run = Workflow(swf)
    run.decide(schedule("a1", **timeouts))
    if start:
        task = run.activity_task()
        swf.record_activity_task_heartbeat(taskToken=task["taskToken"], details="last words")
    server.clock.advance(100)
    deadline = time.monotonic() + 30  # ends a stuck test only
    while "ActivityTaskTimedOut" not in run.types() and time.monotonic() < deadline:
        time.sleep(0.01)
    timed_out = next(e for e in run.history() if e["eventType"] == "ActivityTaskTimedOut")
    attributes = timed_out["activityTaskTimedOutEventAttributes"]
    assert attributes["timeoutType"] == expected
    if expected == "HEARTBEAT":
        assert attributes["details"] == "last words"
    if start:
        with pytest.raises(ClientError):
            swf.respond_activity_task_completed(taskToken=task["taskToken"])


def test_a_decision_task_times_out_and_is_rescheduled(server: DevServer, swf: Any) -> None:
    run = Workflow(swf)
    stale = run.decision_task()
    server.clock.advance(31)
    fresh = run.decision_task()
    assert "DecisionTaskTimedOut" in [e["eventType"] for e in fresh["events"]]
    with pytest.raises(ClientError) as late:
        run.decide(task=stale)
    assert _code(late) == "UnknownResourceFault"
    run.decide(decision("CompleteWorkflowExecution"), task=fresh)


def test_the_workflow_times_out(server: DevServer, swf: Any) -> None:
    run = Workflow(swf, executionStartToCloseTimeout="120")
    run.decide()
    server.clock.advance(121)
    deadline = time.monotonic() + 30  # ends a stuck test only
    while run.describe()["executionInfo"]["executionStatus"] == "OPEN":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert run.describe()["executionInfo"]["closeStatus"] == "TIMED_OUT"


def test_activity_cancellation(swf: Any) -> None:
    run = Workflow(swf)
    run.decide(schedule("started"), schedule("queued"))
    running = run.activity_task()
    assert running["activityId"] == "started"  # FIFO within a priority
    swf.signal_workflow_execution(domain=DOMAIN, workflowId="w1", signalName="stop")
    run.decide(decision("RequestCancelActivityTask", activityId="started"))
    assert swf.record_activity_task_heartbeat(taskToken=running["taskToken"])["cancelRequested"]
    swf.respond_activity_task_canceled(taskToken=running["taskToken"], details="stopped")
    run.decide(decision("RequestCancelActivityTask", activityId="queued"))
    canceled = [e for e in run.history() if e["eventType"] == "ActivityTaskCanceled"]
    assert len(canceled) == 2
    never_started = canceled[1]["activityTaskCanceledEventAttributes"]
    assert never_started["startedEventId"] == 0 and never_started["latestCancelRequestedEventId"]


def test_signal_cancel_request_and_terminate(swf: Any) -> None:
    run = Workflow(swf)
    swf.signal_workflow_execution(domain=DOMAIN, workflowId="w1", signalName="go", input="now")
    swf.request_cancel_workflow_execution(domain=DOMAIN, workflowId="w1")
    assert run.describe()["executionInfo"]["cancelRequested"]
    swf.terminate_workflow_execution(domain=DOMAIN, workflowId="w1", reason="enough")
    info = run.describe()["executionInfo"]
    assert info["closeStatus"] == "TERMINATED"
    with pytest.raises(ClientError) as closed:
        swf.signal_workflow_execution(domain=DOMAIN, workflowId="w1", signalName="late")
    assert _code(closed) == "UnknownResourceFault"


def test_workflow_ids_are_unique_while_open_and_reusable_after(swf: Any) -> None:
    first = Workflow(swf)
    with pytest.raises(ClientError) as duplicate:
        Workflow(swf)
    assert _code(duplicate) == "WorkflowExecutionAlreadyStartedFault"
    swf.terminate_workflow_execution(domain=DOMAIN, workflowId="w1")
    second = Workflow(swf)
    assert second.run_id != first.run_id


def test_continue_as_new_starts_a_new_run_with_the_same_id(swf: Any) -> None:
    run = Workflow(swf)
    run.decide(decision("ContinueAsNewWorkflowExecution", input="round 2"))
    closed = run.history()[-1]
    assert closed["eventType"] == "WorkflowExecutionContinuedAsNew"
    new_run = closed["workflowExecutionContinuedAsNewEventAttributes"]["newExecutionRunId"]
    task = run.decision_task()
    assert task["workflowExecution"] == {"workflowId": "w1", "runId": new_run}
    started = task["events"][0]["workflowExecutionStartedEventAttributes"]
    assert (started["input"], started["continuedExecutionRunId"]) == ("round 2", run.run_id)


def test_a_child_workflow_reports_to_its_parent(swf: Any) -> None:
    parent = Workflow(swf, "parent")
    parent.decide(
        decision(
            "StartChildWorkflowExecution",
            workflowId="kid",
            workflowType={"name": "wf", "version": "1"},
            input="hi",
        )
    )
    assert parent.types()[-3:] == [
        "StartChildWorkflowExecutionInitiated",
        "ChildWorkflowExecutionStarted",
        "DecisionTaskScheduled",
    ]
    tasks = {
        t["workflowExecution"]["workflowId"]: t
        for t in (parent.decision_task(), parent.decision_task())
    }
    parent_task, child_task = tasks["parent"], tasks["kid"]
    started = child_task["events"][0]["workflowExecutionStartedEventAttributes"]
    assert started["parentWorkflowExecution"]["workflowId"] == "parent"
    parent.decide(task=parent_task)
    parent.decide(decision("CompleteWorkflowExecution", result="from kid"), task=child_task)
    completed = next(
        e for e in parent.history() if e["eventType"] == "ChildWorkflowExecutionCompleted"
    )
    assert completed["childWorkflowExecutionCompletedEventAttributes"]["result"] == "from kid"
    parent.decide(
        decision(
            "StartChildWorkflowExecution",
            workflowId="parent",
            workflowType={"name": "wf", "version": "1"},
        )
    )
    failed = next(
        e for e in parent.history() if e["eventType"] == "StartChildWorkflowExecutionFailed"
    )
    assert failed["startChildWorkflowExecutionFailedEventAttributes"]["cause"] == (
        "WORKFLOW_ALREADY_RUNNING"
    )


def test_terminating_a_parent_applies_its_child_policy(swf: Any) -> None:
    parent = Workflow(swf, "parent")
    parent.decide(
        decision(
            "StartChildWorkflowExecution",
            workflowId="kid",
            workflowType={"name": "wf", "version": "1"},
        )
    )
    swf.terminate_workflow_execution(domain=DOMAIN, workflowId="parent")
    kid = swf.list_closed_workflow_executions(
        domain=DOMAIN, startTimeFilter={"oldestDate": 0}, executionFilter={"workflowId": "kid"}
    )["executionInfos"]
    assert kid[0]["closeStatus"] == "TERMINATED"


def test_signal_and_cancel_other_workflows_from_a_decision(swf: Any) -> None:
    Workflow(swf, "target")
    sender = Workflow(swf, "sender")
    sender.swf.poll_for_decision_task(domain=DOMAIN, taskList={"name": "decisions"})  # target's
    sender.decide(
        decision(
            "SignalExternalWorkflowExecution", workflowId="target", signalName="ping", input="1"
        ),
        decision("RequestCancelExternalWorkflowExecution", workflowId="ghost"),
    )
    types = sender.types()
    assert "ExternalWorkflowExecutionSignaled" in types
    assert "RequestCancelExternalWorkflowExecutionFailed" in types


def test_history_paging_and_reverse_order(swf: Any) -> None:
    run = Workflow(swf)
    for n in range(5):
        swf.signal_workflow_execution(domain=DOMAIN, workflowId="w1", signalName=f"s{n}")
    execution = {"workflowId": "w1", "runId": run.run_id}
    first = swf.get_workflow_execution_history(
        domain=DOMAIN, execution=execution, maximumPageSize=3
    )
    assert [e["eventId"] for e in first["events"]] == [1, 2, 3] and first["nextPageToken"]
    rest = swf.get_workflow_execution_history(
        domain=DOMAIN, execution=execution, maximumPageSize=3, nextPageToken=first["nextPageToken"]
    )
    assert [e["eventId"] for e in rest["events"]] == [4, 5, 6]
    newest = swf.get_workflow_execution_history(
        domain=DOMAIN, execution=execution, reverseOrder=True, maximumPageSize=2
    )
    assert [e["eventId"] for e in newest["events"]] == [7, 6]
    task = swf.poll_for_decision_task(
        domain=DOMAIN, taskList={"name": "decisions"}, maximumPageSize=4
    )
    more = swf.poll_for_decision_task(
        domain=DOMAIN, taskList={"name": "decisions"}, nextPageToken=task["nextPageToken"]
    )
    assert [e["eventId"] for e in task["events"] + more["events"]] == list(range(1, 9))
    assert more["taskToken"] == task["taskToken"]


def test_visibility_lists_and_counts(swf: Any) -> None:
    for n in range(3):
        Workflow(swf, f"open-{n}", tagList=["batch"] if n else [])
    done = Workflow(swf, "closed-0")
    swf.terminate_workflow_execution(domain=DOMAIN, workflowId="closed-0")
    window = {"oldestDate": 0}
    opened = swf.list_open_workflow_executions(domain=DOMAIN, startTimeFilter=window)
    assert sorted(i["execution"]["workflowId"] for i in opened["executionInfos"]) == [
        "open-0",
        "open-1",
        "open-2",
    ]
    tagged = swf.count_open_workflow_executions(
        domain=DOMAIN, startTimeFilter=window, tagFilter={"tag": "batch"}
    )
    assert tagged["count"] == 2
    closed = swf.list_closed_workflow_executions(
        domain=DOMAIN, closeTimeFilter=window, closeStatusFilter={"status": "TERMINATED"}
    )
    assert [i["execution"]["runId"] for i in closed["executionInfos"]] == [done.run_id]
    paged = swf.list_open_workflow_executions(
        domain=DOMAIN, startTimeFilter=window, maximumPageSize=2
    )
    assert len(paged["executionInfos"]) == 2 and paged["nextPageToken"]
    assert (
        swf.count_pending_decision_tasks(domain=DOMAIN, taskList={"name": "decisions"})["count"]
        == 3
    )


def test_a_permanent_decision_task_list_override(swf: Any) -> None:
    run = Workflow(swf)
    task = run.decision_task()
    swf.respond_decision_task_completed(
        taskToken=task["taskToken"], decisions=[], taskList={"name": "elsewhere"}
    )
    swf.signal_workflow_execution(domain=DOMAIN, workflowId="w1", signalName="go")
    moved = swf.poll_for_decision_task(domain=DOMAIN, taskList={"name": "elsewhere"})
    assert moved["workflowExecution"]["runId"] == run.run_id
    swf.signal_workflow_execution(domain=DOMAIN, workflowId="w1", signalName="again")
    assert run.decision_task()["taskToken"] == ""  # the run's first list gets nothing now
    assert run.describe()["executionConfiguration"]["taskList"] == {"name": "elsewhere"}


def test_a_temporary_override_not_taken_in_time_reverts(server: DevServer, swf: Any) -> None:
    run = Workflow(swf)
    task = run.decision_task()
    swf.respond_decision_task_completed(
        taskToken=task["taskToken"],
        decisions=[],
        taskList={"name": "gpu-deciders"},
        taskListScheduleToStartTimeout="60",
    )
    swf.signal_workflow_execution(domain=DOMAIN, workflowId="w1", signalName="go")
    assert run.history()[-1]["decisionTaskScheduledEventAttributes"]["taskList"] == {
        "name": "gpu-deciders"
    }
    server.clock.advance(61)
    back = run.decision_task()  # on the run's own list again
    assert back["taskToken"] and "DecisionTaskTimedOut" in [e["eventType"] for e in back["events"]]
    timed_out = next(e for e in back["events"] if e["eventType"] == "DecisionTaskTimedOut")
    assert timed_out["decisionTaskTimedOutEventAttributes"]["timeoutType"] == "SCHEDULE_TO_START"


def test_start_at_previous_started_event(swf: Any) -> None:
    run = Workflow(swf)
    first = run.decision_task()
    run.decide(task=first)
    swf.signal_workflow_execution(domain=DOMAIN, workflowId="w1", signalName="go")
    task = swf.poll_for_decision_task(
        domain=DOMAIN, taskList={"name": "decisions"}, startAtPreviousStartedEvent=True
    )
    assert task["previousStartedEventId"] == first["startedEventId"]
    assert task["events"][0]["eventId"] == first["startedEventId"]
    assert task["events"][-1]["eventType"] == "DecisionTaskStarted"
