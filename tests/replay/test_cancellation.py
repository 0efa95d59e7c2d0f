"""Cancellation a decider handles: `CancelRequestedError` at its next wait, cleanup that
runs before the close, `cancel_requested()` as of the code's point in the history, and
``promise.cancel()`` on the activities and children it started."""

from __future__ import annotations

from typing import Any

import pytest

from swflow import (
    ActivityTaskCanceledError,
    CancelRequestedError,
    ChildWorkflowError,
    NonDeterministicWorkflowError,
    Timer,
    activity_task,
    cancel_requested,
    decision_task,
)
from swflow.payloads import default_codec
from swflow.replay import check_replay, decide
from swflow.swf.decisions import (
    CancelWorkflowExecution,
    CompleteWorkflowExecution,
    RequestCancelActivityTask,
    RequestCancelExternalWorkflowExecution,
    StartChildWorkflowExecution,
)
from swflow.testing import HistoryBuilder
from tests.replay.outcomes import completed_with


def _kinds(result: Any) -> list[str]:
    return [type(d).__name__ for d in result.decisions]


@activity_task
def work(x: int) -> int:
    return x


@activity_task
def clean_up(x: int) -> str:
    return f"cleaned {x}"


@decision_task
def cleans_up(finish: str) -> str:
    try:
        work(1).result
    except CancelRequestedError:
        cleaned = clean_up(1).result
        if finish == "cancel":
            raise
        return cleaned
    return "not canceled"


@pytest.mark.parametrize("finish", ["cancel", "complete"])
def test_a_cancel_request_raises_at_the_wait_and_cleanup_runs_before_the_close(
    finish: str,
) -> None:
    history = HistoryBuilder("cleans_up", input=[finish])
    history.apply(decide(history.events, cleans_up))
    history.request_cancel(by="operator-flow")
    cleanup = decide(history.events, cleans_up)
    assert [(type(d).__name__, getattr(d, "activity_id", "")) for d in cleanup.decisions] == [
        ("ScheduleActivityTask", "a2")
    ]  # the cleanup activity, and no close yet
    history.apply(cleanup)
    history.complete_activity("a1", 1)  # the work finishing late changes nothing
    assert decide(history.events, cleans_up).decisions == []
    history.apply([])
    history.complete_activity("a2", "cleaned 1")
    close = decide(history.events, cleans_up)
    assert close.closes
    if finish == "complete":
        assert completed_with(close) == "cleaned 1"
    else:
        [cancel] = close.decisions
        assert isinstance(cancel, CancelWorkflowExecution)
        details = default_codec().decode(cancel.details or "")
        assert details["type"] == "swflow.errors.CancelRequestedError"
        assert details["message"] == "the run was asked to cancel by workflow operator-flow"


@decision_task
def ignores_once() -> list[str]:
    seen = []
    try:
        Timer.get(seconds=60).result
    except CancelRequestedError:
        seen.append("raised")
    seen.append(str(work(2).result))  # raised once: this wait is a plain wait
    return seen


def test_the_error_is_raised_once_then_waits_are_plain_waits() -> None:
    history = HistoryBuilder("ignores_once")
    history.apply(decide(history.events, ignores_once))
    history.request_cancel()
    result = decide(history.events, ignores_once)
    assert _kinds(result) == ["ScheduleActivityTask"]
    history.apply(result)
    history.complete_activity("a1", 2)
    assert completed_with(decide(history.events, ignores_once)) == ["raised", "2"]


@decision_task
def checks_between_steps() -> str:
    work(1).result
    if cancel_requested():
        return "stopped early"
    work(2).result
    return "finished"


def test_cancel_requested_answers_as_of_the_codes_point_in_the_history() -> None:
    history = HistoryBuilder("checks_between_steps")
    history.apply(decide(history.events, checks_between_steps))
    history.complete_activity("a1", 1)
    second = decide(history.events, checks_between_steps)
    assert _kinds(second) == ["ScheduleActivityTask"]  # no cancel yet: on to step 2
    history.apply(second)
    history.request_cancel()
    # A replay reaches the check again: it answers as it did then (False), so the run
    # does not suddenly take the other branch; the wait on step 2 raises instead.
    result = decide(history.events, checks_between_steps)
    assert _kinds(result) == ["CancelWorkflowExecution"]


def test_cancel_requested_is_true_where_the_request_is_known() -> None:
    history = HistoryBuilder("checks_between_steps")
    history.apply(decide(history.events, checks_between_steps))
    history.request_cancel()
    history.complete_activity("a1", 1)
    # The wait on step 1 raises (the request came first); nothing catches it.
    assert _kinds(decide(history.events, checks_between_steps)) == ["CancelWorkflowExecution"]


@decision_task
def asks_at_once() -> bool:
    return cancel_requested()


def test_cancel_requested_does_not_wait() -> None:
    history = HistoryBuilder("asks_at_once")
    assert completed_with(decide(history.events, asks_at_once)) is False
    history.request_cancel()
    assert completed_with(decide(history.events, asks_at_once)) is True


# promise.cancel() on activities.


@decision_task
def cancels_work(when: str) -> str:
    job = work(1)
    if when == "at once":
        job.cancel()
    else:
        Timer.get(seconds=10).result
        job.cancel()
    try:
        return f"result {job.result}"
    except ActivityTaskCanceledError as error:
        return f"canceled: {error}"


def test_an_activity_canceled_in_flight_gets_a_cancel_request_then_raises() -> None:
    history = HistoryBuilder("cancels_work", input=["later"])
    history.apply(decide(history.events, cancels_work))
    history.start_activity("a1")
    history.fire_timer("t1")
    request = decide(history.events, cancels_work)
    assert request.decisions == [RequestCancelActivityTask("a1")]
    history.apply(request)
    assert decide(history.events, cancels_work).decisions == []  # asked once, not again
    history.apply([])
    history.cancel_activity("a1")
    [close] = decide(history.events, cancels_work).decisions
    assert isinstance(close, CompleteWorkflowExecution)
    assert "canceled: activity work canceled after 1 attempt(s)" in (close.result or "")


def test_an_activity_that_completes_before_the_cancel_lands_keeps_its_result() -> None:
    history = HistoryBuilder("cancels_work", input=["later"])
    history.apply(decide(history.events, cancels_work))
    history.start_activity("a1")
    history.fire_timer("t1")
    history.apply(decide(history.events, cancels_work))
    history.complete_activity("a1", 7)
    assert completed_with(decide(history.events, cancels_work)) == "result 7"


def test_an_activity_canceled_before_it_reaches_swf_is_never_scheduled() -> None:
    history = HistoryBuilder("cancels_work", input=["at once"])
    [close] = decide(history.events, cancels_work).decisions  # no ScheduleActivityTask
    assert isinstance(close, CompleteWorkflowExecution)
    assert "canceled: activity work was canceled before it was scheduled" in (close.result or "")


@decision_task
def cancels_a_finished_one() -> int:
    job = work(3)
    value = job.result
    job.cancel()  # settled: nothing to do
    return int(value)


def test_canceling_a_settled_promise_does_nothing() -> None:
    history = HistoryBuilder("cancels_a_finished_one")
    history.apply(decide(history.events, cancels_a_finished_one))
    history.complete_activity("a1", 3)
    assert completed_with(decide(history.events, cancels_a_finished_one)) == 3


# promise.cancel() on children.


@decision_task
def child_flow() -> str:
    return "child done"


@decision_task
def cancels_child(when: str) -> str:
    child = child_flow()
    if when == "at once":
        child.cancel()
    else:
        Timer.get(seconds=10).result
        child.cancel()
    try:
        return str(child.result)
    except ChildWorkflowError as error:
        return f"child: {error}"


def test_a_child_canceled_while_it_runs_is_asked_to_cancel_and_raises_once_closed() -> None:
    history = HistoryBuilder("cancels_child", input=["later"])
    first = decide(history.events, cancels_child, workflow_id="parent", run_id="r1")
    [start, _timer] = first.decisions
    assert isinstance(start, StartChildWorkflowExecution)
    history.apply(first)
    history.start_child(start.workflow_id, run_id="child-run-1")
    history.fire_timer("t1")
    request = decide(history.events, cancels_child, workflow_id="parent", run_id="r1")
    assert request.decisions == [
        RequestCancelExternalWorkflowExecution(
            start.workflow_id, "child-run-1", control=f"c:{start.workflow_id}"
        )
    ]
    history.apply(request)
    history.deliver_external(f"c:{start.workflow_id}")
    assert decide(history.events, cancels_child, workflow_id="parent", run_id="r1").decisions == []
    history.apply([])
    history.cancel_child(start.workflow_id)
    [close] = decide(history.events, cancels_child, workflow_id="parent", run_id="r1").decisions
    assert isinstance(close, CompleteWorkflowExecution)
    assert f"child: child workflow child_flow ({start.workflow_id}) canceled" in (
        close.result or ""
    )


def test_a_child_canceled_before_it_starts_is_never_started() -> None:
    history = HistoryBuilder("cancels_child", input=["at once"])
    [close] = decide(history.events, cancels_child).decisions
    assert isinstance(close, CompleteWorkflowExecution)
    assert "was canceled before it started" in (close.result or "")  # the only decision


@decision_task(swf_workflow_type="cleans_up")
def cleans_up_but_completes(finish: str) -> str:
    try:
        work(1).result
    except CancelRequestedError:
        return clean_up(1).result  # new code: no longer closes canceled
    return "not canceled"


def test_swflow_replay_checks_that_a_canceled_run_still_closes_canceled() -> None:
    history = HistoryBuilder("cleans_up", input=["cancel"])
    history.apply(decide(history.events, cleans_up))
    history.request_cancel()
    history.apply(decide(history.events, cleans_up))
    history.complete_activity("a2", "cleaned 1")
    history.apply(decide(history.events, cleans_up))  # WorkflowExecutionCanceled
    assert history.events[-1]["eventType"] == "WorkflowExecutionCanceled"
    assert check_replay(history.events, cleans_up).closed_by == "WorkflowExecutionCanceled"
    with pytest.raises(NonDeterministicWorkflowError, match="ended with WorkflowExecutionCanceled"):
        check_replay(history.events, cleans_up_but_completes)
