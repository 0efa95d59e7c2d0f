"""History in, decisions out: the shapes of workflows the engine must drive."""

from __future__ import annotations

from typing import Any

import pytest

from swflow import (
    NonDeterministicWorkflowError,
    Promise,
    activity_task,
    decision_task,
    first_completed,
    wait_all,
)
from swflow.replay import decide
from swflow.swf.decisions import CompleteWorkflowExecution, ScheduleActivityTask, StartTimer
from swflow.testing import HistoryBuilder, run_workflow


@activity_task(
    swf_domain="example",
    swf_task_type="TestActivityA",
    swf_task_version="1.0",
    swf_task_list="activity_a",
)
def activity_task_a(b: int) -> int:
    return b + b


@decision_task(
    swf_domain="example",
    swf_workflow_type="TestWorkflow",
    swf_workflow_version="1.0",
    swf_task_list="decider_a",
)
def decider_a() -> int:
    a1 = activity_task_a(5)
    a2 = activity_task_a(10)
    return int(a1.result + a2.result)


def _scheduled(result: Any) -> list[ScheduleActivityTask]:
    return [d for d in result.decisions if isinstance(d, ScheduleActivityTask)]


def test_the_seed_decider_schedules_both_activities_then_completes() -> None:
    history = HistoryBuilder("TestWorkflow")
    first = decide(history.events, decider_a)
    scheduled = _scheduled(first)
    assert [(d.activity_id, d.activity_type["name"], d.input) for d in scheduled] == [
        ("a1", "TestActivityA", "swflow/1 json inline 3 -\n[5]"),
        ("a2", "TestActivityA", "swflow/1 json inline 4 -\n[10]"),
    ]
    assert scheduled[0].task_list == "activity_a"
    assert not first.closes and first.waiting_on == ["activity TestActivityA #1"]

    history.apply(first)
    history.complete_activity("a2", 20)  # completion order does not matter
    assert decide(history.events, decider_a).decisions == []  # still waiting on a1
    history.apply([])
    history.complete_activity("a1", 10)
    last = decide(history.events, decider_a)
    assert last.closes
    assert last.decisions == [CompleteWorkflowExecution("swflow/1 json inline 2 -\n30")]


def test_outside_a_decider_an_activity_is_a_plain_call() -> None:
    assert activity_task_a(21) == 42


@activity_task
def add_one(x: int) -> int:
    return x + 1


@decision_task
def sequential(start: int, steps: int) -> int:
    value = start
    for _ in range(steps):
        value = add_one(value).result
    return value


def test_sequential_workflow_schedules_one_step_per_decision() -> None:
    history = HistoryBuilder("sequential", input=[10, 3])
    for step in range(3):
        result = decide(history.events, sequential)
        assert [d.activity_id for d in _scheduled(result)] == [f"a{step + 1}"]
        history.apply(result)
        history.complete_activity(f"a{step + 1}", 11 + step)
    assert decide(history.events, sequential).decisions == [
        CompleteWorkflowExecution("swflow/1 json inline 2 -\n13")
    ]


@decision_task
def fan_out(n: int) -> list[int]:
    results = wait_all(*[add_one(i) for i in range(n)])
    return list(results.result)


def test_fan_out_schedules_everything_in_one_decision_and_joins() -> None:
    result, _ = run_workflow(fan_out, 20, activities=(add_one,))
    assert result.decisions == [
        CompleteWorkflowExecution(
            "swflow/1 json inline "
            + str(len(str(list(range(1, 21))).replace(" ", "")))
            + " -\n"
            + str(list(range(1, 21))).replace(" ", "")
        )
    ]
    first = decide(HistoryBuilder("fan_out", input=[20]).events, fan_out)
    assert len(_scheduled(first)) == 20


@activity_task
def double(x: int) -> int:
    return 2 * x


@decision_task
def chained() -> int:
    a = add_one(1)
    b = double(a)  # a promise as an argument: scheduled once a is ready
    return int(b.result)


def test_a_dependent_call_waits_for_its_promise_arguments() -> None:
    history = HistoryBuilder("chained")
    first = decide(history.events, chained)
    assert [d.activity_id for d in _scheduled(first)] == ["a1"]
    history.apply(first)
    history.complete_activity("a1", 2)
    second = decide(history.events, chained)
    assert [(d.activity_id, d.input) for d in _scheduled(second)] == [
        ("a2", "swflow/1 json inline 3 -\n[2]")
    ]
    result, _ = run_workflow(chained, activities=(add_one, double))
    assert result.decisions == [CompleteWorkflowExecution("swflow/1 json inline 1 -\n4")]


@decision_task
def race() -> str:
    fast, slow = add_one(1), add_one(2)
    winner = first_completed(slow, fast).result
    return "fast" if winner is fast else "slow"


def test_first_completed_is_decided_by_history_order() -> None:
    history = HistoryBuilder("race")
    history.apply(decide(history.events, race))
    assert decide(history.events, race).decisions == []
    history.complete_activity("a1", 2)
    history.complete_activity("a2", 3)
    assert decide(history.events, race).decisions == [
        CompleteWorkflowExecution('swflow/1 json inline 6 -\n"fast"')
    ]


@decision_task
def wide(n: int) -> int:
    return len(wait_all(*[add_one(i) for i in range(n)]).result)


def test_150_activities_go_out_as_100_now_and_50_next() -> None:
    history = HistoryBuilder("wide", input=[150])
    first = decide(history.events, wide)
    assert len(first.decisions) == 100
    assert len(_scheduled(first)) == 99
    wakeup = first.decisions[-1]
    assert isinstance(wakeup, StartTimer) and wakeup.start_to_fire_timeout == 0
    history.apply(first)  # the zero-second timer fires: a new decision task
    second = decide(history.events, wide)
    assert [d.activity_id for d in _scheduled(second)] == [f"a{i}" for i in range(100, 151)]
    assert not second.closes
    result, _ = run_workflow(wide, 150, activities=(add_one,))
    assert result.decisions == [CompleteWorkflowExecution("swflow/1 json inline 3 -\n150")]


@decision_task
def guarded() -> str:
    try:
        return str(add_one(1).result)
    except Exception:
        return "swallowed"


@decision_task
def bare_guarded() -> str:
    try:
        return str(add_one(1).result)
    except BaseException:  # the worst a user can write
        return "swallowed"


@pytest.mark.parametrize("workflow", [guarded, bare_guarded])
def test_user_exception_handlers_cannot_swallow_the_block(workflow: Any) -> None:
    result = decide(HistoryBuilder(workflow.definition.name).events, workflow)
    assert not result.closes
    assert [d.activity_id for d in _scheduled(result)] == ["a1"]


@decision_task(swf_workflow_type="reordered")
def original_order() -> int:
    return int(add_one(1).result + double(2).result)


@decision_task(swf_workflow_type="reordered")
def changed_order() -> int:
    return int(double(2).result + add_one(1).result)


def test_reordering_activities_is_a_nondeterminism_error() -> None:
    history = HistoryBuilder("reordered")
    history.apply(decide(history.events, original_order))
    with pytest.raises(NonDeterministicWorkflowError, match=r"a1.*double.*add_one"):
        decide(history.events, changed_order)


@activity_task(swf_task_type="TestActivityA", swf_task_version="2.0")
def activity_task_a_v2(b: int) -> int:
    return b * 3


@decision_task(swf_workflow_type="TestWorkflow", swf_workflow_version="1.0")
def decider_a_on_v2() -> int:
    return int(activity_task_a_v2(5).result)


@pytest.mark.parametrize("completed", [True, False])
def test_a_new_version_of_a_recorded_activity_is_a_nondeterminism_error(
    completed: bool,
) -> None:
    history = HistoryBuilder("TestWorkflow")
    history.apply(decide(history.events, decider_a))
    if completed:  # the replay's common case: the recorded attempt completed
        history.complete_activity("a1", 10)
    with pytest.raises(
        NonDeterministicWorkflowError,
        match=r"asks for TestActivityA 2\.0 where the history recorded TestActivityA 1\.0",
    ):
        decide(history.events, decider_a_on_v2)


@decision_task(swf_workflow_type="shrunk")
def two_steps() -> int:
    return int(add_one(1).result + add_one(2).result)


@decision_task(swf_workflow_type="shrunk")
def one_step() -> int:
    return int(add_one(1).result)


def test_a_decider_that_skips_recorded_work_is_nondeterministic() -> None:
    history = HistoryBuilder("shrunk")
    history.apply(decide(history.events, two_steps))
    history.complete_activity("a1", 2)
    history.apply(decide(history.events, two_steps))
    history.complete_activity("a2", 3)
    with pytest.raises(NonDeterministicWorkflowError, match="a2"):
        decide(history.events, one_step)


@decision_task(swf_workflow_type="long")
def many_steps(n: int) -> int:
    for i in range(n):
        add_one(i).result
    return n


@decision_task(swf_workflow_type="long")
def stops_early(n: int) -> int:
    for i in range(10):  # new code: ten steps where 300 were recorded
        add_one(i).result
    return n


def test_a_long_history_left_unreached_is_named_in_a_short_message() -> None:
    history = HistoryBuilder("long", input=[300])
    for i in range(1, 301):
        history.apply(decide(history.events, many_steps))
        history.complete_activity(f"a{i}", i)
    with pytest.raises(NonDeterministicWorkflowError) as raised:
        decide(history.events, stops_early)
    message = str(raised.value)
    assert message.endswith(", and 280 more") and len(message) < 300, message
    named = message.rsplit(": ", maxsplit=1)[-1].split(", ")[:-1]
    assert len(named) == 10 and "a11" in named and "a10" not in named, named


@decision_task(swf_workflow_type="shrunk")
def waits_first() -> int:
    from swflow import Timer

    Timer.get(seconds=60).result  # new code: a wait before the recorded activity
    return int(add_one(1).result)


def test_a_decider_that_now_blocks_before_recorded_work_is_nondeterministic() -> None:
    history = HistoryBuilder("shrunk")
    history.apply(decide(history.events, two_steps))  # a1 recorded, still running
    with pytest.raises(NonDeterministicWorkflowError, match=r"blocked on timer .* a1"):
        decide(history.events, waits_first)


@decision_task
def catches_nondeterminism() -> str:
    try:
        return str(double(1).result)
    except Exception:
        return "hidden"


def test_nondeterminism_cannot_be_hidden_by_user_code() -> None:
    history = HistoryBuilder("catches_nondeterminism")
    history.apply([ScheduleActivityTask("a1", {"name": "add_one", "version": "1.0"})])
    with pytest.raises(NonDeterministicWorkflowError):
        decide(history.events, catches_nondeterminism)


def test_promise_reports_state() -> None:
    history = HistoryBuilder("chained")
    history.apply(decide(history.events, chained))
    history.complete_activity("a1", 2)
    seen: dict[str, Any] = {}

    @decision_task(swf_workflow_type="chained")
    def probe() -> None:
        first: Promise[int] = add_one(1)
        second: Promise[int] = double(first)
        seen.update(first=first.is_ready, second=second.is_ready, value=first.result)
        second.result  # blocks

    decide(history.events, probe)
    assert seen == {"first": True, "second": False, "value": 2}
