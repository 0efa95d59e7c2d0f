"""The thread that fires timers and timeouts, and skips time when nothing runs."""

from __future__ import annotations

import heapq
import logging
import threading
import time

from .engine import Deadline, Engine
from .model import Execution
from .operations.executions import close_run

__all__ = ["Scheduler"]

log = logging.getLogger("swflow.devserver")

_IDLE_BEFORE_SKIP = 0.02  # wall seconds with no API change before time may jump


class Scheduler:
    """Fires due deadlines; in skipping mode, jumps the clock over idle stretches."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._thread = threading.Thread(
            target=self._run, name="swflow-devserver-clock", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def _run(self) -> None:
        engine = self.engine
        with engine.lock:
            while not engine.stopping:
                self.fire_due()
                due = engine.next_due()
                if engine.clock.may_skip() and self._idle():
                    target = engine.next_skip()
                    if target is not None and target > engine.clock.now():
                        engine.clock.advance_to(target)
                        continue
                wait = 0.05 if engine.clock.skipping else 1.0
                if due is not None:
                    wait = min(wait, max(0.0, due - engine.clock.now()))
                engine.clock_wakes_at = engine.clock.now() + wait
                engine.changed.wait(wait)

    def _idle(self) -> bool:
        """Every poller is waiting and nothing can run: the moment time may jump.

        With no poller at all nobody is waiting for time to pass, so it does not.
        """
        engine = self.engine
        quiet = time.monotonic() - engine.last_change > _IDLE_BEFORE_SKIP
        return quiet and engine.waiting_pollers > 0 and not engine.runnable()

    def fire_due(self) -> None:
        """Process every deadline that is due, in one transaction."""
        engine = self.engine
        now = engine.clock.now()
        if not engine.deadlines or engine.deadlines[0].due > now:
            return
        with engine.operation():
            while engine.deadlines and engine.deadlines[0].due <= now:
                self._fire(heapq.heappop(engine.deadlines))

    def _fire(self, deadline: Deadline) -> None:
        engine = self.engine
        execution = engine.executions.get(deadline.run_id)
        if execution is None or not execution.is_open:
            return
        if deadline.kind == "workflow":
            close_run(
                engine,
                execution,
                "WorkflowExecutionTimedOut",
                timeoutType="START_TO_CLOSE",
                childPolicy=execution.child_policy,
            )
        elif deadline.kind == "timer":
            timer = execution.timers.get(deadline.ref)
            if timer is not None and str(timer.started_event_id) == deadline.stamp:
                del execution.timers[deadline.ref]
                engine.event(
                    execution,
                    "TimerFired",
                    timerId=timer.timer_id,
                    startedEventId=timer.started_event_id,
                )
        elif deadline.kind == "decision-start":
            self._override_expired(execution, deadline)
        elif deadline.kind == "decision":
            decision = execution.decision
            if decision is not None and decision.token == deadline.ref:
                execution.decision = None
                execution.override_task_list = execution.override_schedule_to_start = None
                engine.event(
                    execution,
                    "DecisionTaskTimedOut",
                    timeoutType="START_TO_CLOSE",
                    scheduledEventId=decision.scheduled_event_id,
                    startedEventId=decision.started_event_id,
                )
                engine.schedule_decision(execution)
        else:
            self._activity_timeout(deadline, deadline.kind.split(":", 1)[1])

    def _override_expired(self, execution: Execution, deadline: Deadline) -> None:
        """A temporary task-list override not taken in time: back to the run's own list."""
        engine = self.engine
        decision = execution.decision
        if (
            decision is None
            or decision.started_event_id
            or str(decision.scheduled_event_id) != deadline.ref
        ):
            return
        engine.dequeue(
            "decision", execution.domain, decision.task_list, execution.run_id, deadline.ref
        )
        execution.decision = None
        execution.override_task_list = execution.override_schedule_to_start = None
        engine.event(
            execution,
            "DecisionTaskTimedOut",
            timeoutType="SCHEDULE_TO_START",
            scheduledEventId=decision.scheduled_event_id,
            startedEventId=0,
        )
        engine.schedule_decision(execution)

    def _activity_timeout(self, deadline: Deadline, timeout_type: str) -> None:
        engine = self.engine
        execution = engine.executions[deadline.run_id]
        activity = execution.activities.get(deadline.ref)
        if activity is None:
            return
        stamp = f"{activity.scheduled_event_id}:{activity.started_event_id}"
        current = {
            "SCHEDULE_TO_START": stamp,
            "START_TO_CLOSE": stamp,
            "HEARTBEAT": f"{stamp}:{activity.heartbeat_at}",
            "SCHEDULE_TO_CLOSE": str(activity.scheduled_event_id),
        }[timeout_type]
        if deadline.stamp != current:
            return  # superseded: the task started, or heartbeat moved the deadline
        del execution.activities[activity.activity_id]
        engine.dequeue(
            "activity", execution.domain, activity.task_list, execution.run_id, activity.activity_id
        )
        engine.event(
            execution,
            "ActivityTaskTimedOut",
            timeoutType=timeout_type,
            scheduledEventId=activity.scheduled_event_id,
            startedEventId=activity.started_event_id,
            details=activity.heartbeat_details if timeout_type == "HEARTBEAT" else None,
        )
