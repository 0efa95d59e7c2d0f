"""DistributedActivityWorker: long-polls activity tasks, runs them, responds.

A task's input is decoded through its envelope (arguments forwarded by reference are
fetched here, never by the decider), the function runs in one of the worker's
``concurrency`` threads, and its value goes out through the activity's result
channel. Whatever goes wrong with one task (the function raises, an argument cannot be
fetched or decoded, the result cannot be encoded, the type is unknown) fails *that
task*, with a reason of at most 256 characters and details of at most 32,768, and the
worker keeps serving. A task whose code outlives SWF's interest in it (`RunningTasks`)
is reported and counted; its slot is held until the code returns.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from swflow.errors import UnknownResourceFault
from swflow.serializers import JsonSerializer
from swflow.stores import InlineDataStore
from swflow.swf.limits import LIMITED_DATA
from swflow.telemetry import count, input_trace, record, span
from swflow.workflow.activity_context import ActivityInfo
from swflow.workflow.decorators import ActivityDefinition

from .activity_run import EventLoopThread, Outcome, failed, run_activity
from .base import Worker
from .running import RunningTasks

__all__ = ["DistributedActivityWorker"]

log = logging.getLogger("swflow.worker")

_WATCH_INTERVAL = 1.0  # seconds between looks for activities that hang


class DistributedActivityWorker(Worker[ActivityDefinition, dict[str, Any]]):
    """Serves ``@activity_task`` functions: poll, run, respond, forever.

    Example:

    ```python
    DistributedActivityWorker(activity_task_a, concurrency=8).start()
    ```

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

    def connected(self) -> None:
        self.event_loop = EventLoopThread()  # for async def activities, started on first use
        self.running = RunningTasks()
        self._watching = threading.Event()

    @property
    def hung_tasks(self) -> int:
        """Tasks SWF gave up on whose code still runs, each holding a polling slot."""
        return self.running.hung

    def start(self, *, block: bool = True) -> None:
        self._watching.clear()
        threading.Thread(target=self._watch, name="swflow-hung-watch", daemon=True).start()
        super().start(block=block)

    def stop(self, *, wait: bool = True, timeout: float | None = None) -> None:
        self._watching.set()
        super().stop(wait=wait, timeout=timeout)
        if wait:  # no task runs now: the loop can go
            self.event_loop.close()

    def _watch(self) -> None:
        while not self._watching.wait(_WATCH_INTERVAL):
            self.running.check(slots=self.concurrency * max(1, len(self._targets)))

    def poll(self, domain: str, task_list: str) -> dict[str, Any] | None:
        began = time.monotonic()
        task = self.client.poll_for_activity_task(
            domain=domain, taskList={"name": task_list}, identity=self.identity
        )
        record("swflow.poll.wait", time.monotonic() - began, kind="activity", task_list=task_list)
        if not task.get("taskToken"):
            return None
        kind = task["activityType"]["name"]
        count("swflow.tasks.polled", kind="activity", task_list=task_list, type=kind)
        return {**task, "taskList": {"name": task_list}}  # for the task's own metrics

    def handle(self, domain: str, task: dict[str, Any]) -> None:
        kind, text = task["activityType"], task.get("input")
        attributes = {
            "swflow.workflow_id": task["workflowExecution"]["workflowId"],
            "swflow.run_id": task["workflowExecution"]["runId"],
            "swflow.activity_id": task["activityId"],
            "swflow.activity_type": kind["name"],
            "swflow.activity_version": kind["version"],
            "swflow.attempt": _attempt(task["activityId"]),
            "swflow.input_size": len(text or ""),
        }
        began = time.monotonic()
        name = f"swflow activity {kind['name']}"
        with span(name, attributes, parent=input_trace(text), kind="CONSUMER") as current:
            outcome = self._run(domain, task)
            current.set_attribute("swflow.outcome", outcome.kind)
            current.set_attribute("swflow.result_size", len(outcome.result or ""))
        metric = "completed" if outcome.kind == "completed" else "failed"
        task_list = task.get("taskList", {}).get("name", "")
        count(f"swflow.tasks.{metric}", kind="activity", task_list=task_list, type=kind["name"])
        record("swflow.activity.duration", time.monotonic() - began, type=kind["name"])

    def _run(self, domain: str, task: dict[str, Any]) -> Outcome:
        execution, kind = task["workflowExecution"], task["activityType"]
        where = (
            f"activity {task['activityId']} ({kind['name']} {kind['version']}) of "
            f"{execution['workflowId']} (run {execution['runId']})"
        )
        token = task["taskToken"]
        ids = {
            "workflow_id": execution["workflowId"],
            "run_id": execution["runId"],
            "activity_id": task["activityId"],
        }
        definition = self.lookup(domain, kind)
        if definition is None:
            error = LookupError(
                f"no function for activity type {kind['name']} {kind['version']} in this "
                f"worker (it serves: {self.describe(domain)})"
            )
            outcome = failed(error, self.codec)
            self.answer(token, outcome, where, ids)
            return outcome
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
        done = threading.Event()
        interval = _keep_alive_interval(definition)
        if interval is not None:
            threading.Thread(
                target=_keep_alive,
                args=(info, interval, done),
                daemon=True,
                name="swflow-heartbeat",
            ).start()
        self.running.begin(token, where, definition.options.start_to_close_timeout)
        try:
            outcome = run_activity(definition, task.get("input"), self.codec, info, self.event_loop)
        finally:
            done.set()
            self.running.end(token)
        self.answer(token, outcome, where, ids)
        return outcome

    def answer(
        self, token: str, outcome: Outcome, where: str, ids: dict[str, str] | None = None
    ) -> None:
        """Tell SWF how the task ended: RespondActivityTask{Completed,Canceled,Failed}.

        ``ids`` (workflow, run and activity id) go on the log record, for JSON logs.
        """
        if outcome.kind == "failed":
            log.warning("%s failed: %s", where, outcome.reason, extra=ids)
        fields = {"result": outcome.result, "reason": outcome.reason, "details": outcome.details}
        self._respond(
            getattr(self.client, f"respond_activity_task_{outcome.kind}"),
            where,
            outcome.kind,
            taskToken=token,
            **{name: value for name, value in fields.items() if value is not None},
        )

    def heartbeat(self, token: str, details: str | None, where: str) -> bool:
        """Record a heartbeat; True when SWF wants the task canceled or forgot it."""
        params = (
            {"taskToken": token} if details is None else {"taskToken": token, "details": details}
        )
        try:
            answer = self.client.record_activity_task_heartbeat(**params)
        except UnknownResourceFault as exc:
            log.warning("%s: heartbeat refused, the task is gone: %s", where, exc)
            self.running.gone(token)
            return True
        except Exception as exc:
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
        except UnknownResourceFault as exc:  # timed out or canceled meanwhile
            log.warning("%s: %s answer not accepted: %s", where, outcome, exc)
            return
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


def _attempt(activity_id: str) -> int:
    """Which attempt an activity id names: ``a3`` is the first, ``a3.2`` the second."""
    _, dot, number = activity_id.rpartition(".")
    return int(number) if dot and number.isdigit() else 1
