"""DistributedActivityWorker: concurrency, heartbeats, cancellation, failures."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from swflow import (
    ActivityTaskError,
    DistributedActivityWorker,
    DistributedDecisionWorker,
    LocalDecisionWorker,
    WorkflowClient,
    activity_task,
    current_activity,
    decision_task,
    heartbeat,
)
from swflow.devserver import DevServer
from swflow.swf.limits import DATA, REASON
from tests.workers.conftest import DOMAIN, serving, wait_until

BARRIER = threading.Barrier(3, timeout=10)


@activity_task(swf_task_list="meet")
def meet(i: int) -> int:
    BARRIER.wait()  # passes only when three tasks run at once
    return i


@decision_task(swf_task_list="meeting")
def meeting() -> list[int]:
    promises = [meet(i) for i in range(3)]
    return [p.result for p in promises]


def test_tasks_run_concurrently_up_to_the_workers_concurrency() -> None:
    BARRIER.reset()
    assert LocalDecisionWorker(meeting, concurrency=3).start() == [0, 1, 2]


class Occupancy:
    """How many `held` tasks run at once, and the most that ever did."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.active = self.most = 0
        self.release = threading.Event()

    def enter(self) -> None:
        with self.lock:
            self.active += 1
            self.most = max(self.most, self.active)

    def leave(self) -> None:
        with self.lock:
            self.active -= 1


OCCUPANCY = Occupancy()


@activity_task(swf_task_list="held")
def held(i: int) -> int:
    OCCUPANCY.enter()
    try:
        OCCUPANCY.release.wait(30)
        return i
    finally:
        OCCUPANCY.leave()


@decision_task(swf_task_list="holding")
def holding() -> list[int]:
    promises = [held(i) for i in range(9)]
    return [p.result for p in promises]


def test_a_worker_never_runs_more_tasks_at_once_than_its_concurrency(
    swf: Any, client: WorkflowClient
) -> None:
    OCCUPANCY.reset()
    activities = DistributedActivityWorker(held, domain=DOMAIN, client=swf, concurrency=3)
    with serving(activities, DistributedDecisionWorker(holding, domain=DOMAIN, client=swf)):
        handle = client.start(holding)
        try:
            wait_until(lambda: OCCUPANCY.active >= 3)
            # Six more tasks are queued: a fourth poller would take one at once. Nothing
            # can be waited on for "no more", so this is a grace period, never a deadline:
            # a slow machine can only make it pass, not fail.
            time.sleep(1.0)
            assert OCCUPANCY.most == 3
            started = [e for e in handle.history() if e.event_type == "ActivityTaskStarted"]
            assert len(started) == 3
        finally:
            OCCUPANCY.release.set()  # a failing test must not hold the workers 30 s
        assert handle.result(timeout=60) == list(range(9))
    assert OCCUPANCY.most == 3


@activity_task(swf_task_list="quiet", heartbeat_timeout=1, start_to_close_timeout=60)
def quiet_but_busy() -> str:
    time.sleep(2.5)  # no heartbeat() call: the worker's own heartbeats keep it alive
    return "finished"


@decision_task(swf_task_list="quiet-deciders")
def busy() -> str:
    return str(quiet_but_busy().result)


def test_automatic_heartbeats_keep_a_long_task_alive() -> None:
    assert LocalDecisionWorker(busy).start() == "finished"


@activity_task(swf_task_list="long-failures")
def fails_verbosely() -> None:
    raise ValueError("x" * 100_000)


@activity_task(swf_task_list="long-failures")
def never_served() -> None:
    raise AssertionError("no worker serves this type")


@decision_task(swf_task_list="failure-deciders")
def collects_failures() -> list[str]:
    reasons = []
    for promise in (fails_verbosely(), never_served(), fails_verbosely()):
        try:
            promise.result
        except ActivityTaskError as error:
            reasons.append(error.reason)
    return reasons


def test_failures_fit_swf_fields_and_the_worker_keeps_serving(
    swf: Any, client: WorkflowClient
) -> None:
    deciders = DistributedDecisionWorker(collects_failures, domain=DOMAIN, client=swf)
    activities = DistributedActivityWorker(fails_verbosely, domain=DOMAIN, client=swf)
    with serving(deciders, activities):
        handle = client.start(collects_failures)
        reasons = handle.result(timeout=30)
    assert reasons[0] == reasons[2]
    assert reasons[0].startswith("ValueError: xxx") and len(reasons[0]) == REASON
    assert reasons[1].startswith("LookupError: no function for activity type never_served 1.0")
    failed = [e for e in handle.history() if e.event_type == "ActivityTaskFailed"]
    assert len(failed) == 3
    for event in failed:
        assert len(event.attributes["details"]) <= DATA
    types = sorted(event.value("details")["type"] for event in failed)
    assert types == ["LookupError", "ValueError", "ValueError"]


STARTED = threading.Event()
RESUME = threading.Event()


@activity_task(swf_task_list="patient", heartbeat_timeout=30)
def patient() -> None:
    info = current_activity()
    assert info is not None
    for step in range(1000):
        heartbeat({"step": step})
        if step == 0:
            STARTED.set()  # the first heartbeat is recorded
            RESUME.wait(10)
        time.sleep(0.02)
    raise AssertionError(f"cancellation never arrived ({info.cancel_requested})")


def _decide(swf: Any, *decisions: dict[str, Any]) -> None:
    task = swf.poll_for_decision_task(domain=DOMAIN, taskList={"name": "manual"})
    assert task["taskToken"]
    swf.respond_decision_task_completed(taskToken=task["taskToken"], decisions=list(decisions))


def test_heartbeat_details_reach_swf_and_cancellation_reaches_the_activity(
    server: DevServer, swf: Any
) -> None:
    STARTED.clear()
    RESUME.clear()
    worker = DistributedActivityWorker(patient, domain=DOMAIN, client=swf)
    with serving(worker):
        swf.register_workflow_type(domain=DOMAIN, name="manual", version="1")
        run = swf.start_workflow_execution(
            domain=DOMAIN,
            workflowId="manual",
            workflowType={"name": "manual", "version": "1"},
            taskList={"name": "manual"},
            executionStartToCloseTimeout="600",
            taskStartToCloseTimeout="60",
            childPolicy="TERMINATE",
        )
        schedule = {
            "activityId": "p",
            "activityType": {"name": "patient", "version": "1.0"},
            "taskList": {"name": "patient"},
        }
        _decide(
            swf,
            {
                "decisionType": "ScheduleActivityTask",
                "scheduleActivityTaskDecisionAttributes": schedule,
            },
        )
        assert STARTED.wait(10)
        activity = server.engine.executions[run["runId"]].activities["p"]
        assert WorkflowClient(DOMAIN, client=swf).codec.decode(activity.heartbeat_details) == {
            "step": 0
        }
        swf.signal_workflow_execution(domain=DOMAIN, workflowId="manual", signalName="cancel")
        _decide(
            swf,
            {
                "decisionType": "RequestCancelActivityTask",
                "requestCancelActivityTaskDecisionAttributes": {"activityId": "p"},
            },
        )
        RESUME.set()
        handle = WorkflowClient(DOMAIN, client=swf).handle("manual", run["runId"])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            canceled = [e for e in handle.history() if e.event_type == "ActivityTaskCanceled"]
            if canceled:
                break
            time.sleep(0.05)
    assert canceled, "the activity was never answered as canceled"
    assert canceled[0].value("details")["type"] == "swflow.errors.ActivityCanceledError"


@activity_task(swf_task_list="plain")
def counts_with_heartbeats(n: int) -> list[Any]:
    return [heartbeat({"step": step, "unencodable": object()}) for step in range(n)]


def test_outside_a_worker_an_activity_is_a_plain_call_and_heartbeat_does_nothing() -> None:
    assert current_activity() is None
    # Nothing is encoded (the details hold an object no serializer takes), sent or raised.
    assert counts_with_heartbeats(3) == [None, None, None]


def test_workers_refuse_what_they_cannot_serve() -> None:
    from swflow import ConfigurationError

    with pytest.raises(ConfigurationError, match="@activity_task"):
        DistributedActivityWorker(meeting, domain=DOMAIN, client=object())
    with pytest.raises(ConfigurationError, match="concurrency"):
        DistributedActivityWorker(meet, domain=DOMAIN, client=object(), concurrency=0)
