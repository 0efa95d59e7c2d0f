"""Decisions that reach beyond the deciding run: starting children, signaling and
canceling other runs (and Lambda tasks, which the devserver refuses as SWF does in a
region without them)."""

from __future__ import annotations

from typing import Any

from swflow.devserver.engine import OPEN_LIMIT, Engine
from swflow.devserver.faults import Fault
from swflow.devserver.model import ChildRef, Execution

from .executions import resolve_start, start_run

__all__ = ["reach_external", "refuse_lambda", "start_child"]


def start_child(engine: Engine, execution: Execution, a: dict[str, Any], completed: int) -> None:
    kind, workflow_id = a["workflowType"], a["workflowId"]

    def failed(cause: str, initiated: int = 0) -> None:
        engine.event(
            execution,
            "StartChildWorkflowExecutionFailed",
            workflowType=kind,
            workflowId=workflow_id,
            cause=cause,
            initiatedEventId=initiated,
            decisionTaskCompletedEventId=completed,
            control=a.get("control"),
        )

    try:
        settings = resolve_start(engine, execution.domain, kind, a)
    except Fault as fault:
        return failed(
            "WORKFLOW_TYPE_DEPRECATED"
            if fault.code == "TypeDeprecatedFault"
            else "WORKFLOW_TYPE_DOES_NOT_EXIST"
            if fault.code == "UnknownResourceFault"
            else "DEFAULT_TASK_LIST_UNDEFINED"
        )
    if len(execution.children) >= OPEN_LIMIT:
        return failed("OPEN_CHILDREN_LIMIT_EXCEEDED")
    initiated = engine.event(
        execution,
        "StartChildWorkflowExecutionInitiated",
        workflowId=workflow_id,
        workflowType=kind,
        control=a.get("control"),
        input=a.get("input"),
        executionStartToCloseTimeout=settings["execution_timeout"],
        taskList={"name": settings["task_list"]},
        taskPriority=str(settings["priority"]),
        decisionTaskCompletedEventId=completed,
        childPolicy=settings["child_policy"],
        taskStartToCloseTimeout=settings["task_timeout"],
        tagList=a.get("tagList"),
    )
    if (execution.domain, workflow_id) in engine.open_by_id:
        return failed("WORKFLOW_ALREADY_RUNNING", initiated)
    parent = {
        "workflowId": execution.workflow_id,
        "runId": execution.run_id,
        "initiatedEventId": initiated,
    }
    child = start_run(
        engine, execution.domain, workflow_id, kind, settings, request=a, parent=parent
    )
    reference = ChildRef(workflow_id, initiated, kind["name"], kind["version"], child.run_id)
    execution.children[workflow_id] = reference
    reference.started_event_id = engine.event(
        execution,
        "ChildWorkflowExecutionStarted",
        initiatedEventId=initiated,
        workflowExecution={"workflowId": workflow_id, "runId": child.run_id},
        workflowType=kind,
    )
    return None


def reach_external(
    engine: Engine, execution: Execution, a: dict[str, Any], completed: int, *, signal: bool
) -> None:
    prefix = (
        "SignalExternalWorkflowExecution" if signal else "RequestCancelExternalWorkflowExecution"
    )
    initiated = engine.event(
        execution,
        f"{prefix}Initiated",
        workflowId=a["workflowId"],
        runId=a.get("runId"),
        signalName=a.get("signalName") if signal else None,
        input=a.get("input"),
        control=a.get("control"),
        decisionTaskCompletedEventId=completed,
    )
    try:
        target = engine.execution(execution.domain, a["workflowId"], a.get("runId"), open_only=True)
    except Fault:
        engine.event(
            execution,
            f"{prefix}Failed",
            workflowId=a["workflowId"],
            runId=a.get("runId"),
            cause="UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION",
            initiatedEventId=initiated,
            decisionTaskCompletedEventId=completed,
            control=a.get("control"),
        )
        return
    sender = {"workflowId": execution.workflow_id, "runId": execution.run_id}
    if signal:
        engine.event(
            target,
            "WorkflowExecutionSignaled",
            signalName=a["signalName"],
            input=a.get("input"),
            externalWorkflowExecution=sender,
            externalInitiatedEventId=initiated,
        )
    else:
        target.cancel_requested = True
        engine.event(
            target,
            "WorkflowExecutionCancelRequested",
            externalWorkflowExecution=sender,
            externalInitiatedEventId=initiated,
        )
    engine.event(
        execution,
        "ExternalWorkflowExecutionSignaled"
        if signal
        else "ExternalWorkflowExecutionCancelRequested",
        workflowExecution={"workflowId": target.workflow_id, "runId": target.run_id},
        initiatedEventId=initiated,
    )


def refuse_lambda(engine: Engine, execution: Execution, a: dict[str, Any], completed: int) -> None:
    engine.event(
        execution,
        "ScheduleLambdaFunctionFailed",
        id=a["id"],
        name=a["name"],
        cause="LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION",
        decisionTaskCompletedEventId=completed,
    )
