"""What a decider asks about its own run, answered the same on every replay: patches
(versioning running workflows), the history's length and continue-as-new, seeded
randomness, and a logger that does not repeat itself."""

from __future__ import annotations

import logging
import random as stdlib_random
import uuid
from typing import Any

import pytest

import swflow
from swflow import (
    ConfigurationError,
    Timer,
    activity_task,
    continue_as_new,
    continue_as_new_suggested,
    decision_task,
    deprecate_patch,
    history_length,
    patched,
    workflow_logger,
)
from swflow.replay import decide
from swflow.swf.decisions import (
    ContinueAsNewWorkflowExecution,
    RecordMarker,
    ScheduleActivityTask,
    StartTimer,
)
from swflow.testing import HistoryBuilder
from tests.replay.outcomes import completed_with


def _activities(result: Any) -> list[tuple[str, str]]:
    return [
        (d.activity_id, d.activity_type["name"])
        for d in result.decisions
        if isinstance(d, ScheduleActivityTask)
    ]


@activity_task
def charge(x: int) -> int:
    return x


@activity_task
def send_receipt(x: int) -> str:
    return "sent"


@activity_task
def ship(x: int) -> str:
    return "shipped"


# Three versions of one decider, as they would be deployed one after the other.


@decision_task(swf_workflow_type="order")
def order_v1() -> str:
    charge(1).result
    return str(ship(1).result)


@decision_task(swf_workflow_type="order")
def order_v2() -> str:
    charge(1).result
    if patched("receipt"):
        send_receipt(1).result
    assert patched("receipt") == patched("receipt")  # one answer for the whole run
    return str(ship(1).result)


@decision_task(swf_workflow_type="order")
def order_v3() -> str:
    charge(1).result
    deprecate_patch("receipt")
    send_receipt(1).result
    return str(ship(1).result)


def test_a_run_started_under_v1_replays_under_v2_along_the_old_path() -> None:
    history = HistoryBuilder("order")
    history.apply(decide(history.events, order_v1))
    history.complete_activity("a1", 1)
    step = decide(history.events, order_v1)
    assert _activities(step) == [("a2", "ship")]
    history.apply(step)
    # v2 is deployed while the run waits for ship: it must not take the new branch.
    assert decide(history.events, order_v2).decisions == []
    history.apply([])
    history.complete_activity("a2", "shipped")
    assert completed_with(decide(history.events, order_v2)) == "shipped"


def test_a_run_started_under_v2_takes_the_new_path_and_records_it() -> None:
    history = HistoryBuilder("order")
    history.apply(decide(history.events, order_v2))
    history.complete_activity("a1", 1)
    step = decide(history.events, order_v2)
    assert step.decisions[0] == RecordMarker("swflow.patch:receipt", "receipt")
    assert _activities(step) == [("a2", "send_receipt")]
    history.apply(step)
    history.complete_activity("a2", "sent")
    step = decide(history.events, order_v2)  # a replay: the marker says True again
    assert _activities(step) == [("a3", "ship")] and len(step.decisions) == 1
    history.apply(step)
    history.complete_activity("a3", "shipped")
    assert completed_with(decide(history.events, order_v2)) == "shipped"
    # v3 (deprecate_patch) replays the v2 run; without it, plain new code would too.
    assert completed_with(decide(history.events, order_v3)) == "shipped"


def test_deprecate_patch_records_the_marker_for_new_runs() -> None:
    history = HistoryBuilder("order")
    history.apply(decide(history.events, order_v3))
    history.complete_activity("a1", 1)
    step = decide(history.events, order_v3)
    assert step.decisions[0] == RecordMarker("swflow.patch:receipt", "receipt")
    history.apply(step)
    history.complete_activity("a2", "sent")
    assert _activities(decide(history.events, order_v2)) == [("a3", "ship")]  # rollback safe


@decision_task
def patched_first() -> bool:
    return patched("from-the-start")


def test_a_patch_before_any_wait_is_false_for_a_run_whose_first_task_went_by() -> None:
    history = HistoryBuilder("patched_first")
    assert decide(history.events, patched_first).decisions[0] == RecordMarker(
        "swflow.patch:from-the-start", "from-the-start"
    )
    history.apply([])  # the first task was answered by older code, without the marker
    assert completed_with(decide(history.events, patched_first)) is False


# History length and continue-as-new.


@decision_task(continue_as_new_after=40)
def ticks(generation: int) -> int:
    while not continue_as_new_suggested():
        Timer.get(seconds=60).result
    if generation < 1:
        continue_as_new(generation + 1)
    return history_length()


def test_a_timer_loop_continues_as_new_past_the_threshold_and_warns_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    history = HistoryBuilder("ticks", input=[0])
    caplog.set_level(logging.WARNING, "swflow.replay")
    for _ in range(50):
        result = decide(history.events, ticks)
        history.apply(result)
        if result.closes:
            break
        [timer] = result.decisions
        assert isinstance(timer, StartTimer)
        history.fire_timer(timer.timer_id)
    [close] = result.decisions
    assert isinstance(close, ContinueAsNewWorkflowExecution)
    assert 40 <= len(history.events) < 50
    warnings = [r for r in caplog.records if "continue_as_new_after=40" in r.getMessage()]
    assert len(warnings) == 1


@decision_task
def measures() -> list[int]:
    first = history_length()
    Timer.get(seconds=1).result
    return [first, history_length()]


def test_history_length_is_the_same_on_every_replay() -> None:
    history = HistoryBuilder("measures")
    history.apply(decide(history.events, measures))
    history.fire_timer("t1")
    answer = completed_with(decide(history.events, measures))
    assert answer == [2, 7]  # events before each of the two decision tasks
    history.apply([])  # that task's answer was lost: the next replay says the same
    assert completed_with(decide(history.events, measures)) == answer


def test_the_threshold_is_checked_at_decoration() -> None:
    with pytest.raises(ConfigurationError, match="continue_as_new_after"):
        decision_task(continue_as_new_after=30_000)(lambda: None)


# Randomness.


@decision_task
def rolls() -> list[Any]:
    before = swflow.random().randint(0, 10**9)
    Timer.get(seconds=1).result
    return [before, swflow.random().randint(0, 10**9), str(swflow.uuid4())]


def test_random_and_uuid4_are_seeded_from_the_run_and_replay_identically() -> None:
    history = HistoryBuilder("rolls")
    history.apply(decide(history.events, rolls, workflow_id="w", run_id="r1"))
    history.fire_timer("t1")
    answer = completed_with(decide(history.events, rolls, workflow_id="w", run_id="r1"))
    again = completed_with(decide(history.events, rolls, workflow_id="w", run_id="r1"))
    assert again == answer
    seeded = stdlib_random.Random("w/r1")
    first, second = seeded.randint(0, 10**9), seeded.randint(0, 10**9)
    assert answer[:2] == [first, second]
    assert uuid.UUID(answer[2]).version == 4
    other = completed_with(decide(history.events, rolls, workflow_id="w", run_id="r2"))
    assert other != answer


@pytest.mark.parametrize("helper", [swflow.random, swflow.uuid4, patched, history_length])
def test_outside_a_decider_the_run_helpers_refuse(helper: Any) -> None:
    with pytest.raises(ConfigurationError, match="inside a decider"):
        helper("x") if helper is patched else helper()


# Replay-safe logging.


@decision_task
def logs_steps() -> int:
    workflow_logger.info("starting")
    total = charge(1).result
    workflow_logger.info("charged %s", total)
    total += charge(2).result
    workflow_logger.warning("done with %s", total)
    return int(total)


def test_the_workflow_logger_writes_each_line_once_per_run(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, "swflow.workflow")
    history = HistoryBuilder("logs_steps")
    history.apply(decide(history.events, logs_steps, workflow_id="w7", run_id="r7"))
    history.complete_activity("a1", 1)
    history.apply(decide(history.events, logs_steps, workflow_id="w7", run_id="r7"))
    history.complete_activity("a2", 2)
    assert completed_with(decide(history.events, logs_steps, workflow_id="w7", run_id="r7")) == 3
    lines = [r for r in caplog.records if r.name == "swflow.workflow"]
    assert [r.getMessage() for r in lines] == ["starting", "charged 1", "done with 3"]
    assert {(r.workflow_id, r.run_id) for r in lines} == {("w7", "r7")}  # type: ignore[attr-defined]


def test_outside_a_decider_the_workflow_logger_is_a_plain_logger(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, "swflow.workflow")
    workflow_logger.info("plain %d", 1)
    assert [r.getMessage() for r in caplog.records] == ["plain 1"]


# Tags.


@pytest.mark.parametrize(
    ("tags", "problem"),
    [
        (["a", "b", "c", "d", "e", "f"], "at most 5"),
        (["bad|tag"], "only letters"),
        (["x" * 257], "at most 256"),
        ("one-string", "a list of strings"),
    ],
)
def test_tags_are_checked_at_decoration(tags: Any, problem: str) -> None:
    with pytest.raises(ConfigurationError, match=problem):
        decision_task(tag_list=tags)(lambda: None)
