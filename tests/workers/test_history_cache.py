"""The decision worker's history cache: only new events are fetched, and the state it
replays is always the one the whole history gives, whether the cache is warm, cold,
evicted, behind (another decider took the last tasks) or wrong."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from swflow import (
    DistributedActivityWorker,
    DistributedDecisionWorker,
    WorkflowClient,
    activity_task,
    decision_task,
)
from swflow.replay.state import ExecutionState
from swflow.worker.decision_task import DecisionTask
from swflow.worker.history_cache import HistoryCache
from swflow.worker.pages import page_events
from swflow.worker.task_pages import FIRST_PAGE
from tests.workers.conftest import DOMAIN, serving

TASK_LIST = "cache-deciders"


@activity_task(swf_task_list="cache-acts")
def step(i: int) -> int:
    return i * 2


@decision_task(swf_workflow_type="CacheChain", swf_task_list=TASK_LIST)
def chain(n: int) -> int:
    total = 0
    for i in range(n):
        total += step(i).result
    return total


def _register(worker: DistributedDecisionWorker) -> None:
    for (domain, _, _), definition in worker.definitions.items():
        worker.registrar.task_type(domain, definition, worker.target(definition)[1])


def _whole_history(swf: Any, task: DecisionTask) -> list[dict[str, Any]]:
    pages = swf.get_paginator("get_workflow_execution_history").paginate(
        domain=DOMAIN, execution={"workflowId": task.workflow_id, "runId": task.run_id}
    )
    events = [event for page in pages for event in page["events"]]
    return [e for e in events if e["eventId"] <= task.started_event_id]


class Recorder:
    """Drives deciders by hand, one decision task at a time, and checks each replay."""

    def __init__(self, swf: Any) -> None:
        self.swf = swf
        self.fetched: list[int] = []  # events each decision task brought
        self.requests: list[int] = []  # requests (pages) each one took: polls and histories
        self.brought: list[int] = []  # events those pages held, read or not
        self.warm: list[bool] = []

    def decide_once(self, worker: DistributedDecisionWorker) -> bool:
        pages: list[dict[str, Any]] = []  # every page a task takes comes by poll or history
        for name in ("poll", "history"):
            fetch = getattr(worker.polls, name)
            setattr(worker.polls, name, lambda fetch=fetch, **params: _kept(pages, fetch(**params)))
        try:
            task = worker.poll(DOMAIN, TASK_LIST)
        finally:
            del worker.polls.poll, worker.polls.history
        if task is None:
            return False
        self.requests.append(len(pages))
        self.brought.append(sum(len(page["events"]) for page in pages))
        self.fetched.append(len(task.events))
        self.warm.append(task.history is not None)
        replayed: list[ExecutionState] = []
        fold = worker.history
        worker.history = lambda t: replayed.append(fold(t)) or replayed[-1]  # type: ignore[method-assign]
        try:
            worker.handle(DOMAIN, task)
        finally:
            del worker.history
        (state,) = replayed  # what decide() replayed against: all of the history
        assert state == ExecutionState.from_events(_whole_history(self.swf, task))
        assert state.last_event_id == task.started_event_id
        return True


def _kept(pages: list[dict[str, Any]], page: dict[str, Any]) -> dict[str, Any]:
    pages.append(page)
    return page


def _run(
    swf: Any, client: WorkflowClient, deciders: list[DistributedDecisionWorker], n: int
) -> tuple[Recorder, Any]:
    recorder = Recorder(swf)
    for worker in deciders:
        _register(worker)
    with serving(DistributedActivityWorker(step, domain=DOMAIN, client=swf)):
        handle = client.start(chain, n)
        turn = 0
        while handle.describe().status == "OPEN":
            if recorder.decide_once(deciders[turn % len(deciders)]):
                turn += 1
    assert handle.result(timeout=5) == sum(i * 2 for i in range(n))
    return recorder, handle


def test_a_warm_cache_fetches_only_the_new_events(swf: Any, client: WorkflowClient) -> None:
    worker = DistributedDecisionWorker(chain, domain=DOMAIN, client=swf)
    recorder, handle = _run(swf, client, [worker], 200)
    assert len(handle.history()) > 1000  # past one page: a cold poll would page twice
    assert recorder.warm == [False] + [True] * (len(recorder.warm) - 1)
    assert max(recorder.fetched[1:]) <= 10  # the activity's events and the decision's
    assert recorder.requests == [1] * len(recorder.requests)  # one page each, never the rest
    assert max(recorder.brought) <= FIRST_PAGE  # not the 1,000 newest events of >1,000
    assert len(worker.histories) == 0  # the closed run was let go


def test_a_cache_behind_another_decider_pages_back_to_what_it_knows(
    swf: Any, client: WorkflowClient
) -> None:
    first = DistributedDecisionWorker(chain, domain=DOMAIN, client=swf)
    second = DistributedDecisionWorker(chain, domain=DOMAIN, client=swf)
    recorder, _ = _run(swf, client, [first, first, second], 30)
    # first decides tasks 1, 2, 4, 5, ...; second 3, 6, ... (cold, then behind)
    assert recorder.warm[:6] == [False, True, False, True, True, True]
    assert recorder.fetched[3] > recorder.fetched[1]  # first caught up on second's events


def test_a_cold_or_tiny_cache_pages_the_whole_history(swf: Any, client: WorkflowClient) -> None:
    off = DistributedDecisionWorker(chain, domain=DOMAIN, client=swf, history_cache_events=0)
    tiny = DistributedDecisionWorker(chain, domain=DOMAIN, client=swf, history_cache_events=40)
    for worker in (off, tiny):
        recorder, handle = _run(swf, client, [worker], 20)
        events = [e.event_id for e in handle.history() if e.event_type == "DecisionTaskStarted"]
        cold = [i for i, warm in enumerate(recorder.warm) if not warm]
        for i in cold:  # a cold task brought every event up to its start
            assert recorder.fetched[i] == events[i]
    assert not any(_run(swf, client, [off], 3)[0].warm)
    assert recorder.warm.count(True) > 0  # the tiny one held the run while it was small
    assert recorder.warm[-1] is False  # and let it go once it outgrew the bound


def test_a_cache_ahead_of_the_history_is_dropped(swf: Any, client: WorkflowClient) -> None:
    worker = DistributedDecisionWorker(chain, domain=DOMAIN, client=swf)
    _register(worker)
    handle = client.start(chain, 1)
    bogus = ExecutionState.from_events(
        [{"eventId": i, "eventType": "DecisionTaskScheduled"} for i in range(1, 51)]
    )
    worker.histories.keep((DOMAIN, handle.workflow_id, handle.run_id), bogus)
    task = worker.poll(DOMAIN, TASK_LIST)
    assert task is not None
    assert task.history is None
    assert [e.eventId for e in page_events(task.events)] == [1, 2, 3]  # cold: all of them


@decision_task(swf_workflow_type="CacheChain", swf_task_list=TASK_LIST)
def chain_redeployed(n: int) -> int:  # a deploy that changed what the first step is
    return int(other_step(n).result)


@activity_task(swf_task_list="cache-acts")
def other_step(i: int) -> int:
    return i


def test_a_warm_run_is_let_go_when_its_decision_fails(
    swf: Any, client: WorkflowClient, caplog: pytest.LogCaptureFixture
) -> None:
    worker = DistributedDecisionWorker(chain, domain=DOMAIN, client=swf)
    recorder = Recorder(swf)
    _register(worker)
    with serving(DistributedActivityWorker(step, domain=DOMAIN, client=swf)):
        handle = client.start(chain, 5)
        run = (DOMAIN, handle.workflow_id, handle.run_id)
        while not recorder.decide_once(worker):
            pass
        while not recorder.decide_once(worker):  # the second task found the run warm
            pass
        assert recorder.warm == [False, True] and len(worker.histories) == 1
        (key,) = worker.definitions
        worker.definitions[key] = chain_redeployed.definition
        task = None
        while task is None:
            task = worker.poll(DOMAIN, TASK_LIST)
        assert task.history is not None  # warm: the failure below meets a cached state
        with caplog.at_level(logging.ERROR, "swflow.worker"):
            worker.handle(DOMAIN, task)  # nondeterministic: logged, not answered
    assert "NON-DETERMINISTIC WORKFLOW" in caplog.text
    assert worker.histories.take(run) is None  # nothing of the failed decision is kept
    assert handle.describe().status == "OPEN"


def test_the_cache_is_bounded_in_events_and_lends_each_state_once() -> None:
    cache = HistoryCache(max_events=100)

    def state(events: int) -> ExecutionState:
        folded = ExecutionState()
        folded.last_event_id = events
        return folded

    cache.keep("a", state(40))
    cache.keep("b", state(40))
    assert cache.take("a") is not None  # checked out: a second task of run a starts cold
    assert cache.take("a") is None
    cache.keep("a", state(40))
    cache.keep("c", state(40))  # over 100 events: the least recently used (b) goes
    assert cache.take("b") is None
    assert cache.events == 80
    cache.keep("huge", state(101))  # bigger than the whole bound: not held
    assert cache.take("huge") is None
    closed = state(10)
    closed.closed = "WorkflowExecutionCompleted"
    cache.keep("done", closed)
    assert cache.take("done") is None
    assert (cache.hits, cache.misses) == (1, 4)
