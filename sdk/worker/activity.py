"""DistributedActivityWorker: long-polls activity tasks, runs them, responds.

A task's input is decoded through its envelope (arguments forwarded by reference are
fetched here, never by the decider), the function runs in one of the worker's
``concurrency`` threads, and its value goes out through the activity's result
channel. Whatever goes wrong with one task (the function raises, an argument cannot be
fetched or decoded, the result cannot be encoded, the type is unknown) fails *that
task*, with a reason of at most 256 characters and details of at most 32,768, and the
worker keeps serving.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from swflow.calls import decode_call
from swflow.failures import failure_details, failure_reason
from swflow.serializers import JsonSerializer
from swflow.stores import InlineDataStore
from swflow.swf.connection import fault_code
from swflow.swf.limits import LIMITED_DATA
from swflow.workflow.activity_context import ActivityCanceledError, ActivityInfo, bind, unbind
from swflow.workflow.decorators import ActivityDefinition

from .base import Worker

__all__ = ["DistributedActivityWorker"]

log = logging.getLogger("swflow.worker")


class DistributedActivityWorker(Worker[ActivityDefinition]):
    """Serves ``@activity_task`` functions: poll, run, respond, forever.

    Example::

        DistributedActivityWorker(activity_task_a, concurrency=8).start()

    Args:
        *functions: the ``@activity_task`` functions to serve.
        domain: overrides the decorators' domains (else ``SWF_DOMAIN``).
        task_list: overrides the decorators' task lists.
        identity: recorded in the history (default ``host:pid``).
        client: a boto3 SWF client (default: from boto3's configuration chain).
        concurrency: activity tasks run at once per task list (threads; default 4).
        codec: payload codec (default: the process-wide one).
    """

    definition_type = ActivityDefinition
    decorator = "@activity_task"
    default_concurrency = 4

    def poll(self, domain: str, task_list: str) -> dict[str, Any] | None:
        task: dict[str, Any] = self.client.poll_for_activity_task(
            domain=domain, taskList={"name": task_list}, identity=self.identity
        )
        return task if task.get("taskToken") else None

    def handle(self, domain: str, task: dict[str, Any]) -> None:
        execution, kind = task["workflowExecution"], task["activityType"]
        where = (
            f"activity {task['activityId']} ({kind['name']} {kind['version']}) of "
            f"{execution['workflowId']} (run {execution['runId']})"
        )
        token = task["taskToken"]
        definition = self.lookup(domain, kind)
        if definition is None:
            error = LookupError(
                f"no function for activity type {kind['name']} {kind['version']} in this "
                f"worker (it serves: {self.describe(domain)})"
            )
            self.fail(token, error, where)
            return
        info = ActivityInfo(
            workflow_id=execution["workflowId"],
            run_id=execution["runId"],
            activity_id=task["activityId"],
            activity_type=kind["name"],
            version=kind["version"],
            task_token=token,
            send=lambda details: self.heartbeat(token, details, where),
            encode=self._encode_details,
        )
        log.debug("running %s", where)
        try:
            args, kwargs = decode_call(task.get("input"), self.codec)
        except Exception as exc:  # PayloadError, or a store library's own failure
            self.fail(token, exc, where)
            return
        done = threading.Event()
        interval = _keep_alive_interval(definition)
        if interval is not None:
            threading.Thread(
                target=_keep_alive,
                args=(info, interval, done),
                daemon=True,
                name="swflow-heartbeat",
            ).start()
        context = bind(info)
        try:
            value = definition.function(*args, **kwargs)
            result = self.codec.encode(
                value,
                definition.result.serializer,
                definition.result.store,
                field="result",
                owner=f"activity {definition.name} {definition.version}",
            )
        except Exception as exc:
            if isinstance(exc, ActivityCanceledError) or info.cancel_requested:
                self._respond(
                    self.client.respond_activity_task_canceled,
                    where,
                    "canceled",
                    taskToken=token,
                    details=failure_details(exc, self.codec),
                )
            else:
                self.fail(token, exc, where)
            return
        finally:
            done.set()
            unbind(context)
        self._respond(
            self.client.respond_activity_task_completed,
            where,
            "completed",
            taskToken=token,
            result=result,
        )

    def fail(self, token: str, error: BaseException, where: str) -> None:
        """Fail one task with ``error``'s reason and details."""
        log.warning("%s failed: %s", where, failure_reason(error))
        self._respond(
            self.client.respond_activity_task_failed,
            where,
            "failed",
            taskToken=token,
            reason=failure_reason(error),
            details=failure_details(error, self.codec),
        )

    def heartbeat(self, token: str, details: str | None, where: str) -> bool:
        """Record a heartbeat; True when SWF wants the task canceled or forgot it."""
        params = (
            {"taskToken": token} if details is None else {"taskToken": token, "details": details}
        )
        try:
            answer = self.client.record_activity_task_heartbeat(**params)
        except Exception as exc:
            if fault_code(exc) == "UnknownResourceFault":
                log.warning("%s: heartbeat refused, the task is gone: %s", where, exc)
                return True
            log.warning("%s: heartbeat failed: %s", where, exc)
            return False
        return bool(answer.get("cancelRequested"))

    def _encode_details(self, details: Any) -> str:
        return self.codec.encode(
            details, JsonSerializer(), InlineDataStore(), field="details", limit=LIMITED_DATA
        )

    def _respond(self, call: Any, where: str, outcome: str, **params: Any) -> None:
        try:
            call(**params)
        except Exception as exc:
            if fault_code(exc) == "UnknownResourceFault":  # timed out or canceled meanwhile
                log.warning("%s: %s answer not accepted: %s", where, outcome, exc)
                return
            raise
        log.debug("%s %s", where, outcome)


def _keep_alive_interval(definition: ActivityDefinition) -> float | None:
    timeout = definition.options.heartbeat_timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0:
        return None
    return timeout / 3


def _keep_alive(info: ActivityInfo, interval: float, done: threading.Event) -> None:
    """Heartbeat every ``interval`` seconds until the task is done."""
    while not done.wait(interval):
        try:
            info.beat(force=True)
        except Exception as exc:
            log.warning("automatic heartbeat failed: %s", exc)
