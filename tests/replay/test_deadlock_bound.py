"""A decider that does not reach its next wait within its bound is abandoned: the
engine raises DeciderStuckError (with where the code is stuck) and moves on; code that
progresses, @cached side effects and payload fetches however long are never abandoned."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from swflow import activity_task, cached, decision_task
from swflow.errors import DeciderStuckError
from swflow.payloads import PayloadCodec
from swflow.replay.decider import SnapshotDecider
from swflow.replay.state import ExecutionState
from swflow.replay.sticky import StickyDecider
from swflow.serializers import JsonSerializer
from swflow.stores import LocalDataStore, Ref
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


class SlowStore(LocalDataStore):
    """A store whose reads take longer than the bound (a cold s3fs import under load)."""

    def get(self, ref: Ref) -> bytes:
        time.sleep(0.6)
        return super().get(ref)


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_a_slow_payload_fetch_is_not_stuck(runner: str, tmp_path: Path) -> None:
    store = SlowStore(tmp_path)

    @activity_task(swf_task_type="fetched", result_data_store=store)
    def fetched() -> int:
        return 0

    @decision_task(swf_workflow_type="reads")
    def reads() -> int:
        return int(fetched().result) + int(slow_cached().result) + 1

    @cached(result_data_store=store)
    def slow_cached() -> int:
        return 41

    history = HistoryBuilder("reads")
    state = ExecutionState.from_events(history.events)
    first = RUNNERS[runner](state, reads.definition, deadlock_timeout=0.3).decide()
    history.apply(first)
    result = PayloadCodec().encode(41, JsonSerializer(), store, field="result")
    history.complete_activity("a1", raw_result=result)
    state = ExecutionState.from_events(history.events)
    decided = RUNNERS[runner](state, reads.definition, deadlock_timeout=0.3).decide()
    assert decided.closes  # a 0.6 s read, past the 0.3 s bound: not abandoned
