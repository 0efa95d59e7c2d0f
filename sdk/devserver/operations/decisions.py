"""Applying a decision batch: the 13 decisions, their events and their failures.

A malformed batch (close decision not last, missing attributes) is refused whole with
a ValidationException and nothing applied. A well-formed decision that cannot be
carried out writes its ``*Failed`` event and the batch goes on (SWF-REFERENCE.md 5.3).
"""

from __future__ import annotations

from typing import Any

from swflow.devserver.engine import OPEN_LIMIT, Engine
from swflow.devserver.faults import Fault
from swflow.devserver.model import ActivityTask, Execution, TimerRef
from swflow.swf.vocabulary import (
    ACTIVITY_DEFAULTS,
    CLOSE_DECISIONS,
    DECISIONS,
    decision_attributes_key,
)

from .executions import close_run, resolve_start, start_run
from .other_runs import reach_external, refuse_lambda, start_child

__all__ = ["apply_decisions", "check_batch"]

_ACTIVITY_TIMEOUTS = {k: v for k, v in ACTIVITY_DEFAULTS.items() if k.endswith("Timeout")}


def _attributes(decision: dict[str, Any]) -> dict[str, Any]:
    kind = decision["decisionType"]
    value: dict[str, Any] = decision.get(decision_attributes_key(kind)) or {}
    return value


def check_batch(decisions: list[dict[str, Any]]) -> None:
    """Refuse a malformed batch as SWF does: whole, with a ValidationException."""
    for index, decision in enumerate(decisions, start=1):
        kind = decision.get("decisionType")
        if not isinstance(kind, str) or kind not in DECISIONS:
            raise Fault(
                "ValidationException",
                f"decisions.{index}.member.decisionType: unknown decision type {kind!r}",
            )
        missing = [name for name in DECISIONS[kind].required if name not in _attributes(decision)]
        if missing:
            raise Fault(
                "ValidationException",
                f"decisions.{index}.member: {kind} requires {', '.join(missing)}",
            )
        if kind in CLOSE_DECISIONS and index != len(decisions):
            raise Fault("ValidationException", "Close must be last decision in list")


def apply_decisions(
    engine: Engine, execution: Execution, decisions: list[dict[str, Any]], completed: int
) -> None:
    for decision in decisions:
        if not execution.is_open:
            break
        kind = decision["decisionType"]
        attributes = _attributes(decision)
        if kind in CLOSE_DECISIONS:
            _close(engine, execution, kind, attributes, completed)
        else:
            _HANDLERS[kind](engine, execution, attributes, completed)


def _close(
    engine: Engine, execution: Execution, kind: str, a: dict[str, Any], completed: int
) -> None:
    if execution.pending_decision:  # events arrived while the decider was deciding
        engine.event(
            execution,
            f"{kind}Failed",
            cause="UNHANDLED_DECISION",
            decisionTaskCompletedEventId=completed,
        )
        return
    if kind == "ContinueAsNewWorkflowExecution":
        _continue_as_new(engine, execution, a, completed)
        return
    close_run(
        engine,
        execution,
        CLOSE_DECISIONS[kind],
        decisionTaskCompletedEventId=completed,
        result=a.get("result"),
        reason=a.get("reason"),
        details=a.get("details"),
    )


def _continue_as_new(
    engine: Engine, execution: Execution, a: dict[str, Any], completed: int
) -> None:
    kind = {"name": execution.name, "version": a.get("workflowTypeVersion") or execution.version}
    try:
        settings = resolve_start(engine, execution.domain, kind, a)
    except Fault as fault:
        cause = (
            "WORKFLOW_TYPE_DEPRECATED"
            if fault.code == "TypeDeprecatedFault"
            else "WORKFLOW_TYPE_DOES_NOT_EXIST"
            if fault.code == "UnknownResourceFault"
            else "DEFAULT_TASK_LIST_UNDEFINED"
        )
        engine.event(
            execution,
            "ContinueAsNewWorkflowExecutionFailed",
            cause=cause,
            decisionTaskCompletedEventId=completed,
        )
        return
    new_run_id = engine.new_run_id()
    close_run(
        engine,
        execution,
        "WorkflowExecutionContinuedAsNew",
        decisionTaskCompletedEventId=completed,
        newExecutionRunId=new_run_id,
        input=a.get("input"),
        workflowType=kind,
        taskList={"name": settings["task_list"]},
        childPolicy=settings["child_policy"],
        executionStartToCloseTimeout=settings["execution_timeout"],
        taskStartToCloseTimeout=settings["task_timeout"],
        taskPriority=str(settings["priority"]),
        tagList=a.get("tagList"),
    )
    run = start_run(
        engine,
        execution.domain,
        execution.workflow_id,
        kind,
        settings,
        request=a,
        parent=execution.parent,
        continued_from=execution.run_id,
        run_id=new_run_id,
    )
    if execution.parent:  # the parent keeps following the chain
        parent = engine.executions.get(execution.parent["runId"])
        child = parent.children.get(execution.workflow_id) if parent else None
        if parent is not None and child is not None:
            child.run_id = run.run_id
            engine.touch(parent)


def _activity_refusal(  # noqa: PLR0911 - one return per SWF cause, in SWF's order
    engine: Engine, execution: Execution, a: dict[str, Any]
) -> tuple[str | None, dict[str, Any]]:
    """Why SWF would refuse to schedule this activity, or None and its resolved settings."""
    kind = a["activityType"]
    info = engine.types.get(("activity", execution.domain, kind["name"], kind["version"]))
    if info is None:
        return "ACTIVITY_TYPE_DOES_NOT_EXIST", {}
    if info.status == "DEPRECATED":
        return "ACTIVITY_TYPE_DEPRECATED", {}
    if a["activityId"] in execution.activities:
        return "ACTIVITY_ID_ALREADY_IN_USE", {}
    if len(execution.activities) >= OPEN_LIMIT:
        return "OPEN_ACTIVITIES_LIMIT_EXCEEDED", {}
    task_list = (a.get("taskList") or info.defaults.get("defaultTaskList") or {}).get("name")
    if not task_list:
        return "DEFAULT_TASK_LIST_UNDEFINED", {}
    timeouts = {}
    for name, default in _ACTIVITY_TIMEOUTS.items():
        value = a.get(name) or info.defaults.get(default)
        if value is None and name != "heartbeatTimeout":
            return f"DEFAULT_{_snake(name).upper()}_UNDEFINED", {}
        timeouts[name] = value or "NONE"
    priority = int(a.get("taskPriority") or info.defaults.get("defaultTaskPriority") or 0)
    return None, {"task_list": task_list, "timeouts": timeouts, "priority": priority}


def _schedule_activity(
    engine: Engine, execution: Execution, a: dict[str, Any], completed: int
) -> None:
    kind, activity_id = a["activityType"], a["activityId"]
    cause, resolved = _activity_refusal(engine, execution, a)
    if cause is not None:
        engine.event(
            execution,
            "ScheduleActivityTaskFailed",
            activityType=kind,
            activityId=activity_id,
            cause=cause,
            decisionTaskCompletedEventId=completed,
        )
        return
    task_list, timeouts, priority = (
        resolved["task_list"],
        resolved["timeouts"],
        resolved["priority"],
    )
    scheduled = engine.event(
        execution,
        "ActivityTaskScheduled",
        activityType=kind,
        activityId=activity_id,
        input=a.get("input"),
        control=a.get("control"),
        taskList={"name": task_list},
        taskPriority=str(priority),
        decisionTaskCompletedEventId=completed,
        **timeouts,
    )
    now = engine.clock.now()
    activity = ActivityTask(
        activity_id,
        kind["name"],
        kind["version"],
        scheduled,
        task_list,
        priority,
        a.get("input"),
        now,
        timeouts,
    )
    execution.activities[activity_id] = activity
    execution.latest_activity_at = now
    engine.enqueue("activity", execution, task_list, priority, activity_id)
    engine.arm_activity(execution, activity, now)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def _request_cancel_activity(
    engine: Engine, execution: Execution, a: dict[str, Any], completed: int
) -> None:
    activity = execution.activities.get(a["activityId"])
    if activity is None:
        engine.event(
            execution,
            "RequestCancelActivityTaskFailed",
            activityId=a["activityId"],
            cause="ACTIVITY_ID_UNKNOWN",
            decisionTaskCompletedEventId=completed,
        )
        return
    requested = engine.event(
        execution,
        "ActivityTaskCancelRequested",
        activityId=activity.activity_id,
        decisionTaskCompletedEventId=completed,
    )
    activity.cancel_requested_event_id = requested
    if not activity.started_event_id:  # never handed out: SWF cancels it itself
        del execution.activities[activity.activity_id]
        engine.dequeue(
            "activity", execution.domain, activity.task_list, execution.run_id, activity.activity_id
        )
        engine.event(
            execution,
            "ActivityTaskCanceled",
            scheduledEventId=activity.scheduled_event_id,
            startedEventId=0,
            latestCancelRequestedEventId=requested,
        )


def _record_marker(engine: Engine, execution: Execution, a: dict[str, Any], completed: int) -> None:
    engine.event(
        execution,
        "MarkerRecorded",
        markerName=a["markerName"],
        details=a.get("details"),
        decisionTaskCompletedEventId=completed,
    )


def _start_timer(engine: Engine, execution: Execution, a: dict[str, Any], completed: int) -> None:
    timer_id = a["timerId"]
    cause = (
        "TIMER_ID_ALREADY_IN_USE"
        if timer_id in execution.timers
        else "OPEN_TIMERS_LIMIT_EXCEEDED"
        if len(execution.timers) >= OPEN_LIMIT
        else None
    )
    if cause:
        engine.event(
            execution,
            "StartTimerFailed",
            timerId=timer_id,
            cause=cause,
            decisionTaskCompletedEventId=completed,
        )
        return
    started = engine.event(
        execution,
        "TimerStarted",
        timerId=timer_id,
        startToFireTimeout=a["startToFireTimeout"],
        control=a.get("control"),
        decisionTaskCompletedEventId=completed,
    )
    seconds = float(a["startToFireTimeout"])
    execution.timers[timer_id] = TimerRef(timer_id, started, engine.clock.now() + seconds)
    engine.add_deadline(seconds, "timer", execution.run_id, timer_id, str(started))


def _cancel_timer(engine: Engine, execution: Execution, a: dict[str, Any], completed: int) -> None:
    timer = execution.timers.pop(a["timerId"], None)
    if timer is None:
        engine.event(
            execution,
            "CancelTimerFailed",
            timerId=a["timerId"],
            cause="TIMER_ID_UNKNOWN",
            decisionTaskCompletedEventId=completed,
        )
        return
    engine.event(
        execution,
        "TimerCanceled",
        timerId=timer.timer_id,
        startedEventId=timer.started_event_id,
        decisionTaskCompletedEventId=completed,
    )


_HANDLERS = {
    "ScheduleActivityTask": _schedule_activity,
    "RequestCancelActivityTask": _request_cancel_activity,
    "RecordMarker": _record_marker,
    "StartTimer": _start_timer,
    "CancelTimer": _cancel_timer,
    "StartChildWorkflowExecution": start_child,
    "SignalExternalWorkflowExecution": lambda engine, execution, a, completed: reach_external(
        engine, execution, a, completed, signal=True
    ),
    "RequestCancelExternalWorkflowExecution": lambda engine, execution, a, completed: (
        reach_external(engine, execution, a, completed, signal=False)
    ),
    "ScheduleLambdaFunction": refuse_lambda,
}
if set(_HANDLERS) | set(CLOSE_DECISIONS) != set(DECISIONS):  # every decision SWF has, handled
    raise ImportError(f"decision handlers differ from SWF's: {set(_HANDLERS) ^ set(DECISIONS)}")
