"""Workflow features II end to end, on the devserver over real HTTP: signals between
runs, cancellation with cleanup, canceling activities and children, patched code
deployed over running workflows, continue-as-new before SWF's event limit, tags, and
a logger that writes each line once however often the decider is replayed."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest

from swflow import (
    ActivityCanceledError,
    ActivityTaskCanceledError,
    CancelRequestedError,
    ChildWorkflowError,
    DistributedActivityWorker,
    DistributedDecisionWorker,
    LocalEnvironment,
    Signal,
    Timer,
    WorkflowCanceledError,
    WorkflowClient,
    activity_task,
    continue_as_new,
    continue_as_new_suggested,
    decision_task,
    heartbeat,
    patched,
    wait_all,
    workflow_logger,
)

from .conftest import DOMAIN, serving, wait_until


@decision_task(swf_task_list="approvals")
def approver() -> Any:
    return Signal.get("approve").result


@decision_task(swf_task_list="requests")
def requester(target: str) -> str:
    Signal.send(target, "approve", {"by": "requester"}).result
    return "sent"


def test_a_decider_signals_another_run() -> None:
    with LocalEnvironment() as local:
        waiting = local.start(approver, workflow_id="approver-1")
        sender = local.start(requester, "approver-1")
        assert sender.result(timeout=60) == "sent"
        assert waiting.result(timeout=60) == {"by": "requester"}


CLEANED: list[str] = []


@activity_task(swf_task_list="cleanup")
def clean_up(order: str) -> str:
    CLEANED.append(order)
    return f"released {order}"


@decision_task(swf_task_list="cancellable")
def holds_stock(order: str) -> str:
    try:
        Timer.get(seconds=7 * 86400).result
    except CancelRequestedError:
        clean_up(order).result  # the cleanup runs before the run closes
        raise
    return "kept"


def test_a_canceled_run_cleans_up_then_closes_canceled() -> None:
    CLEANED.clear()
    with LocalEnvironment() as local:
        run = local.start(holds_stock, "o-1")
        wait_until(lambda: "TimerStarted" in [e.event_type for e in run.history()])
        run.cancel()
        with pytest.raises(WorkflowCanceledError) as canceled:
            run.result(timeout=60)
        kinds = [e.event_type for e in run.history()]
    assert CLEANED == ["o-1"]
    assert kinds.index("ActivityTaskCompleted") < kinds.index("WorkflowExecutionCanceled")
    assert canceled.value.reason == "the run was asked to cancel"
    assert isinstance(canceled.value.details, dict)
    assert canceled.value.details["type"] == "swflow.errors.CancelRequestedError"


BEATING = threading.Event()


@activity_task(swf_task_list="slow-work", heartbeat_timeout=60)
def beats_until_canceled() -> str:
    BEATING.set()
    for _ in range(3000):
        heartbeat()  # raises ActivityCanceledError once the decider canceled it
        time.sleep(0.02)
    return "finished"


@decision_task(swf_task_list="cancels-work")
def cancels_its_work() -> str:
    job = beats_until_canceled()
    Signal.get("stop").result
    job.cancel()
    try:
        return f"finished: {job.result}"
    except ActivityTaskCanceledError as error:
        details = error.details if isinstance(error.details, dict) else {}
        return f"canceled: {details.get('type')}"


def test_a_decider_cancels_its_running_activity_through_its_heartbeat() -> None:
    BEATING.clear()
    with LocalEnvironment() as local:
        run = local.start(cancels_its_work)
        assert BEATING.wait(30)
        run.signal("stop")
        answer = run.result(timeout=60)
        kinds = [e.event_type for e in run.history()]
    assert answer == f"canceled: swflow.errors.{ActivityCanceledError.__name__}"  # heartbeat's
    assert "ActivityTaskCancelRequested" in kinds and "ActivityTaskCanceled" in kinds


@decision_task(swf_task_list="children-wait")
def waits_forever() -> None:
    Signal.get("never").result


@decision_task(swf_task_list="parents-cancel")
def cancels_its_child() -> str:
    child = waits_forever()
    Timer.get(seconds=60).result
    child.cancel()
    try:
        child.result
    except ChildWorkflowError as error:
        return str(error)
    return "the child completed"


def test_a_decider_cancels_its_child_which_closes_canceled() -> None:
    with LocalEnvironment() as local:
        answer = local.start(cancels_its_child, workflow_id="parent-c").result(timeout=60)
        child = local.client.list_closed(workflow_type="waits_forever")
    assert "canceled" in answer
    assert [run.close_status for run in child] == ["CANCELED"]


def _kinds(run: Any) -> list[str]:
    return [event.event_type for event in run.history()]


# Deploying new code over running workflows.

STEPS: list[str] = []


@activity_task(swf_task_list="order-steps")
def step(name: str) -> str:
    STEPS.append(name)
    return name


@decision_task(swf_workflow_type="order", swf_task_list="orders")
def order_v1(order: str) -> str:
    step(f"charge {order}").result
    Signal.get("go").result
    return str(step(f"ship {order}").result)


@decision_task(swf_workflow_type="order", swf_task_list="orders")
def order_v2(order: str) -> str:
    step(f"charge {order}").result
    if patched("receipt"):  # runs that went past this point under v1 answer False
        step(f"receipt {order}").result
    Signal.get("go").result
    return str(step(f"ship {order}").result)


@decision_task(swf_workflow_type="order", swf_workflow_version="2", swf_task_list="orders")
def order_version_2(order: str) -> str:
    return str(step(f"express {order}").result)


def test_v2_deployed_over_a_run_started_under_v1_completes_both(swf: Any) -> None:
    STEPS.clear()
    client = WorkflowClient(DOMAIN, client=swf)
    activities = DistributedActivityWorker(step, domain=DOMAIN, client=swf)
    with serving(activities):
        with serving(DistributedDecisionWorker(order_v1, domain=DOMAIN, client=swf)):
            old = client.start(order_v1, "old")
            wait_until(lambda: "charge old" in STEPS, what="the v1 run's first step")
            wait_until(  # v1 went past the charge: it decided after it, and waits for "go"
                lambda: _kinds(old).count("DecisionTaskCompleted") >= 2, what="v1 past the charge"
            )
        v2 = DistributedDecisionWorker(order_v2, order_version_2, domain=DOMAIN, client=swf)
        with serving(v2):  # one worker, two versions of one type, and patched code
            new = client.start(order_v2, "new")
            express = client.start(order_version_2, "fast")
            wait_until(lambda: "receipt new" in STEPS, what="the v2 run's receipt")
            old.signal("go")
            new.signal("go")
            assert old.result(timeout=60) == "ship old"
            assert new.result(timeout=60) == "ship new"
            assert express.result(timeout=60) == "express fast"
    assert "receipt old" not in STEPS and "receipt new" in STEPS  # old runs keep their path
    markers = [e.attributes.get("markerName") for e in new.history()]
    assert "swflow.patch:receipt" in markers


# Living within SWF's 25,000-event limit.


@decision_task(swf_task_list="long-lived", execution_start_to_close_timeout=86400)
def ticks_forever(generation: int) -> list[int]:
    rounds = 0
    while not continue_as_new_suggested():
        wait_all(*[Timer.get(seconds=1) for _ in range(90)]).result
        rounds += 1
        if generation == 1 and rounds == 3:
            return [generation, rounds]
    continue_as_new(generation + 1)
    return []  # never reached


def test_a_timer_loop_past_the_event_limit_continues_as_new_instead_of_being_terminated(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, "swflow.replay")
    with LocalEnvironment() as local:
        run = local.start(ticks_forever, 0, workflow_id="ticker")
        assert run.result(timeout=600) == [1, 3]
        first = local.client.handle("ticker", run.first_run_id)
        events = first.events()
    assert run.run_id != run.first_run_id  # the handle followed the new run
    assert events[-1]["eventType"] == "WorkflowExecutionContinuedAsNew"
    assert 20_000 <= len(events) < 25_000  # closed by the decider, not terminated at 25,000
    warnings = [r for r in caplog.records if "continue_as_new_after" in r.getMessage()]
    assert len(warnings) == 1


# Tags, and logging that a replay does not repeat.


@activity_task(swf_task_list="log-steps")
def add(x: int) -> int:
    return x + 1


@decision_task(swf_task_list="logs", tag_list=["team:ops"])
def logs_each_step() -> int:
    total = 0
    for number in range(5):  # six decision tasks in all
        workflow_logger.info("step %d at %d", number, total)
        total = add(total).result
    workflow_logger.info("done: %d", total)
    return total


def test_each_line_is_logged_once_over_a_six_task_life_without_sticky_deciders(
    swf: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "swflow.workflow")
    client = WorkflowClient(DOMAIN, client=swf)
    deciders = DistributedDecisionWorker(
        logs_each_step, domain=DOMAIN, client=swf, sticky_deciders=0
    )
    activities = DistributedActivityWorker(add, domain=DOMAIN, client=swf)
    with serving(deciders, activities):
        run = client.start(logs_each_step, tag_list=["team:ops", "batch:7"])
        assert run.result(timeout=60) == 5
        tagged = client.list_closed(tag="batch:7")
    lines = [r for r in caplog.records if r.name == "swflow.workflow"]
    assert [r.getMessage() for r in lines] == [
        *(f"step {n} at {n}" for n in range(5)),
        "done: 5",
    ]
    assert {(r.workflow_id, r.run_id) for r in lines} == {(run.workflow_id, run.run_id)}  # type: ignore[attr-defined]
    assert [t.run_id for t in tagged] == [run.run_id] and tagged[0].tags == ("team:ops", "batch:7")
    assert client.list_closed(tag="team:nobody") == []
