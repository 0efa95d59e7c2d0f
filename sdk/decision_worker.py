"""DistributedDecisionWorker: long-polls decision tasks and answers them by replay.

Each decision task is answered from the run's whole history by the pure replay engine.
The history of a run this process decided before comes from its `HistoryCache`, plus
only the new events (paged newest first); any other run's is paged from event 1.
What can go wrong is answered so that nothing is lost:

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
from typing import Any

from .connection import fault_code
from .decisions import FailWorkflowExecution
from .decorators import TaskDefinition, WorkflowDefinition
from .errors import NonDeterministicWorkflowError, PayloadStoreError, SwflowError
from .failures import failure_details, failure_reason
from .history import ExecutionState, HistoryError
from .history_cache import DEFAULT_MAX_EVENTS, HistoryCache
from .raw_pages import RawPolls
from .replay import DecisionResult, decide
from .worker import Worker

__all__ = ["DistributedDecisionWorker", "UnknownWorkflowTypeError"]

log = logging.getLogger("swflow.worker")

_PAGE_SIZE = 1000  # events per history page, SWF's maximum


class UnknownWorkflowTypeError(SwflowError, LookupError):
    """A decision task for a workflow type this worker does not serve."""


class DistributedDecisionWorker(Worker[WorkflowDefinition]):
    """Serves ``@decision_task`` functions: poll, replay, respond, forever.

    Example::

        DistributedDecisionWorker(decider_a).start()   # blocks until SIGTERM

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
    """

    definition_type = WorkflowDefinition
    decorator = "@decision_task"

    def __init__(
        self, *functions: Any, history_cache_events: int = DEFAULT_MAX_EVENTS, **options: Any
    ) -> None:
        self.histories = HistoryCache(history_cache_events)
        super().__init__(*functions, **options)

    def connected(self) -> None:
        self.polls = RawPolls(self.client)

    def poll(self, domain: str, task_list: str) -> dict[str, Any] | None:
        """A decision task, with only the events its run's cached state lacks.

        Pages come newest first and stop at the first event the cache already holds;
        on a cold run they go back to event 1, as without a cache.
        """
        params = {
            "domain": domain,
            "taskList": {"name": task_list},
            "identity": self.identity,
            "maximumPageSize": _PAGE_SIZE,
            "reverseOrder": True,
        }
        task = self.polls.poll(**params)
        if not task.get("taskToken"):
            return None
        execution = task["workflowExecution"]
        run = (domain, execution["workflowId"], execution["runId"])
        state = self.histories.take(run)
        known = state.last_event_id if state is not None else 0
        pages = [task["events"]]
        if state is not None and (not pages[0] or pages[0][0]["eventId"] <= known):
            state, known = None, 0  # the cache is not behind this history: start over
        page = task
        while page.get("nextPageToken") and pages[-1] and pages[-1][-1]["eventId"] > known + 1:
            page = self.polls.poll(**params, nextPageToken=page["nextPageToken"])
            pages.append(page["events"])
        newest_first = (event for chunk in pages for event in chunk)
        task["events"] = [event for event in newest_first if event["eventId"] > known][::-1]
        task.pop("nextPageToken", None)
        task["run"], task["history"] = run, state
        return task

    def handle(self, domain: str, task: dict[str, Any]) -> None:
        execution = task["workflowExecution"]
        where = (
            f"{execution['workflowId']} (run {execution['runId']}, event {task['startedEventId']})"
        )
        try:
            result = self.decide(domain, task)
        except NonDeterministicWorkflowError as exc:
            log.error(
                "NON-DETERMINISTIC WORKFLOW %s: %s. The decision task is left to time out and "
                "be retried; deploy code that matches the history to let it continue.",
                where,
                exc,
            )
            return
        except PayloadStoreError as exc:
            log.error("decision for %s left to retry: payload store unreachable: %s", where, exc)
            return
        except HistoryError as exc:
            self.histories.take(task["run"])  # never build on a history that did not fold
            log.error("decision for %s left to retry: unreadable history: %s", where, exc)
            return
        except UnknownWorkflowTypeError as exc:
            log.error("failing workflow %s: %s", where, exc)
            failure = FailWorkflowExecution(failure_reason(exc), failure_details(exc, self.codec))
            result = DecisionResult([failure], closes=True)
        except Exception:
            log.exception("decision for %s left to retry: unexpected error", where)
            return
        self.respond(domain, task, result, where)

    def decide(self, domain: str, task: dict[str, Any]) -> DecisionResult:
        """The decisions answering ``task``, by replaying its decider."""
        kind = task["workflowType"]
        definition = self.lookup(domain, kind)
        if definition is None:
            raise UnknownWorkflowTypeError(
                f"no decider for workflow type {kind['name']} {kind['version']} in this "
                f"worker (it serves: {self.describe(domain)})"
            )
        history = self.history(task)
        execution = task["workflowExecution"]
        result = decide(
            history,
            definition,
            workflow_id=execution["workflowId"],
            run_id=execution["runId"],
            codec=self.codec,
        )
        if not result.closes:
            self.histories.keep(task["run"], history)
        return result

    def history(self, task: dict[str, Any]) -> ExecutionState:
        """The run's state: the cached one (if any) with the task's new events folded in."""
        state: ExecutionState | None = task.get("history")
        events: list[dict[str, Any]] = task["events"]
        if state is None:
            return ExecutionState.from_events(events)
        if events and events[0]["eventId"] != state.last_event_id + 1:
            raise HistoryError(
                f"history pages skip from event {state.last_event_id} to {events[0]['eventId']}"
            )
        state.extend(events)
        return state

    def respond(
        self, domain: str, task: dict[str, Any], result: DecisionResult, where: str
    ) -> None:
        try:
            for definition in result.tasks:
                self.scheduled(domain, definition)
            self.client.respond_decision_task_completed(
                taskToken=task["taskToken"], decisions=result.to_swf()
            )
        except Exception as exc:
            if fault_code(exc) == "UnknownResourceFault":  # timed out meanwhile, or run closed
                log.warning("decision for %s not accepted: %s", where, exc)
                return
            raise
        log.debug(
            "decided %s: %d decisions%s",
            where,
            len(result.decisions),
            f", waiting on {', '.join(result.waiting_on)}" if result.waiting_on else "",
        )

    def scheduled(self, domain: str, definition: TaskDefinition) -> None:
        """A decision starts a task of ``definition``: make sure its type is registered."""
        declared = definition.options.task_list  # type: ignore[attr-defined]
        self.registrar.task_type(domain, definition, declared or definition.name)
