"""User code that misbehaves fails its own task or run, and the workers keep serving
with all their polling threads: real workers over HTTP on a devserver."""

from __future__ import annotations

from typing import Any

from swflow import (
    ActivityTaskError,
    DistributedActivityWorker,
    DistributedDecisionWorker,
    WorkflowClient,
    WorkflowFailedError,
    activity_task,
    decision_task,
)
from swflow.worker import Worker
from tests.workers.conftest import DOMAIN, serving


class Custom(BaseException):
    pass


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no")

    def __repr__(self) -> str:
        raise RuntimeError("no")


RAISED: dict[str, BaseException] = {
    "exit": SystemExit(2),
    "interrupt": KeyboardInterrupt(),
    "generator": GeneratorExit(),
    "custom": Custom("mine"),
    "unprintable": Unprintable(),
    "surrogate": ValueError("lone \ud800"),
}


@activity_task(swf_task_list="faulty-acts")
def misbehaves(kind: str) -> None:
    raise RAISED[kind]


@activity_task(swf_task_list="faulty-acts")
def behaves(x: int) -> int:
    return x + 1


@decision_task(swf_task_list="faulty-deciders")
def tries_them_all(rounds: int) -> dict[str, Any]:
    reasons: dict[str, Any] = {}
    for round_ in range(rounds):  # more bad tasks than the worker has threads
        for kind in RAISED:
            try:
                misbehaves(kind).result
            except ActivityTaskError as error:
                reasons[f"{kind}-{round_}"] = error.reason
    reasons["after"] = behaves(1).result
    return reasons


@decision_task(swf_task_list="faulty-deciders")
def decider_raises(kind: str) -> None:
    raise RAISED[kind]


def _polling_threads(worker: Worker[Any, Any]) -> int:
    return sum(t.is_alive() for threads in worker._targets.values() for t in threads)


def test_activities_raising_anything_fail_their_task_and_every_thread_lives(
    swf: Any, client: WorkflowClient
) -> None:
    activities = DistributedActivityWorker(
        misbehaves, behaves, domain=DOMAIN, client=swf, concurrency=2
    )
    deciders = DistributedDecisionWorker(tries_them_all, decider_raises, domain=DOMAIN, client=swf)
    with serving(activities, deciders):
        reasons = client.start(tries_them_all, 2).result(timeout=60)
        assert _polling_threads(activities) == 2  # 12 bad tasks, 2 threads, both alive
    assert reasons["after"] == 2
    assert reasons["exit-1"].startswith("SystemExit: 2")
    assert reasons["interrupt-1"].startswith("KeyboardInterrupt")
    assert reasons["generator-1"].startswith("GeneratorExit")
    assert reasons["custom-1"].startswith("Custom: mine")
    assert reasons["unprintable-1"] == "Unprintable: <Unprintable.__str__ raised RuntimeError>"
    assert reasons["surrogate-1"] == "ValueError: lone \\ud800"  # escaped: JSON-safe text


def test_a_decider_raising_anything_fails_its_run_and_the_worker_lives(
    swf: Any, client: WorkflowClient
) -> None:
    activities = DistributedActivityWorker(behaves, domain=DOMAIN, client=swf)
    deciders = DistributedDecisionWorker(tries_them_all, decider_raises, domain=DOMAIN, client=swf)
    with serving(activities, deciders):
        for kind in ("exit", "interrupt", "generator", "custom", "unprintable"):
            failed = client.start(decider_raises, kind)
            try:
                failed.result(timeout=60)
            except WorkflowFailedError as error:
                assert error.reason is not None
                assert error.reason.startswith(type(RAISED[kind]).__name__), error.reason
            else:
                raise AssertionError(f"{kind}: the run did not fail")
        assert _polling_threads(deciders) == 1
        assert client.start(tries_them_all, 0).result(timeout=60) == {"after": 2}


SIDE_EFFECTS: list[int] = []


@activity_task(swf_task_list="faulty-acts")
def side_effect(x: int) -> int:
    SIDE_EFFECTS.append(x)
    return x


@decision_task(swf_task_list="faulty-deciders")
def starts_a_thread() -> str:
    import threading

    seen: list[str] = []

    def stray() -> None:
        try:
            side_effect(1)
        except Exception as error:
            seen.append(f"{type(error).__name__}: {error}")

    thread = threading.Thread(target=stray)
    thread.start()
    thread.join()
    return seen[0] if seen else "ran inline"


def test_an_activity_called_from_a_thread_a_decider_started_is_refused(
    swf: Any, client: WorkflowClient
) -> None:
    SIDE_EFFECTS.clear()
    deciders = DistributedDecisionWorker(starts_a_thread, domain=DOMAIN, client=swf)
    with serving(deciders):
        outcome = client.start(starts_a_thread).result(timeout=60)
    assert outcome.startswith("ConfigurationError: activity side_effect was called outside")
    assert SIDE_EFFECTS == []  # never run inline
    import threading

    later: list[int] = []
    thread = threading.Thread(target=lambda: later.append(side_effect(2)))
    thread.start()
    thread.join()
    assert later == [2]  # with no decision worker left, a plain call is a plain call again
