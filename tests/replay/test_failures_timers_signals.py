"""Failures and retries, timers, signals, and how a workflow fails."""

from __future__ import annotations

import json
from typing import Any

import pytest

from swflow import (
    ActivityTaskError,
    Signal,
    Timer,
    TimerCanceled,
    activity_task,
    decision_task,
    first_completed,
)
from swflow.payloads import PayloadCodec
from swflow.replay import decide
from swflow.swf.decisions import (
    CancelTimer,
    CompleteWorkflowExecution,
    FailWorkflowExecution,
    ScheduleActivityTask,
    StartTimer,
)
from swflow.testing import HistoryBuilder


def _kinds(result: Any) -> list[str]:
    return [type(d).__name__ for d in result.decisions]


@activity_task(max_attempts=3, backoff=30, backoff_multiplier=2)
def flaky(x: int) -> int:
    return x


@decision_task
def uses_flaky() -> Any:
    try:
        return flaky(1).result
    except ActivityTaskError as error:
        return {"reason": error.reason, "attempts": error.attempts, "details": error.details}


def test_failed_activity_retries_after_a_durable_backoff_then_succeeds() -> None:
    history = HistoryBuilder("uses_flaky")
    history.apply(decide(history.events, uses_flaky))
    history.fail_activity("a1", "IOError", {"message": "disk"})
    backoff = decide(history.events, uses_flaky)
    assert backoff.decisions == [StartTimer("a1.backoff", 30)]
    history.apply(backoff)
    assert decide(history.events, uses_flaky).decisions == []  # timer pending: wait
    history.fire_timer("a1.backoff")
    retry = decide(history.events, uses_flaky)
    assert [
        (d.activity_id, d.input) for d in retry.decisions if isinstance(d, ScheduleActivityTask)
    ] == [("a1.2", "swflow/1 json inline 3 -\n[1]")]
    history.apply(retry)
    history.time_out_activity("a1.2")
    second_backoff = decide(history.events, uses_flaky)
    assert second_backoff.decisions == [StartTimer("a1.2.backoff", 60)]
    history.apply(second_backoff)
    history.fire_timer("a1.2.backoff")
    history.apply(decide(history.events, uses_flaky))
    history.complete_activity("a1.3", 1)
    assert decide(history.events, uses_flaky).decisions == [
        CompleteWorkflowExecution("swflow/1 json inline 1 -\n1")
    ]


def test_exhausted_retries_raise_activity_task_error_with_attempts() -> None:
    history = HistoryBuilder("uses_flaky")
    for attempt, activity_id in enumerate(["a1", "a1.2", "a1.3"], start=1):
        history.apply(decide(history.events, uses_flaky))
        history.fail_activity(activity_id, "IOError", {"message": f"try {attempt}"})
        if attempt < 3:
            history.apply(decide(history.events, uses_flaky))
            history.fire_timer(f"{activity_id}.backoff")
    final = decide(history.events, uses_flaky)
    assert final.closes
    value = PayloadCodec().decode(final.decisions[0].result)  # type: ignore[attr-defined]
    assert value == {"reason": "IOError", "attempts": 3, "details": {"message": "try 3"}}


@activity_task(start_to_close_timeout=5)
def once(x: int) -> int:
    return x


@decision_task
def uses_once() -> int:
    return int(once(1).result)


def test_an_uncaught_activity_failure_fails_the_workflow_with_reason_and_details() -> None:
    history = HistoryBuilder("uses_once")
    history.apply(decide(history.events, uses_once))
    history.time_out_activity("a1", "START_TO_CLOSE")
    result = decide(history.events, uses_once)
    assert _kinds(result) == ["FailWorkflowExecution"]
    failure = result.decisions[0]
    assert isinstance(failure, FailWorkflowExecution)
    assert failure.reason is not None and failure.reason.startswith("ActivityTaskError: ")
    assert "START_TO_CLOSE" in failure.reason
    details = PayloadCodec().decode(failure.details or "")
    assert details["type"] == "swflow.errors.ActivityTaskError"  # where the class lives
    assert "Traceback" in details["traceback"]


@decision_task
def raises_long() -> None:
    raise ValueError("x" * 100_000)


def test_failure_reason_and_details_respect_swf_limits() -> None:
    result = decide(HistoryBuilder("raises_long").events, raises_long)
    failure = result.decisions[0]
    assert isinstance(failure, FailWorkflowExecution)
    assert failure.reason is not None and len(failure.reason) == 256
    assert failure.details is not None and len(failure.details) <= 32_768


@activity_task(max_attempts=5, retry_on={"timed_out"})
def only_timeouts_retry(x: int) -> int:
    return x


@decision_task
def uses_selective() -> int:
    return int(only_timeouts_retry(1).result)


def test_retry_on_selects_which_failures_retry() -> None:
    history = HistoryBuilder("uses_selective")
    history.apply(decide(history.events, uses_selective))
    history.time_out_activity("a1")
    retried = decide(history.events, uses_selective)  # no backoff: at once
    assert [d.activity_id for d in retried.decisions if isinstance(d, ScheduleActivityTask)] == [
        "a1.2"
    ]
    history.apply(retried)
    history.fail_activity("a1.2", "ValueError")
    assert _kinds(decide(history.events, uses_selective)) == ["FailWorkflowExecution"]


# Timers.


@decision_task
def sleeper(seconds: int) -> str:
    Timer.get(seconds=seconds).result
    return "woke"


def test_timer_pending_then_fired() -> None:
    history = HistoryBuilder("sleeper", input=[3600])
    first = decide(history.events, sleeper)
    assert first.decisions == [StartTimer("t1", 3600)]
    history.apply(first)
    assert decide(history.events, sleeper).decisions == []
    history.fire_timer("t1")
    assert decide(history.events, sleeper).decisions == [
        CompleteWorkflowExecution('swflow/1 json inline 6 -\n"woke"')
    ]


@decision_task
def deadline() -> str:
    work = once(1)
    timer = Timer.get(seconds=60)
    winner = first_completed(work, timer).result
    if winner is work:
        timer.cancel()
        try:
            timer.result
        except TimerCanceled:
            return "done in time, timer canceled"
    return "too slow"


def test_timer_canceled_when_the_work_wins() -> None:
    history = HistoryBuilder("deadline")
    first = decide(history.events, deadline)
    assert _kinds(first) == ["ScheduleActivityTask", "StartTimer"]
    history.apply(first)
    history.complete_activity("a1", 1)
    second = decide(history.events, deadline)
    assert second.decisions[0] == CancelTimer("t1")
    assert _kinds(second) == ["CancelTimer", "CompleteWorkflowExecution"]
    history.apply(second.decisions[:1])  # as if completion came in a later task
    replayed = decide(history.events, deadline)  # TimerCanceled now comes from history
    assert _kinds(replayed) == ["CompleteWorkflowExecution"]


def test_timer_fired_first_lets_the_deadline_win() -> None:
    history = HistoryBuilder("deadline")
    history.apply(decide(history.events, deadline))
    history.fire_timer("t1")
    assert decide(history.events, deadline).decisions == [
        CompleteWorkflowExecution('swflow/1 json inline 10 -\n"too slow"')
    ]


@decision_task
def cancels_at_once() -> str:
    timer = Timer.get(seconds=10)
    timer.cancel()
    return "never started"


def test_a_timer_canceled_in_the_same_decision_is_never_started() -> None:
    result = decide(HistoryBuilder("cancels_at_once").events, cancels_at_once)
    assert _kinds(result) == ["CompleteWorkflowExecution"]


# Signals.


@decision_task
def collects() -> list[Any]:
    first_approval = Signal.get("approve")
    second_approval = Signal.get("approve")
    comment = Signal.get("comment")
    return [first_approval.result, second_approval.result, comment.result]


@pytest.mark.parametrize(
    "order",
    [
        ("approve", "approve", "comment"),
        ("comment", "approve", "approve"),
        ("approve", "comment", "approve"),
    ],
)
def test_signals_arriving_in_any_order(order: tuple[str, ...]) -> None:
    history = HistoryBuilder("collects")
    history.apply(decide(history.events, collects))
    counter = {"approve": 0, "comment": 0}
    for index, name in enumerate(order):
        counter[name] += 1
        history.signal(name, f"{name}-{counter[name]}")
        result = decide(history.events, collects)
        history.apply(result)
        assert result.closes == (index == len(order) - 1)
    assert json.loads(result.decisions[0].result.split("\n", 1)[1]) == [  # type: ignore[attr-defined]
        "approve-1",
        "approve-2",
        "comment-1",
    ]


def test_a_signal_typed_by_hand_is_read_as_plain_json() -> None:
    history = HistoryBuilder("collects")
    history.signal("approve", raw_input='{"by": "console"}')
    history.signal("approve")
    history.signal("comment", raw_input="[1, 2]")
    result = decide(history.events, collects)
    assert PayloadCodec().decode(result.decisions[0].result) == [  # type: ignore[attr-defined]
        {"by": "console"},
        None,
        [1, 2],
    ]
