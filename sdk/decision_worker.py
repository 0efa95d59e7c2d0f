"""DistributedDecisionWorker: long-polls decision tasks and answers them by replay.

Each decision task is answered from the whole history (every page of it) by the pure
replay engine. What can go wrong is answered so that nothing is lost:

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
    """

    definition_type = WorkflowDefinition
    decorator = "@decision_task"

    def connected(self) -> None:
        self.polls = RawPolls(self.client)

    def poll(self, domain: str, task_list: str) -> dict[str, Any] | None:
        task = self.polls.poll(
            domain=domain,
            taskList={"name": task_list},
            identity=self.identity,
            maximumPageSize=_PAGE_SIZE,
        )
        if not task.get("taskToken"):
            return None
        events = task["events"]
        while task.get("nextPageToken"):  # a long history comes in pages
            task = self.polls.poll(
                domain=domain,
                taskList={"name": task_list},
                identity=self.identity,
                maximumPageSize=_PAGE_SIZE,
                nextPageToken=task["nextPageToken"],
            )
            events.extend(task["events"])
        task["events"] = events
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
        execution = task["workflowExecution"]
        return decide(
            task["events"],
            definition,
            workflow_id=execution["workflowId"],
            run_id=execution["runId"],
            codec=self.codec,
        )

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
