"""The decision worker's sticky deciders, against the devserver over HTTP: a run's code
runs once while its decider is kept, and a decider is kept only once SWF accepted
what it decided; any doubt means a replay from the start, which loses nothing."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from swflow import (
    DistributedActivityWorker,
    DistributedDecisionWorker,
    WorkflowClient,
    activity_task,
    decision_task,
)
from swflow.devserver import DevServer
from swflow.errors import HistoryError
from swflow.replay.state import ExecutionState
from swflow.replay.sticky import StickyDecider
from swflow.swf.connection import devserver_client
from swflow.testing import HistoryBuilder
from swflow.worker.history_cache import HistoryCache
from swflow.worker.pages import parse_page
from tests.workers.conftest import DOMAIN, serving

starts: list[int] = []  # one entry each time a decider below starts from the top


@activity_task(swf_task_list="sticky-acts")
def bump(i: int) -> int:
    return i + 1


@decision_task(
    swf_workflow_type="StickyChain", swf_task_list="sticky-deciders", task_start_to_close_timeout=1
)
def sticky_chain(n: int) -> int:
    starts.append(n)
    total = 0
    for _ in range(n):
        total = bump(total).result
    return total


def _run(server: DevServer, client: WorkflowClient, decider: DistributedDecisionWorker) -> Any:
    starts.clear()
    activities = DistributedActivityWorker(
        bump, domain=DOMAIN, client=devserver_client(server.endpoint)
    )
    with serving(decider, activities):
        handle = client.start(sticky_chain, 12)
        assert handle.result(timeout=30) == 12
    return handle


def test_a_kept_decider_runs_the_code_once_per_run(
    server: DevServer, client: WorkflowClient, decider_threads: Any
) -> None:
    sticky = DistributedDecisionWorker(
        sticky_chain, domain=DOMAIN, client=devserver_client(server.endpoint)
    )
    _run(server, client, sticky)
    assert starts == [12]  # 13 decision tasks, one start
    assert len(sticky.histories) == 0 and not decider_threads()  # the closed run let go
    replaying = DistributedDecisionWorker(
        sticky_chain, domain=DOMAIN, client=devserver_client(server.endpoint), sticky_deciders=0
    )
    _run(server, client, replaying)
    assert starts == [12] * 13  # snapshot replay: from the top on every decision task


def test_a_decision_swf_did_not_accept_drops_the_decider(
    server: DevServer, client: WorkflowClient
) -> None:
    swf = devserver_client(server.endpoint)
    sent = swf.respond_decision_task_completed
    answers = []

    def respond(**request: Any) -> Any:
        answers.append(request)
        if len(answers) == 4:  # lost on the way: SWF never applies it, the task times out
            raise ClientError(
                {"Error": {"Code": "UnknownResourceFault", "Message": "lost"}},
                "RespondDecisionTaskCompleted",
            )
        return sent(**request)

    swf.respond_decision_task_completed = respond
    worker = DistributedDecisionWorker(sticky_chain, domain=DOMAIN, client=swf)
    handle = _run(server, client, worker)
    assert starts == [12, 12]  # the decider was let go; the retried task replayed
    events = [e.event_type for e in handle.history()]
    assert events.count("DecisionTaskTimedOut") == 1
    assert events.count("ActivityTaskScheduled") == 12  # nothing lost, nothing twice
    assert answers[3] == answers[4] | {"taskToken": answers[3]["taskToken"]}


def _waiting(history: HistoryBuilder) -> StickyDecider:
    decider = StickyDecider(ExecutionState.from_events(history.events), sticky_chain)
    decider.decide()
    return decider


def test_the_cache_bounds_live_deciders_and_closes_what_it_lets_go(decider_threads: Any) -> None:
    starts.clear()
    cache = HistoryCache(max_events=100, max_deciders=2)
    history = HistoryBuilder("StickyChain", input=[3])  # 2 events: started, scheduled
    for run in ("a", "b", "c"):
        decider = _waiting(history)
        cache.keep(run, decider.state, decider)
    assert cache.deciders == 2 and len(decider_threads()) == 2  # a's decider was closed
    assert len(cache) == 3  # but its history is still held
    taken = cache.take("a")
    assert taken is not None and taken.decider is None
    taken = cache.take("b")
    assert taken is not None and taken.decider is not None  # checked out with its decider
    taken.release()
    assert len(decider_threads()) == 1
    big = HistoryCache(max_events=3)
    for run in ("x", "y"):
        decider = _waiting(history)
        big.keep(run, decider.state, decider)  # y's 2 events evict x, closing its decider
    assert (len(big), big.deciders) == (1, 1) and len(decider_threads()) == 2
    again = _waiting(history)  # a second task of y kept too: the first decider is closed
    big.keep("y", again.state, again)
    assert (len(big), big.deciders) == (1, 1) and len(decider_threads()) == 2
    off = HistoryCache(max_deciders=0)
    unwanted = _waiting(history)
    off.keep("z", unwanted.state, unwanted)
    assert off.deciders == 0 and len(decider_threads()) == 2  # closed, the state kept
    cache.clear()
    big.clear()
    assert not decider_threads() and cache.deciders == 0


class _BrokenEventPage:
    """A poll whose page names a cached run and then holds an event without an id."""

    def poll(self, *, lazy: bool = False, **params: Any) -> dict[str, Any]:
        body = (
            b'{"taskToken": "t", "workflowExecution": {"workflowId": "w", "runId": "r"},'
            b' "events": [{"eventType": "TimerFired"}]}'
        )
        return parse_page(body, lazy=lazy)


def test_a_poll_that_fails_after_checking_out_a_run_closes_its_decider(
    decider_threads: Any,
) -> None:
    worker = DistributedDecisionWorker(
        sticky_chain, domain="d", client=devserver_client("http://127.0.0.1:9")
    )
    waiting = _waiting(HistoryBuilder("StickyChain", input=[3]))
    worker.histories.keep(("d", "w", "r"), waiting.state, waiting)
    worker.polls = _BrokenEventPage()  # type: ignore[assignment]
    with pytest.raises(HistoryError, match="required field `eventId`"):
        worker.poll("d", "sticky-deciders")
    assert not decider_threads() and len(worker.histories) == 0  # nothing left waiting
