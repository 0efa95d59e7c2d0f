"""LocalDecisionWorker: whole workflows in one process, served without a list of tasks."""

from __future__ import annotations

import time

import pytest

from swflow import (
    ConfigurationError,
    LocalDecisionWorker,
    LocalEnvironment,
    Signal,
    Timer,
    WorkflowFailedError,
    activity_task,
    continue_as_new,
    decision_task,
    first_completed,
)


@activity_task(swf_task_type="TestActivityA", swf_task_list="activity_a")
def activity_task_a(b: int) -> int:
    return b + b


ATTEMPTS: list[str] = []  # activities run in this process: they can report here


@activity_task(swf_task_list="other_list", max_attempts=3, backoff=3600)
def flaky(label: str) -> str:
    ATTEMPTS.append(label)
    if len(ATTEMPTS) < 3:
        raise RuntimeError("not yet")
    return f"done after {len(ATTEMPTS)}"


@decision_task(swf_workflow_type="TestWorkflow", swf_task_list="decider_a")
def decider_a() -> int:
    a1 = activity_task_a(5)
    a2 = activity_task_a(10)
    return int(a1.result + a2.result)


@decision_task(swf_task_list="children")
def child(n: int) -> int:
    return int(activity_task_a(n).result)


@decision_task(swf_task_list="parents")
def parent() -> list[int]:
    return [child(n).result for n in (1, 2)]


@decision_task(swf_task_list="loops")
def looping(round_: int) -> int:
    Timer.get(seconds=24 * 3600).result
    if round_ < 4:
        continue_as_new(round_ + 1)
    return round_


@decision_task(swf_task_list="fails")
def failing() -> None:
    raise KeyError("no such customer")


def test_the_seeds_example_runs_with_no_list_of_activities() -> None:
    assert LocalDecisionWorker(decider_a).start() == 30


def test_children_are_served_too() -> None:
    assert LocalDecisionWorker(parent).start() == [2, 4]


def test_continue_as_new_is_followed_to_the_last_run_and_timers_skip() -> None:
    assert LocalDecisionWorker(looping).start(1) == 4  # four virtual days


@decision_task(swf_task_list="retrying")
def retrying() -> str:
    return str(flaky("x").result)


def test_retries_wait_out_their_backoff_timers_in_virtual_time() -> None:
    ATTEMPTS.clear()
    assert LocalDecisionWorker(retrying).start() == "done after 3"  # two hours of backoff
    assert ATTEMPTS == ["x", "x", "x"]


def test_a_failing_decider_raises_its_failure() -> None:
    with pytest.raises(WorkflowFailedError) as failed:
        LocalDecisionWorker(failing).start()
    assert failed.value.reason == "KeyError: 'no such customer'"
    assert isinstance(failed.value.details, dict)
    assert failed.value.details["type"] == "KeyError"


def test_only_deciders_run_locally() -> None:
    with pytest.raises(ConfigurationError):
        LocalDecisionWorker(activity_task_a)


@decision_task(swf_task_list="approval-or-hour")
def approval_or_hour() -> str:
    approval, hour = Signal.get("approval"), Timer.get(seconds=3600)
    return "timed out" if first_completed(approval, hour).result is hour else "approved"


def test_local_time_skips_only_while_a_result_is_awaited() -> None:
    """A signal sent before `result()` lands first, however late, not after the timer."""
    with LocalEnvironment() as local:
        run = local.start(approval_or_hour)
        deadline = time.monotonic() + 30
        while "TimerStarted" not in [event.event_type for event in run.history()]:
            assert time.monotonic() < deadline, "the first decision never came"
            time.sleep(0.05)
        time.sleep(0.3)  # idle, well past the moment a skipping clock would jump
        run.signal("approval", True)
        assert run.result(timeout=60) == "approved"
        assert local.server.clock.offset < 60
        late = local.start(approval_or_hour)
        assert late.result(timeout=60) == "timed out"  # awaited: the hour is skipped
        assert local.server.clock.offset >= 3500
