"""Sticky deciders: the code runs once per run, goes on where it waited, and is let go
(unwound, its thread ended) whenever going on could lose or repeat a decision."""

from __future__ import annotations

from typing import Any

import pytest

from swflow import (
    NonDeterministicWorkflowError,
    activity_task,
    cached,
    decision_task,
    wait_all,
)
from swflow.replay import decide as snapshot_decide
from swflow.replay.state import ExecutionState
from swflow.replay.sticky import StickyDecider
from swflow.swf.decisions import CancelWorkflowExecution, CompleteWorkflowExecution
from swflow.testing import HistoryBuilder

runs: list[str] = []  # what the deciders below did, in order


@activity_task
def add_one(x: int) -> int:
    return x + 1


@activity_task
def double(x: int) -> int:
    return x * 2


@cached
def lookup(x: int) -> int:
    runs.append(f"lookup {x}")
    return x * 100


@decision_task
def chain(n: int) -> int:
    runs.append("start")
    try:
        total = 0
        for _ in range(n):
            total = add_one(total).result
        return total
    finally:
        runs.append("finally")


@decision_task
def looks_up_then_adds() -> int:
    first = add_one(0).result
    return int(add_one(lookup(first)).result)


@decision_task
def changed_second_step() -> int:  # the same type as looks_up_then_adds, other code
    add_one(0).result
    return int(double(1).result)


@decision_task
def wide(n: int) -> int:
    return len(wait_all(*[add_one(i) for i in range(n)]).result)


@pytest.fixture(autouse=True)
def _clean() -> None:
    runs.clear()


def _sticky(history: HistoryBuilder, workflow: Any) -> StickyDecider:
    return StickyDecider(ExecutionState.from_events(history.events), workflow)


def _catch_up(decider: StickyDecider, history: HistoryBuilder) -> None:
    decider.state.extend(history.events[decider.state.last_event_id :])


def test_the_code_runs_once_over_a_whole_life() -> None:
    history = HistoryBuilder("chain", input=[20])
    decider = _sticky(history, chain)
    for step in range(1, 21):
        result = decider.decide()
        assert decider.reusable and not result.closes
        history.apply(result)
        history.complete_activity(f"a{step}", step)
        _catch_up(decider, history)
    last = decider.decide()
    assert last.closes and isinstance(last.decisions[-1], CompleteWorkflowExecution)
    assert last.decisions[-1].result is not None and last.decisions[-1].result.endswith("\n20")
    assert runs == ["start", "finally"]  # snapshot replay would have started 21 times
    assert not decider.reusable
    with pytest.raises(RuntimeError, match="ended"):
        decider.decide()


def test_every_decision_equals_a_fresh_replay_of_the_same_history() -> None:
    history = HistoryBuilder("chain", input=[8])
    decider = _sticky(history, chain)
    for step in range(1, 7):
        result = decider.decide()
        assert result.decisions == snapshot_decide(history.events, chain).decisions
        history.apply(result)
        if step < 6:
            history.complete_activity(f"a{step}", step)
        else:
            history.fail_activity(f"a{step}", "Boom", {"message": "no"})
        _catch_up(decider, history)
    # the failed step fails the workflow in both engines, with the same reason and details
    last = decider.decide()
    assert last.closes and last.decisions == snapshot_decide(history.events, chain).decisions


def test_a_decider_behind_another_process_goes_on_from_what_it_decided() -> None:
    history = HistoryBuilder("looks_up_then_adds")
    ours = _sticky(history, looks_up_then_adds)
    history.apply(ours.decide())  # a1, then we wait
    history.complete_activity("a1", 1)
    other = snapshot_decide(history.events, looks_up_then_adds)  # another decider: lookup, a2
    assert runs == ["lookup 1"]
    history.apply(other)
    history.complete_activity("a2", 101)
    _catch_up(ours, history)
    result = ours.decide()
    assert runs == ["lookup 1"]  # the recorded value is used, the function not run again
    assert result.decisions == snapshot_decide(history.events, looks_up_then_adds).decisions
    assert result.closes


def test_code_that_no_longer_matches_what_another_decider_recorded_is_caught(
    decider_threads: Any,
) -> None:
    history = HistoryBuilder("looks_up_then_adds")
    ours = _sticky(history, changed_second_step)  # new code, suspended after a1
    history.apply(ours.decide())
    history.complete_activity("a1", 1)
    history.apply(snapshot_decide(history.events, looks_up_then_adds))  # old code: a2 add_one
    history.complete_activity("a2", 101)
    _catch_up(ours, history)
    with pytest.raises(NonDeterministicWorkflowError, match="a2"):
        ours.decide()
    assert not ours.reusable and not decider_threads()


def test_closing_unwinds_the_waiting_code_and_ends_its_thread(decider_threads: Any) -> None:
    history = HistoryBuilder("chain", input=[3])
    decider = _sticky(history, chain)
    decider.decide()
    assert runs == ["start"] and len(decider_threads()) == 1
    decider.close()
    assert runs == ["start", "finally"]  # the code's finally block ran
    assert not decider_threads() and not decider.reusable
    decider.close()  # twice is harmless


def test_a_cancel_request_while_waiting_is_raised_in_the_code_and_cancels(
    decider_threads: Any,
) -> None:
    history = HistoryBuilder("chain", input=[3])
    decider = _sticky(history, chain)
    history.apply(decider.decide())
    history.add("WorkflowExecutionCancelRequested", cause="CHILD_POLICY_APPLIED")
    history.add("DecisionTaskScheduled", taskList={"name": "decisions"})
    _catch_up(decider, history)
    result = decider.decide()
    [cancel] = result.decisions
    assert isinstance(cancel, CancelWorkflowExecution) and result.closes
    assert "CancelRequestedError" in (cancel.details or "")
    assert "child policy" in (cancel.details or "")
    assert runs == ["start", "finally"] and not decider_threads()  # raised at the wait


def test_a_decider_whose_decisions_did_not_all_go_out_is_not_kept() -> None:
    history = HistoryBuilder("wide", input=[150])
    decider = _sticky(history, wide)
    result = decider.decide()
    assert len(result.decisions) == 100  # 99 activities and a wake-up timer; 51 wait
    assert not decider.reusable  # going on would never schedule the other 51
    decider.close()
    history.apply(result)  # the wake-up timer fired: a fresh replay sends the rest
    assert len(snapshot_decide(history.events, wide).decisions) == 51


@decision_task
def many_lookups(n: int) -> int:
    runs.append("start")
    return sum(lookup(i) for i in range(n))


def test_cached_calls_beyond_a_tasks_room_wait_in_the_decider_and_it_goes_on() -> None:
    """250 cached calls need three decision tasks (99 markers each): the decider waits
    inside the call for the next one instead of unwinding, so the code starts once and
    no task replays the markers before it."""
    history = HistoryBuilder("many_lookups", input=[250])
    decider = _sticky(history, many_lookups)
    tasks = 0
    while True:
        result = decider.decide()
        tasks += 1
        history.apply(result)
        if result.closes:
            break
        assert decider.reusable  # kept: it waits for room, holding nothing back
        _catch_up(decider, history)  # the wake-up timer fired: the next task
    assert tasks == 3
    assert runs.count("start") == 1
    assert [r for r in runs if r.startswith("lookup")] == [f"lookup {i}" for i in range(250)]
    total = result.decisions[-1]
    assert isinstance(total, CompleteWorkflowExecution) and total.result is not None
    assert total.result.endswith(f"\n{sum(i * 100 for i in range(250))}")
