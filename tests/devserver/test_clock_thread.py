"""The clock thread is woken only when it must be.

With the wall clock, waking it on every change cost a thread switch per request (a
fifth of the devserver's CPU per decision round trip, `benchmarks/devserver.py`); it
is woken only for a deadline due before it would next look by itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from swflow.devserver import DevServer

from .conftest import Workflow, client_for, decision, register


class _CountingCondition(threading.Condition):
    def __init__(self, lock: Any) -> None:
        super().__init__(lock)
        self.wakes = 0

    def notify_all(self) -> None:
        self.wakes += 1
        super().notify_all()


def _counted(server: DevServer) -> _CountingCondition:
    engine = server.engine
    with engine.lock:
        old, engine.changed = engine.changed, _CountingCondition(engine.lock)
        old.notify_all()  # the clock thread waits on the counted one from its next look
    return engine.changed


@pytest.fixture
def wall_clock() -> Iterator[DevServer]:
    with DevServer(poll_timeout=0.5) as running:
        yield running


def test_round_trips_on_the_wall_clock_do_not_wake_the_clock_thread(
    wall_clock: DevServer,
) -> None:
    swf = client_for(wall_clock)
    register(swf)
    changed = _counted(wall_clock)
    for n in range(10):
        run = Workflow(swf, f"w{n}")  # its deadlines are minutes away
        run.decide(decision("CompleteWorkflowExecution", result="ok"))
        assert run.describe()["executionInfo"]["closeStatus"] == "COMPLETED"
    assert changed.wakes == 0


def test_a_deadline_due_before_the_clock_thread_looks_wakes_it(wall_clock: DevServer) -> None:
    swf = client_for(wall_clock)
    register(swf)
    run = Workflow(swf)
    changed = _counted(wall_clock)
    run.decide(decision("StartTimer", timerId="t", startToFireTimeout="0"))
    assert changed.wakes >= 1
    task = run.decision_task()  # the timer fired: a new decision task
    for _ in range(20):  # a busy machine may delay the clock thread past one poll
        if task.get("taskToken"):
            break
        task = run.decision_task()
    assert "TimerFired" in [event["eventType"] for event in task["events"]]


def test_time_skipping_still_wakes_it_on_every_change() -> None:
    """Skipping decides on idleness, which any change ends."""
    with DevServer(poll_timeout=0.5, time_skipping=True) as server:
        swf = client_for(server)
        register(swf)
        changed = _counted(server)
        Workflow(swf).decide(decision("CompleteWorkflowExecution", result="ok"))
        assert changed.wakes >= 2
