"""@cached, child workflows, continue-as-new, and payloads that stay out of the decider."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from swflow import (
    CachedCallError,
    ChildWorkflowError,
    Timer,
    activity_task,
    cached,
    continue_as_new,
    decision_task,
    now,
)
from swflow.calls import decode_call
from swflow.payloads import PayloadCodec, decode, parse_envelope
from swflow.replay import decide
from swflow.replay.snapshot import decide as snapshot_decide  # never swapped for sticky replays
from swflow.serializers import MsgpackSerializer
from swflow.stores import LocalDataStore, Ref
from swflow.swf.decisions import (
    CompleteWorkflowExecution,
    ContinueAsNewWorkflowExecution,
    RecordMarker,
    ScheduleActivityTask,
    StartChildWorkflowExecution,
    StartTimer,
)
from swflow.testing import HistoryBuilder, run_workflow

CALLS = {"count": 0}


@cached
def read_database() -> int:
    CALLS["count"] += 1
    return CALLS["count"] * 10


@activity_task
def step(x: int) -> int:
    return x + 1


@decision_task
def twice_cached(steps: int) -> int:
    total = read_database() + read_database()
    for index in range(steps):
        total = step(total + index).result
    return total


def test_a_cached_function_called_twice_runs_exactly_twice_across_1000_replays() -> None:
    CALLS["count"] = 0
    history = HistoryBuilder("twice_cached", input=[999])
    for index in range(1000):
        result = decide(history.events, twice_cached)
        history.apply(result)
        if result.closes:
            break
        activity = next(d for d in result.decisions if isinstance(d, ScheduleActivityTask))
        history.complete_activity(activity.activity_id, index)
    assert index == 999 and result.closes
    assert CALLS["count"] == 2
    markers = [e for e in history.events if e["eventType"] == "MarkerRecorded"]
    assert [m["markerRecordedEventAttributes"]["markerName"] for m in markers] == [
        "swflow.cached:read_database",
        "swflow.cached:read_database",
    ]


@cached
def falsy(kind: str) -> Any:
    return {"zero": 0, "empty": "", "list": [], "none": None, "false": False}[kind]


@decision_task
def uses_falsy() -> list[Any]:
    return [falsy(kind) for kind in ("zero", "empty", "list", "none", "false")]


def test_falsy_cached_values_are_values() -> None:
    history = HistoryBuilder("uses_falsy")
    first = decide(history.events, uses_falsy)
    assert [type(d).__name__ for d in first.decisions] == ["RecordMarker"] * 5 + [
        "CompleteWorkflowExecution"
    ]
    history.apply(first.decisions[:5])  # the markers landed, the completion did not
    replay = decide(history.events, uses_falsy)
    assert replay.decisions == [
        CompleteWorkflowExecution('swflow/1 json inline 20 -\n[0,"",[],null,false]')
    ]


BOOM = {"count": 0}


@cached
def explodes() -> None:
    BOOM["count"] += 1
    raise KeyError("missing row")


@decision_task
def catches_cached_error() -> str:
    try:
        explodes()
    except CachedCallError as error:
        return f"{error.type_name}: {error.message}"
    return "no error"


def test_exceptions_in_cached_functions_are_recorded_and_raised_the_same_way() -> None:
    BOOM["count"] = 0
    history = HistoryBuilder("catches_cached_error")
    first = decide(history.events, catches_cached_error)
    assert isinstance(first.decisions[0], RecordMarker)
    assert first.decisions[0].marker_name == "swflow.cached-error:explodes"
    history.apply(first.decisions[:1])
    replay = decide(history.events, catches_cached_error)
    assert BOOM["count"] == 1
    assert (
        replay.decisions
        == first.decisions[1:]
        == [CompleteWorkflowExecution("swflow/1 json inline 25 -\n\"KeyError: 'missing row'\"")]
    )


def test_a_cached_value_of_5_mb_lives_in_its_store(tmp_path: Path) -> None:
    store = LocalDataStore(tmp_path)
    blob = os.urandom(5 * 2**20)

    @cached(name="big_lookup", result_data_serializer=MsgpackSerializer(), result_data_store=store)
    def big_lookup() -> bytes:
        return blob

    @decision_task(swf_workflow_type="big_cached")
    def big_cached() -> int:
        return len(big_lookup())

    history = HistoryBuilder("big_cached")
    first = decide(history.events, big_cached)
    marker = first.decisions[0]
    assert isinstance(marker, RecordMarker) and marker.details is not None
    assert len(marker.details) < 300
    assert parse_envelope(marker.details).ref.scheme == "file"
    history.apply(first.decisions[:1])
    assert decide(history.events, big_cached, codec=PayloadCodec()).decisions == [
        CompleteWorkflowExecution("swflow/1 json inline 7 -\n5242880")
    ]


def test_a_cached_value_too_large_for_the_marker_names_the_fix() -> None:
    @cached(name="too_big")
    def too_big() -> str:
        return "x" * 40_000

    @decision_task(swf_workflow_type="too_big_wf")
    def too_big_wf() -> str:
        return too_big()

    result = decide(HistoryBuilder("too_big_wf").events, too_big_wf)
    failure = result.decisions[-1]
    assert "PayloadTooLargeError" in (failure.reason or "")  # type: ignore[attr-defined]
    assert "cached too_big marker details" in (failure.reason or "")  # type: ignore[attr-defined]


@decision_task
def clock_twice() -> list[float]:
    return [now().timestamp(), now().timestamp()]


def test_now_is_recorded_once_per_call_site() -> None:
    history = HistoryBuilder("clock_twice")
    first = decide(history.events, clock_twice)
    markers = [d for d in first.decisions if isinstance(d, RecordMarker)]
    assert [m.marker_name for m in markers] == ["swflow.cached:swflow.now"] * 2  # one per call
    history.apply(first.decisions[:2])
    replay = decide(history.events, clock_twice)
    assert replay.decisions == first.decisions[2:]


@decision_task
def clock_before_a_timer() -> float:
    before = now()
    Timer.get(seconds=60).result
    return before.timestamp()


def test_a_replay_in_a_later_task_reads_now_from_its_marker() -> None:
    """A fresh replay (another process, a dropped decider) at a later decision task, when
    SWF's clock has moved on, returns what the first task recorded."""
    history = HistoryBuilder("clock_before_a_timer")
    first = decide(history.events, clock_before_a_timer)
    (marker,) = [d for d in first.decisions if isinstance(d, RecordMarker)]
    recorded = decode(marker.details)
    history.apply(first.decisions)
    history.fire_timer(next(d for d in first.decisions if isinstance(d, StartTimer)).timer_id)
    later = history.events[-1]["eventTimestamp"].timestamp()
    assert later > recorded  # the timer's decision task started later
    fresh = snapshot_decide(history.events, clock_before_a_timer)
    completion = fresh.decisions[-1].to_swf()["completeWorkflowExecutionDecisionAttributes"]
    assert decode(completion["result"]) == recorded


# Child workflows.


@decision_task(swf_task_list="children")
def child(x: int) -> int:
    return int(step(x).result)


@decision_task
def parent() -> int:
    return int(child(1).result) * 100


def test_a_child_workflow_starts_and_its_result_returns() -> None:
    history = HistoryBuilder("parent")
    first = decide(history.events, parent, workflow_id="order-7", run_id="r/1")
    start = first.decisions[0]
    assert isinstance(start, StartChildWorkflowExecution)
    assert start.workflow_id == "order-7.r_1.c1"
    assert (start.workflow_type, start.task_list, start.input) == (
        {"name": "child", "version": "1.0"},
        "children",
        "swflow/1 json inline 3 -\n[1]",
    )
    history.apply(first)
    history.complete_child(start.workflow_id, 2)
    assert decide(history.events, parent, workflow_id="order-7", run_id="r/1").decisions == [
        CompleteWorkflowExecution("swflow/1 json inline 3 -\n200")
    ]


def test_a_failed_child_raises_child_workflow_error() -> None:
    history = HistoryBuilder("parent")
    history.apply(decide(history.events, parent, workflow_id="w", run_id="r"))
    history.fail_child("w.r.c1", "Boom", {"message": "child broke"})
    failure = decide(history.events, parent, workflow_id="w", run_id="r").decisions[0]
    assert (failure.reason or "").startswith(  # type: ignore[attr-defined]
        "ChildWorkflowError: child workflow child (w.r.c1) failed: Boom"
    )
    assert ChildWorkflowError.__mro__[1].__name__ == "TaskError"


# Large payloads: forwarded by reference, never read by the decider.


class CountingStore(LocalDataStore):
    gets = 0

    def get(self, ref: Ref) -> bytes:
        CountingStore.gets += 1
        return super().get(ref)


@pytest.fixture
def big_store(tmp_path: Path) -> CountingStore:
    CountingStore.gets = 0
    return CountingStore(tmp_path / "big")


def test_a_50_mb_result_flows_to_an_activity_and_a_child_unread(big_store: CountingStore) -> None:
    @activity_task(
        swf_task_type="produce",
        result_data_serializer=MsgpackSerializer(),
        result_data_store=big_store,
    )
    def produce() -> bytes:
        return b""

    @activity_task(swf_task_type="consume")
    def consume(data: bytes) -> int:
        return len(data)

    @decision_task(swf_workflow_type="relay")
    def relay(data: Any) -> int:  # receives the reference as a ready promise
        return int(consume(data).result)

    @decision_task(swf_workflow_type="pipeline")
    def pipeline() -> list[int]:
        blob = produce()
        consumed, relayed = consume(blob), relay(blob)
        return [consumed.result, relayed.result]

    writer = PayloadCodec(cache_bytes=0)
    blob_envelope = writer.encode(
        os.urandom(50 * 2**20), MsgpackSerializer(), big_store, field="result"
    )
    history = HistoryBuilder("pipeline")
    history.apply(decide(history.events, pipeline, workflow_id="p", run_id="r"))
    history.complete_activity("a1", raw_result=blob_envelope)
    decider_codec = PayloadCodec(cache_bytes=0)
    second = decide(history.events, pipeline, workflow_id="p", run_id="r", codec=decider_codec)
    consume_input = second.decisions[0].input  # type: ignore[attr-defined]
    child_input = second.decisions[1].input  # type: ignore[attr-defined]
    assert len(consume_input) < 400 and len(child_input) < 400

    def forwarded(text: str) -> str | None:
        (argument,), _ = decode_call(text, decider_codec, as_promises=True)
        return argument.envelope  # type: ignore[no-any-return]

    assert forwarded(consume_input) == forwarded(child_input) == blob_envelope
    child_history = HistoryBuilder("relay", raw_input=child_input)
    child_first = decide(child_history.events, relay, codec=decider_codec)
    assert forwarded(child_first.decisions[0].input) == blob_envelope  # type: ignore[attr-defined]
    assert CountingStore.gets == 0  # neither decider ever read the 50 MB

    reader = PayloadCodec(cache_bytes=0, stores=(big_store,))  # the activity worker's side
    (data,), _ = decode_call(consume_input, reader)
    assert len(data) == 50 * 2**20 and CountingStore.gets == 1


def test_replaying_never_reads_results_the_code_does_not_read(big_store: CountingStore) -> None:
    @activity_task(
        swf_task_type="fetch",
        result_data_serializer=MsgpackSerializer(),
        result_data_store=big_store,
    )
    def fetch() -> bytes:
        return b""

    @decision_task(swf_workflow_type="ignores")
    def ignores() -> str:
        first, second = fetch(), fetch()  # results never read
        return "ready" if first.is_ready and second.is_ready else "waiting"

    envelope = PayloadCodec(cache_bytes=0).encode(
        b"x" * 100_000, MsgpackSerializer(), big_store, field="result"
    )
    history = HistoryBuilder("ignores")
    history.apply(decide(history.events, ignores))
    history.complete_activity("a1", raw_result=envelope)
    history.complete_activity("a2", raw_result=envelope)
    for _ in range(5):
        decide(history.events, ignores, codec=PayloadCodec(cache_bytes=0))
    assert CountingStore.gets == 0


# Continue-as-new.


@decision_task(swf_task_list="cron")
def cron(tick: int, every: int) -> Any:
    step(tick).result
    if tick + 1 < every:
        continue_as_new(tick + 1, every)
    return tick


def test_continue_as_new_starts_a_fresh_run_with_new_input() -> None:
    history = HistoryBuilder("cron", input=[0, 3], task_list="cron")
    history.apply(decide(history.events, cron))
    history.complete_activity("a1", 1)
    result = decide(history.events, cron)
    assert result.closes
    decision = result.decisions[0]
    assert isinstance(decision, ContinueAsNewWorkflowExecution)
    assert decision.input == "swflow/1 json inline 5 -\n[1,3]"
    swf = decision.to_swf()["continueAsNewWorkflowExecutionDecisionAttributes"]
    assert swf["taskList"] == {"name": "cron"} and swf["childPolicy"] == "TERMINATE"
    assert swf["workflowTypeVersion"] == "1.0"
    final, _ = run_workflow(cron, 2, 3, activities=(step,))
    assert final.decisions == [CompleteWorkflowExecution("swflow/1 json inline 1 -\n2")]


counted_runs: list[int] = []


@cached
def counted(i: int) -> int:
    counted_runs.append(i)
    return i


@decision_task
def many_cached(n: int) -> int:
    return sum(counted(i) for i in range(n))


def test_cached_calls_beyond_one_decisions_room_wait_for_the_next_task_unrun() -> None:
    from swflow.swf.decisions import StartTimer
    from swflow.testing import HistoryBuilder

    counted_runs.clear()
    history = HistoryBuilder("many_cached", input=[250])
    first = decide(history.events, many_cached)
    markers = [d for d in first.decisions if isinstance(d, RecordMarker)]
    assert len(markers) == 99 and counted_runs == list(range(99))  # only what can be recorded ran
    assert isinstance(first.decisions[-1], StartTimer)  # and a wake-up for the rest
    history.apply(first)
    second = decide(history.events, many_cached)
    assert counted_runs == list(range(198))
    history.apply(second)
    last = decide(history.events, many_cached)
    assert last.closes
    assert counted_runs == list(range(250))  # every cached call ran exactly once


@decision_task
def clock_around_timer() -> list[str]:
    before = now()
    Timer.get(seconds=3600).result
    return [before.isoformat(), now().isoformat()]


def test_now_is_swf_clock_at_the_decision_task_not_this_host() -> None:
    history = HistoryBuilder("clock_around_timer")
    started = history.events[-1]["eventTimestamp"]  # DecisionTaskStarted
    first = decide(history.events, clock_around_timer)
    history.apply(first.decisions)
    timer = next(d for d in first.decisions if isinstance(d, StartTimer))
    history.fire_timer(timer.timer_id)
    fired_task_started = history.events[-1]["eventTimestamp"]
    second = decide(history.events, clock_around_timer)
    completion = second.decisions[-1].to_swf()["completeWorkflowExecutionDecisionAttributes"]
    assert decode(completion["result"]) == [
        started.isoformat(),
        fired_task_started.isoformat(),
    ]
