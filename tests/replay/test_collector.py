"""The cyclic collector and the replay: a decision resumes the collector only once its
own objects are gone (else the collection that follows the pause rescans every promise
and site of the replay), and a decider let go is freed by reference counting alone.
(The fold's records are untracked: `tests/replay/test_pages.py`.)"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from swflow import activity_task, decision_task, wait_all
from swflow.replay import snapshot
from swflow.replay.state import ExecutionState
from swflow.replay.sticky import StickyDecider
from swflow.testing import run_workflow


@activity_task(swf_domain="gc", swf_task_type="Double", swf_task_version="1", swf_task_list="a")
def double(x: int) -> int:
    return 2 * x


@decision_task(swf_domain="gc", swf_workflow_type="FanOut", swf_workflow_version="1")
def fan_out(n: int) -> int:
    return sum(wait_all(*[double(i) for i in range(n)]).result)


@pytest.fixture(scope="module")
def history() -> list[Any]:
    _, built = run_workflow(fan_out, 300, activities=(double,))
    assert built.events[-1]["eventType"] == "WorkflowExecutionCompleted"
    return built.events


def _up_to_task(events: list[Any], task: int) -> list[Any]:
    """The history as decision task number ``task`` sees it."""
    starts = [i for i, event in enumerate(events) if event["eventType"] == "DecisionTaskStarted"]
    return events[: starts[task - 1] + 1]


@pytest.fixture
def scanned() -> Iterator[list[int]]:
    """How many objects each collection that starts while the test runs looks at."""
    sizes: list[int] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            sizes.append(len(gc.get_objects(info["generation"])))

    gc.collect()  # the counts start from nothing
    gc.callbacks.append(record)
    try:
        yield sizes
    finally:
        gc.callbacks.remove(record)


@pytest.mark.parametrize("task", [2, 5], ids=["waiting", "closing"])
def test_a_decision_leaves_the_collector_nothing_to_scan(
    history: list[Any], task: int, scanned: list[int]
) -> None:
    """Task 2 leaves ~200 calls waiting (100 decisions a task), task 5 closes the run."""
    assert gc.isenabled()
    result = snapshot.decide(_up_to_task(history, task), fan_out, workflow_id="w", run_id="r")
    assert gc.isenabled()
    assert len(result.decisions) == (100 if task == 2 else 1)
    assert result.closes == (task == 5)
    # Freed objects that went to CPython's free lists still count towards the next
    # collection, so one may start; it must find the result's decisions alive (~200
    # objects), not the replay's ~3,200.
    assert all(size < 500 for size in scanned), scanned


@pytest.mark.parametrize("engine", ["snapshot", "sticky"])
def test_a_waiting_decider_leaves_no_cycles_once_let_go(history: list[Any], engine: str) -> None:
    """Its pending promises point back at the replay: let go, reference counting
    frees it all, state included, without waiting for the collector."""
    gc.collect()
    gc.disable()
    try:
        if engine == "snapshot":
            result = snapshot.decide(_up_to_task(history, 4), fan_out, workflow_id="w")
        else:
            decider = StickyDecider(ExecutionState.from_events(_up_to_task(history, 4)), fan_out)
            result = decider.decide()
            assert decider.reusable
            decider.close()
            del decider
        assert len(result.decisions) == 3 and not result.closes  # the last 3 calls
        assert gc.collect() == 0
    finally:
        gc.enable()
