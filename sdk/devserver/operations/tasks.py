"""Decision and activity tasks: long polls, responses, heartbeats, backlog counts."""

from __future__ import annotations

import heapq
import hmac
import secrets
import time
from typing import Any

from swflow.devserver.engine import Engine, _seconds
from swflow.devserver.faults import Fault
from swflow.devserver.model import ActivityTask, Execution
from swflow.devserver.paging import decode_token

from .decisions import apply_decisions, check_batch
from .executions import history_page

__all__ = ["Tasks"]


def _override_task_list(execution: Execution, p: dict[str, Any]) -> None:
    """Where the next decision tasks go: a new list for good, or for one task."""
    if "taskList" not in p:
        return
    if p.get("taskListScheduleToStartTimeout"):
        execution.override_task_list = p["taskList"]["name"]
        execution.override_schedule_to_start = p["taskListScheduleToStartTimeout"]
    else:
        execution.task_list = p["taskList"]["name"]
        execution.override_task_list = execution.override_schedule_to_start = None


def _token(kind: str, run_id: str, scheduled_event_id: int) -> str:
    """A task token: where the task is, and 128 random bits no one can guess.

    Tokens are kept with the run in SQLite, so they survive a restart; one built from
    a run id and an event id alone names no task.
    """
    return f"{kind}.{run_id}.{scheduled_event_id}.{secrets.token_urlsafe(16)}"


def _token_parts(token: str) -> tuple[str, str]:
    """(run id, scheduled event id) of a token, or empty strings for a malformed one."""
    parts = token.split(".")
    return (parts[1], parts[2]) if len(parts) == 4 else ("", "")


class Tasks:
    """The decider and worker operations."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # Polling. One call claims a task or answers empty at once; the HTTP front holds
    # the connection and asks again when a task lands on the list (a long poll).

    def _claim(self, kind: str, p: dict[str, Any]) -> tuple[Execution, str] | None:
        engine = self.engine
        key = (kind, p["domain"], p["taskList"]["name"])
        engine.domain(p["domain"])
        engine.polled_at[key] = time.monotonic()
        return self._pop_live(kind, key)

    def _pop_live(self, kind: str, key: tuple[str, str, str]) -> tuple[Execution, str] | None:
        queue = self.engine.queues.get(key)
        while queue:
            _, _, run_id, ref = heapq.heappop(queue)
            execution = self.engine.executions.get(run_id)
            if execution is None or not execution.is_open:
                continue
            if kind == "decision":
                decision = execution.decision
                if (
                    decision
                    and not decision.started_event_id
                    and str(decision.scheduled_event_id) == ref
                ):
                    return execution, ref
            else:
                activity = execution.activities.get(ref)
                if activity is not None and not activity.started_event_id:
                    return execution, ref
        return None

    # Decisions.

    def PollForDecisionTask(self, p: dict[str, Any]) -> dict[str, Any]:
        engine = self.engine
        with engine.lock:
            if p.get("nextPageToken"):
                return self._next_decision_page(p)
            found = self._claim("decision", p)
            if found is None:
                return {"taskToken": "", "startedEventId": 0, "previousStartedEventId": 0}
            execution, _ = found
            with engine.operation():
                decision = execution.decision
                assert decision is not None
                started = engine.event(
                    execution,
                    "DecisionTaskStarted",
                    scheduledEventId=decision.scheduled_event_id,
                    identity=p.get("identity"),
                )
                decision.started_event_id = started
                decision.started_at = engine.clock.now()
                decision.token = _token("d", execution.run_id, decision.scheduled_event_id)
                engine.add_deadline(
                    _seconds(execution.task_timeout), "decision", execution.run_id, decision.token
                )
                return self._decision_page(execution, p)

    def _decision_page(self, execution: Execution, p: dict[str, Any]) -> dict[str, Any]:
        decision = execution.decision
        assert decision is not None
        first = 1
        if p.get("startAtPreviousStartedEvent") and execution.previous_started_event_id:
            first = execution.previous_started_event_id
        return history_page(
            self.engine,
            execution,
            p,
            decision.started_event_id,
            first=first,
            extra={
                "taskToken": decision.token,
                "startedEventId": decision.started_event_id,
                "previousStartedEventId": execution.previous_started_event_id,
                "workflowExecution": {
                    "workflowId": execution.workflow_id,
                    "runId": execution.run_id,
                },
                "workflowType": {"name": execution.name, "version": execution.version},
            },
        )

    def _next_decision_page(self, p: dict[str, Any]) -> dict[str, Any]:
        run_id = str(decode_token(p["nextPageToken"]).get("run", ""))
        execution = self.engine.executions.get(run_id)
        if execution is None or execution.decision is None or not execution.decision.token:
            raise Fault("UnknownResourceFault", "the decision task of this page is gone")
        return self._decision_page(execution, p)

    def _decision_owner(self, token: str) -> Execution:
        execution = self.engine.executions.get(_token_parts(token)[0])
        if (
            execution is None
            or not execution.is_open
            or execution.decision is None
            or not hmac.compare_digest(execution.decision.token, token)
        ):
            raise Fault("UnknownResourceFault", f"Unknown decision task: {token[:100]}")
        return execution

    def RespondDecisionTaskCompleted(self, p: dict[str, Any]) -> None:
        engine = self.engine
        decisions = p.get("decisions") or []
        check_batch(decisions)  # a malformed batch applies nothing; the token stays usable
        with engine.operation():
            execution = self._decision_owner(p["taskToken"])
            decision = execution.decision
            assert decision is not None
            completed = engine.event(
                execution,
                "DecisionTaskCompleted",
                scheduledEventId=decision.scheduled_event_id,
                startedEventId=decision.started_event_id,
                executionContext=p.get("executionContext"),
                taskList=p.get("taskList"),
                taskListScheduleToStartTimeout=p.get("taskListScheduleToStartTimeout"),
            )
            _override_task_list(execution, p)
            execution.previous_started_event_id = decision.started_event_id
            if "executionContext" in p:
                execution.latest_context = p["executionContext"]
            execution.decision = None
            engine.completing = execution.run_id
            try:
                apply_decisions(engine, execution, decisions, completed)
            finally:
                engine.completing = None
            if execution.is_open and execution.pending_decision:
                engine.schedule_decision(execution)

    def CountPendingDecisionTasks(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._count("decision", p)

    # Activities.

    def PollForActivityTask(self, p: dict[str, Any]) -> dict[str, Any]:
        engine = self.engine
        with engine.lock:
            found = self._claim("activity", p)
            if found is None:
                return {"taskToken": "", "startedEventId": 0}
            execution, activity_id = found
            with engine.operation():
                activity = execution.activities[activity_id]
                activity.started_event_id = engine.event(
                    execution,
                    "ActivityTaskStarted",
                    scheduledEventId=activity.scheduled_event_id,
                    identity=p.get("identity"),
                )
                activity.started_at = engine.clock.now()
                activity.token = _token("a", execution.run_id, activity.scheduled_event_id)
                engine.arm_activity(execution, activity, activity.started_at)
                out: dict[str, Any] = {
                    "taskToken": activity.token,
                    "activityId": activity.activity_id,
                    "startedEventId": activity.started_event_id,
                    "workflowExecution": {
                        "workflowId": execution.workflow_id,
                        "runId": execution.run_id,
                    },
                    "activityType": {"name": activity.name, "version": activity.version},
                }
                if activity.input is not None:
                    out["input"] = activity.input
                return out

    def _activity(self, token: str) -> tuple[Execution, ActivityTask]:
        run_id, scheduled = _token_parts(token)
        execution = self.engine.executions.get(run_id)
        if execution is not None and execution.is_open:
            for activity in execution.activities.values():
                if str(activity.scheduled_event_id) == scheduled and hmac.compare_digest(
                    activity.token, token
                ):
                    return execution, activity
        raise Fault("UnknownResourceFault", f"Unknown activity task: {token[:100]}")

    def RecordActivityTaskHeartbeat(self, p: dict[str, Any]) -> dict[str, Any]:
        engine = self.engine
        with engine.operation():
            execution, activity = self._activity(p["taskToken"])
            activity.heartbeat_at = engine.clock.now()
            if "details" in p:
                activity.heartbeat_details = p["details"]
            engine.touch(execution)
            engine.arm_activity(execution, activity, activity.heartbeat_at)
            return {"cancelRequested": bool(activity.cancel_requested_event_id)}

    def _close_activity(self, p: dict[str, Any], kind: str, **attributes: Any) -> None:
        engine = self.engine
        with engine.operation():
            execution, activity = self._activity(p["taskToken"])
            del execution.activities[activity.activity_id]
            if kind == "ActivityTaskCanceled" and activity.cancel_requested_event_id:
                attributes["latestCancelRequestedEventId"] = activity.cancel_requested_event_id
            engine.event(
                execution,
                kind,
                scheduledEventId=activity.scheduled_event_id,
                startedEventId=activity.started_event_id,
                **attributes,
            )

    def RespondActivityTaskCompleted(self, p: dict[str, Any]) -> None:
        self._close_activity(p, "ActivityTaskCompleted", result=p.get("result"))

    def RespondActivityTaskFailed(self, p: dict[str, Any]) -> None:
        self._close_activity(
            p, "ActivityTaskFailed", reason=p.get("reason"), details=p.get("details")
        )

    def RespondActivityTaskCanceled(self, p: dict[str, Any]) -> None:
        self._close_activity(p, "ActivityTaskCanceled", details=p.get("details"))

    def CountPendingActivityTasks(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._count("activity", p)

    def _count(self, kind: str, p: dict[str, Any]) -> dict[str, Any]:
        with self.engine.lock:
            self.engine.domain(p["domain"])
            queue = self.engine.queues.get((kind, p["domain"], p["taskList"]["name"]), [])
            return {"count": len(queue), "truncated": False}
