"""Workers killed with -9 and replaced; workers stopped with SIGTERM."""

from __future__ import annotations

import os
import signal

from swflow import WorkflowClient, WorkflowHandle
from tests.e2e import flows
from tests.e2e.conftest import Processes, wait_for

KILL_LISTS = ("e2e-kill-deciders", "e2e-kill-activities")


def _count(handle: WorkflowHandle, event_type: str) -> int:
    return sum(1 for e in handle.history() if e.event_type == event_type)


def test_killed_decider_and_activity_worker_are_replaced_and_the_run_completes(
    processes: Processes,
) -> None:
    decider = processes.start("deciders", "squares")
    worker = processes.start("activities", "slow_square")
    processes.ready(*KILL_LISTS)
    handle = WorkflowClient().start(flows.squares, 12)
    wait_for(lambda: _count(handle, "ActivityTaskCompleted") >= 3, what="three steps")
    wait_for(
        lambda: _count(handle, "ActivityTaskStarted") > _count(handle, "ActivityTaskCompleted")
    )
    os.kill(decider.pid, signal.SIGKILL)
    os.kill(worker.pid, signal.SIGKILL)
    processes.start("deciders", "squares")
    processes.start("activities", "slow_square")
    processes.ready(*KILL_LISTS)
    assert handle.result(timeout=90) == sum(i * i for i in range(12))
    assert _count(handle, "ActivityTaskTimedOut") >= 1  # the killed worker's task, retried


def test_sigterm_stops_polling_but_finishes_the_running_task(processes: Processes) -> None:
    processes.start("deciders", "squares")
    worker = processes.start("activities", "slow_square")
    processes.ready(*KILL_LISTS)
    handle = WorkflowClient().start(flows.squares, 1)
    wait_for(lambda: _count(handle, "ActivityTaskStarted") == 1, what="the task to start")
    assert processes.stop(worker) == 0
    assert handle.result(timeout=30) == 0
    assert _count(handle, "ActivityTaskCompleted") == 1
    assert _count(handle, "ActivityTaskTimedOut") == 0
    assert "SIGTERM received" in processes.log_text()
