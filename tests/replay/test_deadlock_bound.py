"""A decider that does not reach its next wait within its bound is abandoned: the
engine raises DeciderStuckError (with where the code is stuck) and moves on; code that
progresses, and @cached side effects however long, are never abandoned."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from swflow import activity_task, cached, decision_task
from swflow.errors import DeciderStuckError
from swflow.replay.decider import SnapshotDecider
from swflow.replay.state import ExecutionState
from swflow.replay.sticky import StickyDecider
from swflow.testing import HistoryBuilder

RELEASE = threading.Event()


@decision_task(swf_workflow_type="blocks")
def blocks() -> None:
    RELEASE.wait(30)  # a blocking call, as time.sleep(60) would be


@decision_task(swf_workflow_type="spins")
def spins() -> None:
    give_up = time.monotonic() + 30  # a test that does not catch it still ends
    while not RELEASE.is_set() and time.monotonic() < give_up:  # a busy loop
        pass


@activity_task
def step(i: int) -> int:
    return i


@decision_task(swf_workflow_type="progresses")
def progresses(n: int) -> None:
    for i in range(n):
        step(i)  # a call site each time: progress
        time.sleep(0.02)


@cached
def slow_query() -> int:
    time.sleep(0.6)  # longer than the bound: a side effect may take its time
    return 7


@decision_task(swf_workflow_type="queries")
def queries() -> int:
    return slow_query()


RUNNERS = {"sticky": StickyDecider, "snapshot": SnapshotDecider}


def _decider(runner: str, kind: str, workflow: Any, *args: Any) -> Any:
    state = ExecutionState.from_events(HistoryBuilder(kind, input=list(args)).events)
    return RUNNERS[runner](state, workflow.definition, deadlock_timeout=0.3)


@pytest.fixture(autouse=True)
def released() -> Any:
    RELEASE.clear()
    yield
    RELEASE.set()  # abandoned threads end with the test


@pytest.mark.parametrize("runner", sorted(RUNNERS))
@pytest.mark.parametrize(
    ("kind", "workflow", "line"),
    [
        ("blocks", blocks, "RELEASE.wait(30)"),
        ("spins", spins, "while not RELEASE.is_set() and time.monotonic() < give_up"),
    ],
)
def test_a_decider_stuck_past_its_bound_is_abandoned(
    runner: str, kind: str, workflow: Any, line: str
) -> None:
    decider = _decider(runner, kind, workflow)
    began = time.monotonic()
    with pytest.raises(
        DeciderStuckError, match=r"did not reach its next wait within 0\.3 s"
    ) as raised:
        decider.decide()
    assert time.monotonic() - began < 20  # it came back (the bound, not the 30 s wait)
    assert line in raised.value.stack  # where the code is stuck
    assert decider.stuck
    RELEASE.set()
    deadline = time.monotonic() + 20
    while decider.stuck:  # its code got past the block, and the thread ended
        assert time.monotonic() < deadline
        time.sleep(0.01)


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_progress_and_slow_cached_calls_are_not_stuck(runner: str) -> None:
    result = _decider(runner, "progresses", progresses, 40).decide()  # 40 x 20 ms > 0.3 s
    assert sum(d.decision_type == "ScheduleActivityTask" for d in result.decisions) == 40
    result = _decider(runner, "queries", queries).decide()
    assert result.closes
