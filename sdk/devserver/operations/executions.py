"""Executions: start, signal, cancel, terminate, describe, history, visibility.

Also the two moments every path shares: starting a run (by a client, as a child, or
by continue-as-new) and closing one (which tells its parent and applies the child
policy on terminate and time-out).
"""

from __future__ import annotations

from typing import Any

from swflow.devserver.engine import Engine, _seconds
from swflow.devserver.faults import Fault
from swflow.devserver.model import Execution
from swflow.devserver.paging import (
    RawEvents,
    decode_token,
    encode_token,
    page,
    page_size,
    token_number,
)
from swflow.swf.vocabulary import CHILD_CLOSE_EVENTS, CLOSE_STATUS, WORKFLOW_DEFAULTS

__all__ = ["Executions", "close_run", "start_run"]

# A start's settings, each the request's or else the type's registered default (no
# Lambda here, so no lambdaRole).
_START = tuple(key for key in WORKFLOW_DEFAULTS if key != "lambdaRole")


def resolve_start(
    engine: Engine,
    domain: str,
    kind: dict[str, str],
    p: dict[str, Any],
    fault: str = "DefaultUndefinedFault",
) -> dict[str, Any]:
    """A start's settings: the request's, else the workflow type's defaults."""
    info = engine.type_info("workflow", domain, kind["name"], kind["version"])
    if info.status == "DEPRECATED":
        raise Fault(
            "TypeDeprecatedFault", f"WorkflowType=[name={info.name}, version={info.version}]"
        )
    given = {key: p.get(key) or info.defaults.get(WORKFLOW_DEFAULTS[key]) for key in _START}
    settings = {
        "task_list": (given["taskList"] or {}).get("name"),
        "execution_timeout": given["executionStartToCloseTimeout"],
        "task_timeout": given["taskStartToCloseTimeout"],
        "child_policy": given["childPolicy"],
        "priority": int(given["taskPriority"] or 0),
    }
    missing = [
        k
        for k in ("task_list", "execution_timeout", "task_timeout", "child_policy")
        if not settings[k]
    ]
    if missing:
        raise Fault(fault, f"no value and no registered default for {', '.join(missing)}")
    return settings


def start_run(
    engine: Engine,
    domain: str,
    workflow_id: str,
    kind: dict[str, str],
    settings: dict[str, Any],
    *,
    request: dict[str, Any],
    parent: dict[str, Any] | None = None,
    continued_from: str | None = None,
    run_id: str | None = None,
) -> Execution:
    """A new open run with WorkflowExecutionStarted and its first decision task."""
    execution = Execution(
        domain=domain,
        workflow_id=workflow_id,
        run_id=run_id or engine.new_run_id(),
        name=kind["name"],
        version=kind["version"],
        started_at=engine.clock.now(),
        tags=list(request.get("tagList") or []),
        parent=parent,
        **settings,
    )
    engine.executions[execution.run_id] = execution
    engine.open_by_id[(domain, workflow_id)] = execution.run_id
    engine.event(
        execution,
        "WorkflowExecutionStarted",
        input=request.get("input"),
        executionStartToCloseTimeout=execution.execution_timeout,
        taskStartToCloseTimeout=execution.task_timeout,
        childPolicy=execution.child_policy,
        taskList={"name": execution.task_list},
        taskPriority=str(execution.priority),
        workflowType=kind,
        tagList=execution.tags or None,
        continuedExecutionRunId=continued_from,
        parentWorkflowExecution={"workflowId": parent["workflowId"], "runId": parent["runId"]}
        if parent
        else None,
        parentInitiatedEventId=parent["initiatedEventId"] if parent else 0,
    )
    engine.schedule_decision(execution)
    engine.add_deadline(_seconds(execution.execution_timeout), "workflow", execution.run_id, "")
    return execution


def close_run(engine: Engine, execution: Execution, kind: str, **attributes: Any) -> None:
    """Close a run with its closing event; tell the parent; abandon open work."""
    engine.event(execution, kind, **attributes)
    execution.status = "CLOSED"
    execution.close_status = CLOSE_STATUS[kind]
    execution.closed_at = engine.clock.now()
    if engine.open_by_id.get((execution.domain, execution.workflow_id)) == execution.run_id:
        del engine.open_by_id[(execution.domain, execution.workflow_id)]
    if execution.decision is not None and not execution.decision.started_event_id:
        engine.dequeue(
            "decision",
            execution.domain,
            execution.decision.task_list or execution.task_list,
            execution.run_id,
            str(execution.decision.scheduled_event_id),
        )
    execution.decision = None
    for activity in execution.activities.values():
        engine.dequeue(
            "activity", execution.domain, activity.task_list, execution.run_id, activity.activity_id
        )
    execution.activities.clear()
    execution.timers.clear()
    policy = attributes.get("childPolicy")
    if kind in ("WorkflowExecutionTerminated", "WorkflowExecutionTimedOut") and policy:
        apply_child_policy(engine, execution, policy)
    _tell_parent(engine, execution, attributes)


def apply_child_policy(engine: Engine, execution: Execution, policy: str) -> None:
    for child_ref in list(execution.children.values()):
        child = engine.executions.get(child_ref.run_id)
        if child is None or not child.is_open:
            continue
        if policy == "TERMINATE":
            close_run(
                engine,
                child,
                "WorkflowExecutionTerminated",
                cause="CHILD_POLICY_APPLIED",
                childPolicy=child.child_policy,
            )
        elif policy == "REQUEST_CANCEL":
            child.cancel_requested = True
            engine.event(child, "WorkflowExecutionCancelRequested", cause="CHILD_POLICY_APPLIED")


def _tell_parent(engine: Engine, execution: Execution, attributes: dict[str, Any]) -> None:
    if not execution.parent or execution.close_status == "CONTINUED_AS_NEW":
        return  # a child that continues as new reports when its last run closes
    parent = engine.executions.get(execution.parent["runId"])
    if parent is None or not parent.is_open:
        return
    child = parent.children.pop(execution.workflow_id, None)
    if child is None:
        return
    engine.event(
        parent,
        CHILD_CLOSE_EVENTS[execution.close_status or ""],
        workflowExecution={"workflowId": execution.workflow_id, "runId": execution.run_id},
        workflowType={"name": execution.name, "version": execution.version},
        initiatedEventId=child.initiated_event_id,
        startedEventId=child.started_event_id,
        result=attributes.get("result"),
        reason=attributes.get("reason"),
        details=attributes.get("details"),
        timeoutType=attributes.get("timeoutType"),
    )


class Executions:
    """The execution operations."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def StartWorkflowExecution(self, p: dict[str, Any]) -> dict[str, Any]:
        engine = self.engine
        with engine.operation():
            domain = engine.domain(p["domain"])
            if domain.status == "DEPRECATED":
                raise Fault("DomainDeprecatedFault", domain.name.partition("|")[0])
            if (p["domain"], p["workflowId"]) in engine.open_by_id:
                raise Fault("WorkflowExecutionAlreadyStartedFault", "")
            settings = resolve_start(engine, p["domain"], p["workflowType"], p)
            execution = start_run(
                engine, p["domain"], p["workflowId"], p["workflowType"], settings, request=p
            )
            return {"runId": execution.run_id}

    def SignalWorkflowExecution(self, p: dict[str, Any]) -> None:
        with self.engine.operation():
            execution = self.engine.execution(
                p["domain"], p["workflowId"], p.get("runId"), open_only=True
            )
            self.engine.event(
                execution,
                "WorkflowExecutionSignaled",
                signalName=p["signalName"],
                input=p.get("input"),
            )

    def RequestCancelWorkflowExecution(self, p: dict[str, Any]) -> None:
        with self.engine.operation():
            execution = self.engine.execution(
                p["domain"], p["workflowId"], p.get("runId"), open_only=True
            )
            execution.cancel_requested = True
            self.engine.event(execution, "WorkflowExecutionCancelRequested")

    def TerminateWorkflowExecution(self, p: dict[str, Any]) -> None:
        with self.engine.operation():
            execution = self.engine.execution(
                p["domain"], p["workflowId"], p.get("runId"), open_only=True
            )
            close_run(
                self.engine,
                execution,
                "WorkflowExecutionTerminated",
                reason=p.get("reason"),
                details=p.get("details"),
                childPolicy=p.get("childPolicy") or execution.child_policy,
                cause="OPERATOR_INITIATED",
            )

    def DescribeWorkflowExecution(self, p: dict[str, Any]) -> dict[str, Any]:
        engine = self.engine
        with engine.lock:
            target = p["execution"]
            execution = engine.execution(p["domain"], target["workflowId"], target["runId"])
            out: dict[str, Any] = {
                "executionInfo": execution_info(execution),
                "executionConfiguration": {
                    "taskStartToCloseTimeout": execution.task_timeout,
                    "executionStartToCloseTimeout": execution.execution_timeout,
                    "taskList": {"name": execution.task_list},
                    "taskPriority": str(execution.priority),
                    "childPolicy": execution.child_policy,
                },
                "openCounts": {
                    "openActivityTasks": len(execution.activities),
                    "openDecisionTasks": int(execution.decision is not None),
                    "openTimers": len(execution.timers),
                    "openChildWorkflowExecutions": len(execution.children),
                    "openLambdaFunctions": 0,
                },
            }
            if execution.latest_activity_at:
                out["latestActivityTaskTimestamp"] = execution.latest_activity_at
            if execution.latest_context is not None:
                out["latestExecutionContext"] = execution.latest_context
            return out

    def GetWorkflowExecutionHistory(self, p: dict[str, Any]) -> dict[str, Any]:
        with self.engine.lock:
            target = p["execution"]
            execution = self.engine.execution(p["domain"], target["workflowId"], target["runId"])
            return history_page(self.engine, execution, p, execution.next_event_id - 1)

    def _listed(self, p: dict[str, Any], open_: bool) -> list[Execution]:
        engine = self.engine
        engine.domain(p["domain"])
        time_filter = p.get("startTimeFilter") or p.get("closeTimeFilter") or {}
        by_close = "closeTimeFilter" in p
        found = []
        for execution in engine.executions.values():
            if execution.domain != p["domain"] or execution.is_open != open_:
                continue
            moment = execution.closed_at if by_close else execution.started_at
            if not _in_window(moment, time_filter) or not _matches(execution, p):
                continue
            found.append(execution)
        found.sort(
            key=lambda e: (e.closed_at if by_close else e.started_at) or 0,
            reverse=not p.get("reverseOrder", False),
        )
        return found

    def _list(self, p: dict[str, Any], open_: bool) -> dict[str, Any]:
        if not open_ and ("startTimeFilter" in p) == ("closeTimeFilter" in p):
            raise Fault(
                "ValidationException",
                "exactly one of startTimeFilter and closeTimeFilter is required",
            )
        with self.engine.lock:
            items, token = page([execution_info(e) for e in self._listed(p, open_)], p)
        return {"executionInfos": items, **token}

    def ListOpenWorkflowExecutions(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._list(p, True)

    def ListClosedWorkflowExecutions(self, p: dict[str, Any]) -> dict[str, Any]:
        return self._list(p, False)

    def CountOpenWorkflowExecutions(self, p: dict[str, Any]) -> dict[str, Any]:
        with self.engine.lock:
            return {"count": len(self._listed(p, True)), "truncated": False}

    def CountClosedWorkflowExecutions(self, p: dict[str, Any]) -> dict[str, Any]:
        with self.engine.lock:
            return {"count": len(self._listed(p, False)), "truncated": False}


def execution_info(execution: Execution) -> dict[str, Any]:
    info: dict[str, Any] = {
        "execution": {"workflowId": execution.workflow_id, "runId": execution.run_id},
        "workflowType": {"name": execution.name, "version": execution.version},
        "startTimestamp": execution.started_at,
        "executionStatus": execution.status,
        "cancelRequested": execution.cancel_requested,
    }
    if execution.closed_at is not None:
        info["closeTimestamp"] = execution.closed_at
        info["closeStatus"] = execution.close_status
    if execution.parent:
        info["parent"] = {
            "workflowId": execution.parent["workflowId"],
            "runId": execution.parent["runId"],
        }
    if execution.tags:
        info["tagList"] = execution.tags
    return info


def history_page(
    engine: Engine,
    execution: Execution,
    p: dict[str, Any],
    last: int,
    *,
    extra: dict[str, Any] | None = None,
    first: int = 1,
) -> dict[str, Any]:
    """Events first..last (or newest first), one page, with a token for the rest."""
    reverse = bool(p.get("reverseOrder"))
    size = page_size(p)
    if p.get("nextPageToken"):
        state = decode_token(p["nextPageToken"])
        if state.get("run") != execution.run_id:
            raise Fault("ValidationException", "nextPageToken belongs to another history")
        start = token_number(state, "next", minimum=first)
    else:
        start = last if reverse else first
    low, high = (
        (max(first, start - size + 1), start) if reverse else (start, min(last, start + size - 1))
    )
    bodies = engine.store.events(execution.run_id, low, high, reverse=reverse)
    out = {"events": RawEvents(bodies), **(extra or {})}
    if low > first if reverse else high < last:
        out["nextPageToken"] = encode_token(
            {"run": execution.run_id, "next": low - 1 if reverse else high + 1}
        )
    return out


def _in_window(moment: float | None, window: dict[str, Any]) -> bool:
    if moment is None:
        return False
    oldest, latest = window.get("oldestDate"), window.get("latestDate")
    return (oldest is None or moment >= float(oldest)) and (
        latest is None or moment <= float(latest)
    )


def _matches(execution: Execution, p: dict[str, Any]) -> bool:
    if "executionFilter" in p and p["executionFilter"]["workflowId"] != execution.workflow_id:
        return False
    if "typeFilter" in p:
        wanted = p["typeFilter"]
        if wanted["name"] != execution.name or wanted.get("version") not in (
            None,
            "",
            execution.version,
        ):
            return False
    if "tagFilter" in p and p["tagFilter"]["tag"] not in execution.tags:
        return False
    return not (
        "closeStatusFilter" in p and p["closeStatusFilter"]["status"] != execution.close_status
    )
