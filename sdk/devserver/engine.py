"""The devserver's core: state, events, task queues, deadlines, one lock.

Every operation runs under one lock, inside one SQLite transaction, and commits
before it answers. Long polls wait on a condition tied to that lock; a scheduler
thread fires timers and timeouts from a heap of deadlines; with the virtual clock in
skipping mode, time jumps to the next deadline whenever nothing is runnable.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from swflow.swf.vocabulary import EVENTS, attributes_key

from .clock import Clock
from .faults import Fault
from .json_text import json_text
from .model import DecisionTask, Domain, Execution, TypeInfo
from .store import Store

__all__ = ["EVENT_LIMIT", "Engine"]

OPEN_LIMIT = 1000
"""SWF's cap on open activities, timers and children, each, per run."""

EVENT_LIMIT = 25_000
"""Events per run; SWF terminates a run that would exceed it."""

FRESH_TASK_GRACE = 1.0  # wall seconds a newly queued task holds time still, polled or not

log = logging.getLogger("swflow.devserver")

# Events that make SWF schedule a decision task (SWF-REFERENCE.md 4.2).
TRIGGERS = frozenset(name for name, event in EVENTS.items() if event.wakes_decider)


@dataclass(order=True)
class Deadline:
    due: float
    seq: int
    kind: str = field(compare=False)  # timer | decision | activity:<TYPE> | workflow
    run_id: str = field(compare=False)
    ref: str = field(compare=False)  # timer id, activity id, or decision token
    stamp: str = field(compare=False, default="")  # what must still hold when it fires


def _seconds(duration: str | None) -> float | None:
    return None if duration is None or duration == "NONE" else float(duration)


class Engine:
    """SWF semantics over an in-memory working copy persisted to SQLite."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        close_run: Callable[..., None],
        poll_timeout: float = 60.0,
        event_limit: int = EVENT_LIMIT,
    ) -> None:
        self.close_run = close_run  # executions.close_run: runs close there, not here
        self.store = store
        self.event_limit = event_limit
        self.clock = clock
        self.poll_timeout = poll_timeout
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.domains: dict[str, Domain] = {}
        self.types: dict[tuple[str, str, str, str], TypeInfo] = {}
        self.executions: dict[str, Execution] = {}
        self.open_by_id: dict[tuple[str, str], str] = {}  # (domain, workflow id) -> run id
        self.queues: dict[tuple[str, str, str], list[tuple[int, int, str, str]]] = {}
        self.deadlines: list[Deadline] = []
        self._seq = itertools.count()
        self._dirty: set[str] = set()
        self._changed = False
        self.completing: str | None = None  # run whose decision batch is being applied
        self.last_change = time.monotonic()
        self.clock_wakes_at = 0.0  # when the clock thread next looks by itself
        self.waiting_pollers = 0
        self.polled_at: dict[tuple[str, str, str], float] = {}  # wall time of the last poll
        self.enqueued_at: dict[tuple[str, str, str], float] = {}  # wall time of the last task
        self.stopping = False
        self.on_enqueue: Callable[[set[tuple[str, str, str]]], None] | None = None  # the front
        self._enqueued: set[tuple[str, str, str]] = set()
        self._rebuild()

    # ------------------------------------------------------------------ plumbing

    @contextmanager
    def operation(self) -> Iterator[None]:
        """Run one API operation: under the lock, in one transaction, then wake waiters."""
        with self.lock:
            self._dirty.clear()
            self._enqueued.clear()
            self._changed = False
            with self.store.transaction():
                yield
                self._enforce_event_limit()
                for run_id in self._dirty:
                    self.store.save_execution(self.executions[run_id])
            if self._changed or self._dirty:  # reads do not delay time skipping
                self.last_change = time.monotonic()
                if self.clock.skipping or self._deadline_sooner():
                    self.changed.notify_all()
            if self._enqueued and self.on_enqueue is not None:
                self.on_enqueue(set(self._enqueued))  # committed: wake the polls of these lists

    def _deadline_sooner(self) -> bool:
        """A deadline is due before the clock thread would next look by itself: with the
        wall clock the only news it needs (waking it per change: a switch per request)."""
        return bool(self.deadlines) and self.deadlines[0].due < self.clock_wakes_at

    def _enforce_event_limit(self) -> None:
        """SWF terminates a run whose history reaches its cap (EVENT_LIMIT_EXCEEDED)."""
        for run_id in list(self._dirty):
            execution = self.executions[run_id]
            if execution.is_open and execution.next_event_id > self.event_limit:
                self.close_run(
                    self,
                    execution,
                    "WorkflowExecutionTerminated",
                    cause="EVENT_LIMIT_EXCEEDED",
                    childPolicy=execution.child_policy,
                    reason="history reached the 25,000-event limit",
                )

    def touch(self, execution: Execution) -> None:
        self._dirty.add(execution.run_id)

    def event(self, execution: Execution, kind: str, **attributes: Any) -> int:
        """Append one event to a run's history; schedules a decision task if it must."""
        event_id = execution.next_event_id
        execution.next_event_id += 1
        body = json_text(
            {
                "eventId": event_id,
                "eventTimestamp": round(self.clock.now(), 3),
                "eventType": kind,
                attributes_key(kind): {k: v for k, v in attributes.items() if v is not None},
            }
        )
        self.store.add_event(execution.run_id, event_id, body)
        self.touch(execution)
        if kind in TRIGGERS and execution.is_open:
            self.need_decision(execution)
        return event_id

    def need_decision(self, execution: Execution) -> None:
        """SWF's rule: at most one open decision task; events during one defer the next."""
        if execution.run_id == self.completing:
            execution.pending_decision = True  # scheduled once the whole batch is applied
        elif execution.decision is None:
            self.schedule_decision(execution)
        elif execution.decision.started_event_id:
            execution.pending_decision = True

    def schedule_decision(self, execution: Execution) -> None:
        task_list = execution.override_task_list or execution.task_list
        scheduled = self.event(
            execution,
            "DecisionTaskScheduled",
            taskList={"name": task_list},
            startToCloseTimeout=execution.task_timeout,
            taskPriority=str(execution.priority),
            scheduleToStartTimeout=execution.override_schedule_to_start,
        )
        execution.decision = DecisionTask(scheduled, task_list)
        execution.pending_decision = False
        self.enqueue("decision", execution, task_list, execution.priority, str(scheduled))
        if execution.override_task_list:  # a temporary override must be taken in time
            self.add_deadline(
                _seconds(execution.override_schedule_to_start),
                "decision-start",
                execution.run_id,
                str(scheduled),
            )

    def enqueue(
        self, kind: str, execution: Execution, task_list: str, priority: int, ref: str
    ) -> None:
        queue = self.queues.setdefault((kind, execution.domain, task_list), [])
        heapq.heappush(queue, (-priority, next(self._seq), execution.run_id, ref))
        self.enqueued_at[(kind, execution.domain, task_list)] = time.monotonic()
        self._enqueued.add((kind, execution.domain, task_list))
        self._changed = True

    def add_deadline(
        self, seconds: float | None, kind: str, run_id: str, ref: str, stamp: str = ""
    ) -> None:
        if seconds is None:
            return
        heapq.heappush(
            self.deadlines,
            Deadline(self.clock.now() + seconds, next(self._seq), kind, run_id, ref, stamp),
        )

    def new_run_id(self) -> str:
        return uuid.uuid4().hex

    # ------------------------------------------------------------------ lookups

    def domain(self, name: str) -> Domain:
        domain = self.domains.get(name)
        if domain is None:
            raise Fault("UnknownResourceFault", f"Unknown domain: {name.partition('|')[0]}")
        return domain

    def execution(
        self, domain: str, workflow_id: str, run_id: str | None = None, *, open_only: bool = False
    ) -> Execution:
        self.domain(domain)
        if not run_id:
            run_id = self.open_by_id.get((domain, workflow_id), "")
        execution = self.executions.get(run_id or "")
        if (
            execution is None
            or execution.domain != domain
            or execution.workflow_id != workflow_id
            or (open_only and not execution.is_open)
        ):
            raise Fault(
                "UnknownResourceFault",
                f"Unknown execution: WorkflowExecution=[workflowId={workflow_id}, runId={run_id}]",
            )
        return execution

    def type_info(self, kind: str, domain: str, name: str, version: str) -> TypeInfo:
        info = self.types.get((kind, domain, name, version))
        if info is None:
            label = "ActivityType" if kind == "activity" else "WorkflowType"
            raise Fault(
                "UnknownResourceFault", f"Unknown type: {label}=[name={name}, version={version}]"
            )
        return info

    # ------------------------------------------------------------------ restart

    def _rebuild(self) -> None:
        """Rebuild queues and deadlines from what SQLite holds (a restart)."""
        domains, types, executions = self.store.load()
        self.domains = {d.name: d for d in domains}
        self.types = {(t.kind, t.domain, t.name, t.version): t for t in types}
        now = self.clock.now()
        for execution in executions:
            self.executions[execution.run_id] = execution
            if not execution.is_open:
                continue
            self.open_by_id[(execution.domain, execution.workflow_id)] = execution.run_id
            self.add_deadline(
                _deadline_left(execution.started_at, execution.execution_timeout, now),
                "workflow",
                execution.run_id,
                "",
            )
            decision = execution.decision
            if decision is not None:
                if decision.started_event_id:
                    self.add_deadline(
                        _deadline_left(decision.started_at, execution.task_timeout, now),
                        "decision",
                        execution.run_id,
                        decision.token,
                    )
                else:
                    self.enqueue(
                        "decision",
                        execution,
                        decision.task_list or execution.task_list,
                        execution.priority,
                        str(decision.scheduled_event_id),
                    )
            for activity in execution.activities.values():
                if not activity.started_event_id:
                    self.enqueue(
                        "activity",
                        execution,
                        activity.task_list,
                        activity.priority,
                        activity.activity_id,
                    )
                self.arm_activity(execution, activity, now)
            for timer in execution.timers.values():
                heapq.heappush(
                    self.deadlines,
                    Deadline(
                        timer.fire_at,
                        next(self._seq),
                        "timer",
                        execution.run_id,
                        timer.timer_id,
                        str(timer.started_event_id),
                    ),
                )

    def arm_activity(self, execution: Execution, activity: Any, now: float) -> None:
        """Deadlines for an activity's timeouts, from its recorded moments."""
        stamp = f"{activity.scheduled_event_id}:{activity.started_event_id}"
        timeouts = activity.timeouts
        if not activity.started_event_id:
            self.add_deadline(
                _deadline_left(activity.scheduled_at, timeouts.get("scheduleToStartTimeout"), now),
                "activity:SCHEDULE_TO_START",
                execution.run_id,
                activity.activity_id,
                stamp,
            )
        else:
            self.add_deadline(
                _deadline_left(activity.started_at, timeouts.get("startToCloseTimeout"), now),
                "activity:START_TO_CLOSE",
                execution.run_id,
                activity.activity_id,
                stamp,
            )
            self.add_deadline(
                _deadline_left(
                    activity.heartbeat_at or activity.started_at,
                    timeouts.get("heartbeatTimeout"),
                    now,
                ),
                "activity:HEARTBEAT",
                execution.run_id,
                activity.activity_id,
                f"{stamp}:{activity.heartbeat_at}",
            )
        self.add_deadline(
            _deadline_left(activity.scheduled_at, timeouts.get("scheduleToCloseTimeout"), now),
            "activity:SCHEDULE_TO_CLOSE",
            execution.run_id,
            activity.activity_id,
            stamp.split(":", maxsplit=1)[0],
        )

    # ------------------------------------------------------------------ time

    def runnable(self) -> bool:
        """Work in progress, or a queued task someone will take: do not skip time.

        A task is taken when its list was polled lately, or when it was queued only
        just now (a worker that learns of a new task list starts polling it a moment
        after the decision that scheduled it).
        """
        for execution in self.open_runs():
            if execution.decision is not None and execution.decision.started_event_id:
                return True
            if any(a.started_event_id for a in execution.activities.values()):
                return True
        now = time.monotonic()
        recent = now - 2 * self.poll_timeout
        fresh = now - FRESH_TASK_GRACE
        return any(
            queue
            and (
                self.polled_at.get(key, -1e18) > recent or self.enqueued_at.get(key, -1e18) > fresh
            )
            for key, queue in self.queues.items()
        )

    def dequeue(self, kind: str, domain: str, task_list: str, run_id: str, ref: str) -> None:
        """Drop a task that will never be handed out (canceled, timed out, run closed)."""
        queue = self.queues.get((kind, domain, task_list))
        if queue:
            kept = [entry for entry in queue if (entry[2], entry[3]) != (run_id, ref)]
            if len(kept) != len(queue):
                heapq.heapify(kept)
                self.queues[(kind, domain, task_list)] = kept

    def next_due(self) -> float | None:
        return self.deadlines[0].due if self.deadlines else None

    def next_skip(self) -> float | None:
        """Where an idle clock may jump: the earliest timer of an open run.

        Never to a timeout: a run waiting for a signal, or for a worker that has not
        polled yet, must not be timed out by skipped time (docs/devserver.md).
        """
        timers = (timer for execution in self.open_runs() for timer in execution.timers.values())
        return min((timer.fire_at for timer in timers), default=None)

    def open_runs(self) -> Iterator[Execution]:
        return (self.executions[run_id] for run_id in self.open_by_id.values())


def _deadline_left(since: float, duration: str | None, now: float) -> float | None:
    seconds = _seconds(duration)
    return None if seconds is None else max(0.0, since + seconds - now)
