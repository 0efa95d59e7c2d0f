"""DistributedDecisionWorker: long-polls decision tasks and answers them by replay.

Each decision task is answered from the run's whole history. A run this process
decided before is in its `HistoryCache`: its folded history, to which only the new
events are added (paged newest first), and its `StickyDecider`, suspended where the
code waits, which goes on from there. Any other run's history is paged from event 1
and its decider runs from the start (snapshot replay). A sticky decider is kept only
once SWF accepted every decision it made. What can go wrong is answered so that
nothing is lost:

* the decider raises: the engine fails the workflow, with reason and details;
* the code no longer matches the history (`NonDeterministicWorkflowError`) or a
  payload store cannot be reached: the task is left unanswered and logged loudly;
  SWF times it out and hands it out again, to this code once fixed or to another worker;
* a workflow type this worker does not serve: the workflow fails with a reason naming
  the type and what the worker does serve (a stuck run is harder to see than a failed
  one; deploy new types on their own task lists);
* more than 100 decisions: the engine sends 100 and the rest go in the next task.

Before answering, the types of activities and child workflows the decisions start are
registered (once per process), so a decider may schedule work whose worker has not
started yet.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import TYPE_CHECKING, Any, cast

from swflow.errors import (
    DeciderStuckError,
    HistoryError,
    NonDeterministicWorkflowError,
    PayloadStoreError,
    UnknownResourceFault,
    UnknownWorkflowTypeError,
)
from swflow.failures import failure_details, failure_reason
from swflow.payloads import PayloadCodec
from swflow.replay.decider import Decider, DeciderFactory, runner_for
from swflow.replay.gcpause import paused_gc
from swflow.replay.snapshot import DecisionResult
from swflow.replay.state import ExecutionState
from swflow.replay.threads import DeciderThreads
from swflow.swf.decisions import FailWorkflowExecution
from swflow.telemetry import count, input_trace, record, span, trace_decisions
from swflow.workflow.context import deciders
from swflow.workflow.decorators import TaskDefinition, WorkflowDefinition

from .base import Worker
from .decision_task import DecisionTask
from .history_cache import DEFAULT_MAX_DECIDERS, DEFAULT_MAX_EVENTS, HistoryCache
from .pages import event_id, page_events
from .raw_pages import RawPolls
from .task_pages import FIRST_PAGE, FULL_PAGE, oldest_first, task_pages

if TYPE_CHECKING:
    from mypy_boto3_swf.type_defs import DecisionTypeDef

__all__ = ["DistributedDecisionWorker"]

log = logging.getLogger("swflow.worker")

DEFAULT_DEADLOCK_TIMEOUT = 2.0
"""Seconds a decision task may run the code before it must reach its next wait."""

DEFAULT_MAX_STUCK = 10
"""Abandoned deciders still running at which the process exits (0: never)."""

EXIT_STUCK = 70
"""The exit status of a decider process that has too many stuck deciders."""


class DistributedDecisionWorker(Worker[WorkflowDefinition, DecisionTask]):
    """Serves ``@decision_task`` functions: poll, replay, respond, forever.

    Example:

    ```python
    DistributedDecisionWorker(decider_a).start()   # blocks until SIGTERM
    ```

    Args:
        *functions: the ``@decision_task`` functions to serve.
        domain: overrides the decorators' domains (else ``SWF_DOMAIN``).
        task_list: overrides the decorators' task lists.
        identity: recorded in the history (default ``host:pid``).
        client: a boto3 SWF client (default: from boto3's configuration chain).
        concurrency: decision tasks handled at once per task list (default 1).
        codec: payload codec (default: the process-wide one).
        history_cache_events: how many events of recently decided runs to keep folded
            between decision tasks (`HistoryCache`); 0 turns the cache off.
        sticky_deciders: how many of those runs keep their decider suspended between
            decision tasks (a thread each); 0 replays every task from the start.
        deadlock_timeout: seconds a decision may run the code before it must reach its
            next wait (a ``@decision_task`` may set its own); past it the task is left
            unanswered and the decider's thread abandoned, so other runs go on. None:
            no bound.
        max_stuck_deciders: abandoned deciders still running at which the process
            exits with status 70 (`EXIT_STUCK`) for a supervisor to restart it; 0: never.
    """

    definition_type = WorkflowDefinition
    decorator = "@decision_task"

    def __init__(
        self,
        *functions: Any,
        domain: str | None = None,
        task_list: str | None = None,
        identity: str | None = None,
        client: Any = None,
        concurrency: int | None = None,
        codec: PayloadCodec | None = None,
        history_cache_events: int = DEFAULT_MAX_EVENTS,
        sticky_deciders: int = DEFAULT_MAX_DECIDERS,
        deadlock_timeout: float | None = DEFAULT_DEADLOCK_TIMEOUT,
        max_stuck_deciders: int = DEFAULT_MAX_STUCK,
    ) -> None:
        self.histories = HistoryCache(history_cache_events, sticky_deciders)
        self.deadlock_timeout = deadlock_timeout
        self.max_stuck_deciders = max_stuck_deciders
        self._abandoned: list[Decider] = []
        self._abandoned_lock = threading.Lock()
        self.threads = DeciderThreads()  # deciders' threads, kept between runs
        self.runner: DeciderFactory = runner_for(self.histories.max_deciders > 0, self.threads)
        self._serving = False
        super().__init__(
            *functions,
            domain=domain,
            task_list=task_list,
            identity=identity,
            client=client,
            concurrency=concurrency,
            codec=codec,
        )

    def connected(self) -> None:
        self.polls = RawPolls(self.client)

    def start(self, *, block: bool = True) -> None:
        if not self._serving:
            self._serving = True
            deciders.enter()  # threads deciders start may no longer call activities
        try:
            super().start(block=block)
        except BaseException:
            self.stop(wait=False)
            raise

    def stop(self, *, wait: bool = True, timeout: float | None = None) -> None:
        if self._serving:
            self._serving = False
            deciders.leave()
        super().stop(wait=wait, timeout=timeout)
        if wait:  # no task holds a run now: the suspended deciders' threads can end
            self.histories.clear()

    def poll(self, domain: str, task_list: str) -> DecisionTask | None:
        """A decision task, with only the events its run's cached state lacks.

        Pages come newest first and stop at the first event the cache already holds;
        on a cold run they go back to event 1, as without a cache (`task_pages`: a
        small first page, the rest by GetWorkflowExecutionHistory).
        """
        params: dict[str, Any] = {
            "domain": domain,
            "taskList": {"name": task_list},
            "identity": self.identity,
            "maximumPageSize": FIRST_PAGE if self.histories.max_events else FULL_PAGE,
            "reverseOrder": True,
        }
        began = time.monotonic()
        first = self.polls.poll(**params, lazy=True)  # events decoded once needed
        record("swflow.poll.wait", time.monotonic() - began, kind="decision", task_list=task_list)
        if not first.get("taskToken"):
            return None
        execution = first["workflowExecution"]
        run = (domain, execution["workflowId"], execution["runId"])
        cached = self.histories.take(run)
        known = cached.state.last_event_id if cached is not None else 0
        try:
            pages = task_pages(self.polls, params, first, known)
            if cached is not None and not (pages and pages[0]):
                cached.release()  # the cache is not behind this history: start over
                cached, known = None, 0
                pages = task_pages(self.polls, params, first, known)
            task = DecisionTask(
                domain=domain,
                token=first["taskToken"],
                started_event_id=first["startedEventId"],
                workflow_id=execution["workflowId"],
                run_id=execution["runId"],
                workflow_type=first["workflowType"],
                events=oldest_first(pages),
                history=cached.state if cached is not None else None,
                decider=cached.decider if cached is not None else None,
                task_list=task_list,
            )
        except BaseException:
            if cached is not None:  # checked out and never coming back: end its decider
                cached.release()
            raise
        kind = task.workflow_type["name"]
        count("swflow.tasks.polled", kind="decision", task_list=task_list, type=kind)
        return task

    def handle(self, domain: str, task: DecisionTask) -> None:
        began = time.monotonic()
        attributes = {
            "swflow.workflow_id": task.workflow_id,
            "swflow.run_id": task.run_id,
            "swflow.workflow_type": task.workflow_type["name"],
            "swflow.events_read": len(task.events),
            "swflow.sticky_hit": task.decider is not None,
            "swflow.replay_mode": "sticky" if task.decider is not None else "snapshot",
        }
        count("swflow.decider.sticky", result="hit" if task.decider is not None else "miss")
        name = f"swflow decision {task.workflow_type['name']}"
        parent = input_trace(_run_input(task))
        with span(name, attributes, parent=parent, kind="CONSUMER") as current:
            result = self._handle(domain, task)
            if result is not None:
                current.set_attribute("swflow.decisions_made", len(result.decisions))
            current.set_attribute("swflow.replay_seconds", time.monotonic() - began)
        outcome = "completed" if result is not None else "failed"
        kind = task.workflow_type["name"]
        count(f"swflow.tasks.{outcome}", kind="decision", task_list=task.task_list, type=kind)
        record("swflow.decision.latency", time.monotonic() - began, type=kind)

    def _handle(self, domain: str, task: DecisionTask) -> DecisionResult | None:
        where = task.where
        result: DecisionResult | None = None
        try:
            result = self.decide(domain, task)
        except NonDeterministicWorkflowError as exc:
            log.error(
                "NON-DETERMINISTIC WORKFLOW %s: %s. The decision task is left to time out and "
                "be retried; deploy code that matches the history to let it continue.",
                where,
                exc,
            )
        except PayloadStoreError as exc:
            log.error("decision for %s left to retry: payload store unreachable: %s", where, exc)
        except HistoryError as exc:
            log.error("decision for %s left to retry: unreadable history: %s", where, exc)
        except DeciderStuckError as exc:
            self.abandoned(task, exc)
        except UnknownWorkflowTypeError as exc:
            log.error("failing workflow %s: %s", where, exc)
            failure = FailWorkflowExecution(failure_reason(exc), failure_details(exc, self.codec))
            result = DecisionResult([failure], closes=True)
        except Exception:
            log.exception("decision for %s left to retry: unexpected error", where)
        answered = False
        try:
            answered = result is not None and self.respond(domain, task, result)
        finally:
            self.remember(task, result, answered=answered)
        return result if answered else None

    def decide(self, domain: str, task: DecisionTask) -> DecisionResult:
        """The decisions answering ``task``, from the run's decider."""
        with paused_gc():  # the replay's many small objects are freed unscanned
            return self._decide(domain, task)

    def _decide(self, domain: str, task: DecisionTask) -> DecisionResult:
        kind = task.workflow_type
        definition = self.lookup(domain, kind)
        if definition is None:
            raise UnknownWorkflowTypeError(
                f"no decider for workflow type {kind['name']} {kind['version']} in this "
                f"worker (it serves: {self.describe(domain)})"
            )
        history = task.history = self.history(task)
        decider = task.decider
        if decider is None or decider.state is not history or decider.definition is not definition:
            if decider is not None:
                decider.close()
            decider = task.decider = self.runner(
                history,
                definition,
                workflow_id=task.workflow_id,
                run_id=task.run_id,
                codec=self.codec,
                deadlock_timeout=definition.deadlock_timeout or self.deadlock_timeout,
            )
        return decider.decide()

    @property
    def stuck_deciders(self) -> int:
        """Deciders abandoned past their bound whose code still runs."""
        with self._abandoned_lock:
            self._abandoned = [decider for decider in self._abandoned if decider.stuck]
            return len(self._abandoned)

    def abandoned(self, task: DecisionTask, error: DeciderStuckError) -> None:
        """A decider ran away: log where, count it, and stop the process at the limit."""
        count("swflow.deciders.abandoned")
        if task.decider is not None:
            with self._abandoned_lock:
                self._abandoned.append(task.decider)
        stuck = self.stuck_deciders
        log.error(
            "DECIDER STUCK %s: %s. The task is left to time out and be retried; the "
            "decider's thread is abandoned (%d stuck in this process, limit %s). Stuck at:\n%s",
            task.where,
            error,
            stuck,
            self.max_stuck_deciders or "none",
            error.stack,
        )
        if self.max_stuck_deciders and stuck >= self.max_stuck_deciders:
            self.too_many_stuck(stuck)

    def too_many_stuck(self, stuck: int) -> None:
        """Leave: threads cannot be stopped, so only a new process gets them back. A
        supervisor (systemd, Kubernetes, ``swflow decider`` under one) restarts it."""
        log.critical("%d deciders stuck in this process: exiting with status %d", stuck, EXIT_STUCK)
        logging.shutdown()
        os._exit(EXIT_STUCK)

    def remember(
        self, task: DecisionTask, result: DecisionResult | None, *, answered: bool
    ) -> None:
        """Keep the run for its next task: its state once folded, its decider once SWF
        accepted all it decided. Nothing is kept when the decision failed or closed."""
        decider = task.decider
        live = answered and decider is not None and decider.reusable
        if decider is not None and not live:
            decider.close()
        if result is None or result.closes or task.history is None:
            return  # the state may not have folded, or the run ends: nothing to keep
        self.histories.keep(task.run, task.history, decider if live else None)

    def history(self, task: DecisionTask) -> ExecutionState:
        """The run's state: the cached one (if any) with the task's new events folded in."""
        state = task.history
        events = task.events
        if state is None:  # raw events decode as they are folded
            return ExecutionState.from_events(events)
        if events and (first := event_id(events[0])) != state.last_event_id + 1:
            raise HistoryError(f"history pages skip from event {state.last_event_id} to {first}")
        state.extend(events)
        return state

    def respond(self, domain: str, task: DecisionTask, result: DecisionResult) -> bool:
        """Send the decisions; False when SWF no longer accepts them."""
        try:
            for definition in result.tasks:
                self.scheduled(domain, definition)
            swf_decisions = result.to_swf()
            trace_decisions(swf_decisions, _run_input(task))  # the work it starts: this trace
            decisions = cast("list[DecisionTypeDef]", swf_decisions)  # typed by to_swf()
            self.client.respond_decision_task_completed(taskToken=task.token, decisions=decisions)
        except UnknownResourceFault as exc:  # timed out meanwhile, or the run closed
            log.warning("decision for %s not accepted: %s", task.where, exc)
            return False
        log.debug(
            "decided %s: %d decisions%s",
            task.where,
            len(result.decisions),
            f", waiting on {', '.join(result.waiting_on)}" if result.waiting_on else "",
        )
        return True

    def scheduled(self, domain: str, definition: TaskDefinition) -> None:
        """A decision starts a task of ``definition``: make sure its type is registered."""
        declared = definition.options.task_list  # type: ignore[attr-defined]
        self.registrar.task_type(domain, definition, declared or definition.name)


def _run_input(task: DecisionTask) -> str | None:
    """The run's input, where the trace context of its start travels."""
    if task.history is not None:
        return task.history.input
    try:
        first = page_events(task.events[:1])
    except HistoryError:
        return None  # said when the history is folded
    if not first or first[0].kind != "WorkflowExecutionStarted":
        return None
    text: str | None = first[0].attributes.input  # type: ignore[attr-defined]
    return text
