"""Helpers for testing workflows without a server: realistic SWF histories.

``HistoryBuilder`` writes event dicts shaped exactly as SWF (and boto3) returns them,
with ids and references as SWF assigns them. ``apply(decisions)`` records what SWF
would write for a decision task's answer, so a test can drive a decider through many
decision tasks:

```python
history = HistoryBuilder("OrderWorkflow", input=[42])
result = decide(history.events, order_workflow)
history.apply(result.decisions)
history.complete_activity("a1", {"ok": True})
result = decide(history.events, order_workflow)
```
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from swflow.calls import encode_input
from swflow.payloads import PayloadCodec, default_codec
from swflow.replay.snapshot import DecisionResult, decide
from swflow.serializers import JsonSerializer
from swflow.stores import InlineDataStore
from swflow.swf.decisions import Decision
from swflow.swf.vocabulary import DECISIONS, attributes_key
from swflow.worker.activity_run import run_activity
from swflow.workflow.decorators import ActivityTask

__all__ = ["HistoryBuilder", "run_workflow"]

_EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _payload(value: Any, raw: str | None) -> str | None:
    if raw is not None:
        return raw
    if value is None:
        return None
    return default_codec().encode(value, JsonSerializer(), InlineDataStore(), field="test")


class HistoryBuilder:
    """A growing SWF history for one run.

    Args:
        workflow: the workflow type name.
        version: the workflow type version.
        input: workflow arguments as a list (JSON inline), or ``raw_input`` text.
        task_list: the decision task list.
    """

    def __init__(
        self,
        workflow: str = "TestWorkflow",
        version: str = "1.0",
        *,
        input: list[Any] | None = None,
        raw_input: str | None = None,
        task_list: str = "decisions",
        tags: tuple[str, ...] = (),
    ) -> None:
        self.events: list[dict[str, Any]] = []
        self._scheduled: dict[str, int] = {}  # activity id -> ActivityTaskScheduled id
        self._started: dict[str, int] = {}
        self._timers: dict[str, int] = {}
        self._children: dict[str, int] = {}
        self._children_started: dict[str, int] = {}
        self._externals: dict[str, tuple[str, int]] = {}  # control -> (decision, initiated)
        self.add(
            "WorkflowExecutionStarted",
            workflowType={"name": workflow, "version": version},
            taskList={"name": task_list},
            childPolicy="TERMINATE",
            executionStartToCloseTimeout="3600",
            taskStartToCloseTimeout="60",
            input=_payload(input, raw_input),
            tagList=list(tags),
            parentInitiatedEventId=0,
        )
        self._decision_scheduled()

    def add(self, event_type: str, **attributes: Any) -> int:
        """Append one event; returns its id. ``None`` attributes are left out."""
        event_id = len(self.events) + 1
        key = attributes_key(event_type)
        self.events.append(
            {
                "eventId": event_id,
                "eventType": event_type,
                "eventTimestamp": _EPOCH + timedelta(seconds=event_id),
                key: {k: v for k, v in attributes.items() if v is not None},
            }
        )
        return event_id

    def _decision_scheduled(self) -> None:
        self.add("DecisionTaskScheduled", taskList={"name": "decisions"}, startToCloseTimeout="60")

    def apply(self, decisions: DecisionResult | list[Decision]) -> HistoryBuilder:
        """Record a decision task answered with ``decisions``, as SWF would."""
        items = decisions.decisions if isinstance(decisions, DecisionResult) else decisions
        scheduled = next(
            e["eventId"] for e in reversed(self.events) if e["eventType"] == "DecisionTaskScheduled"
        )
        started = self.add("DecisionTaskStarted", scheduledEventId=scheduled, identity="test")
        completed = self.add(
            "DecisionTaskCompleted", scheduledEventId=scheduled, startedEventId=started
        )
        for decision in items:
            swf = decision.to_swf()
            kind = swf["decisionType"]
            attributes = dict(next(v for k, v in swf.items() if k != "decisionType"))
            attributes["decisionTaskCompletedEventId"] = completed
            event_id = self._decision_event(kind, attributes)
            if kind == "ScheduleActivityTask":
                self._scheduled[attributes["activityId"]] = event_id
            elif kind == "StartTimer":
                self._timers[attributes["timerId"]] = event_id
                if attributes["startToFireTimeout"] == "0":
                    self.fire_timer(attributes["timerId"])
            elif kind == "StartChildWorkflowExecution":
                self._children[attributes["workflowId"]] = event_id
            elif kind in (
                "SignalExternalWorkflowExecution",
                "RequestCancelExternalWorkflowExecution",
            ):
                self._externals[attributes.get("control", "")] = (kind, event_id)
        return self

    def _decision_event(self, kind: str, attributes: dict[str, Any]) -> int:
        if kind == "CancelTimer":
            timer_id = attributes["timerId"]
            return self.add(
                "TimerCanceled",
                timerId=timer_id,
                startedEventId=self._timers[timer_id],
                decisionTaskCompletedEventId=attributes["decisionTaskCompletedEventId"],
            )
        if kind == "ContinueAsNewWorkflowExecution":
            attributes = {
                **attributes,
                "newExecutionRunId": "next-run",
                "workflowType": {"name": "w", "version": "1"},
            }
            attributes.pop("workflowTypeVersion", None)
        return self.add(DECISIONS[kind].event, **attributes)

    # Outcomes arriving from outside the decider (each schedules a decision task).

    def start_activity(self, activity_id: str) -> int:
        event_id = self.add(
            "ActivityTaskStarted", scheduledEventId=self._scheduled[activity_id], identity="worker"
        )
        self._started[activity_id] = event_id
        return event_id

    def _close_activity(self, activity_id: str, kind: str, **attributes: Any) -> int:
        if activity_id not in self._started:
            self.start_activity(activity_id)
        event_id = self.add(
            kind,
            scheduledEventId=self._scheduled[activity_id],
            startedEventId=self._started[activity_id],
            **attributes,
        )
        self._decision_scheduled()
        return event_id

    def complete_activity(
        self, activity_id: str, result: Any = None, *, raw_result: str | None = None
    ) -> int:
        return self._close_activity(
            activity_id, "ActivityTaskCompleted", result=_payload(result, raw_result)
        )

    def fail_activity(
        self,
        activity_id: str,
        reason: str = "Error",
        details: Any = None,
        *,
        raw_details: str | None = None,
    ) -> int:
        return self._close_activity(
            activity_id,
            "ActivityTaskFailed",
            reason=reason,
            details=_payload(details, raw_details),
        )

    def time_out_activity(self, activity_id: str, timeout_type: str = "START_TO_CLOSE") -> int:
        return self._close_activity(activity_id, "ActivityTaskTimedOut", timeoutType=timeout_type)

    def fire_timer(self, timer_id: str) -> int:
        event_id = self.add("TimerFired", timerId=timer_id, startedEventId=self._timers[timer_id])
        self._decision_scheduled()
        return event_id

    def signal(self, name: str, value: Any = None, *, raw_input: str | None = None) -> int:
        event_id = self.add(
            "WorkflowExecutionSignaled", signalName=name, input=_payload(value, raw_input)
        )
        self._decision_scheduled()
        return event_id

    def request_cancel(self, *, by: str | None = None) -> int:
        """Someone asks this run to cancel (``by``: another workflow's id)."""
        sender = {"workflowId": by, "runId": "sender-run"} if by else None
        event_id = self.add(
            "WorkflowExecutionCancelRequested",
            externalWorkflowExecution=sender,
            externalInitiatedEventId=1 if by else None,
        )
        self._decision_scheduled()
        return event_id

    def cancel_activity(self, activity_id: str) -> int:
        """The activity's worker answered its cancel request (RespondActivityTaskCanceled)."""
        return self._close_activity(activity_id, "ActivityTaskCanceled", details="canceled")

    def deliver_external(self, control: str, *, cause: str | None = None) -> int:
        """SWF delivered the signal or cancel request sent under ``control``, or, given a
        ``cause``, could not."""
        kind, initiated = self._externals[control]
        attributes = self.events[initiated - 1][attributes_key(DECISIONS[kind].event)]
        if cause is not None:
            event_id = self.add(
                DECISIONS[kind].failed_event,
                workflowId=attributes["workflowId"],
                cause=cause,
                initiatedEventId=initiated,
                control=control,
                decisionTaskCompletedEventId=attributes["decisionTaskCompletedEventId"],
            )
        else:
            event_id = self.add(
                "ExternalWorkflowExecutionSignaled"
                if kind == "SignalExternalWorkflowExecution"
                else "ExternalWorkflowExecutionCancelRequested",
                workflowExecution={"workflowId": attributes["workflowId"], "runId": "other-run"},
                initiatedEventId=initiated,
            )
        self._decision_scheduled()
        return event_id

    def start_child(self, workflow_id: str, run_id: str = "child-run") -> int:
        initiated = self._children[workflow_id]
        kind = self.events[initiated - 1]["startChildWorkflowExecutionInitiatedEventAttributes"]
        event_id = self.add(
            "ChildWorkflowExecutionStarted",
            initiatedEventId=initiated,
            workflowExecution={"workflowId": workflow_id, "runId": run_id},
            workflowType=kind["workflowType"],
        )
        self._children_started[workflow_id] = event_id
        self._decision_scheduled()
        return event_id

    def _close_child(self, workflow_id: str, kind: str, **attributes: Any) -> int:
        if workflow_id not in self._children_started:
            self.start_child(workflow_id)
        initiated = self._children[workflow_id]
        started = self.events[self._children_started[workflow_id] - 1][
            "childWorkflowExecutionStartedEventAttributes"
        ]
        event_id = self.add(
            kind,
            initiatedEventId=initiated,
            startedEventId=self._children_started[workflow_id],
            workflowExecution=started["workflowExecution"],
            workflowType=started["workflowType"],
            **attributes,
        )
        self._decision_scheduled()
        return event_id

    def complete_child(
        self, workflow_id: str, result: Any = None, *, raw_result: str | None = None
    ) -> int:
        return self._close_child(
            workflow_id, "ChildWorkflowExecutionCompleted", result=_payload(result, raw_result)
        )

    def cancel_child(self, workflow_id: str) -> int:
        return self._close_child(workflow_id, "ChildWorkflowExecutionCanceled")

    def fail_child(self, workflow_id: str, reason: str = "Error", details: Any = None) -> int:
        return self._close_child(
            workflow_id,
            "ChildWorkflowExecutionFailed",
            reason=reason,
            details=_payload(details, None),
        )


def run_workflow(
    workflow: Any,
    *args: Any,
    activities: tuple[ActivityTask, ...] = (),
    codec: PayloadCodec | None = None,
    max_tasks: int = 10_000,
    **kwargs: Any,
) -> tuple[DecisionResult, HistoryBuilder]:
    """Drive ``workflow`` to its end in memory, running ``activities`` in-process.

    Each decision task is answered by `decide`; every scheduled activity runs at once,
    in scheduling order, through the activity worker's own `run_activity` (the same
    input decoding, result encoding and failure reasons and details); the input is
    packed as a client's start packs it; timers fire at once. Returns the last decision
    result and the history.
    """
    codec = codec or default_codec()
    definition = workflow.definition
    history = HistoryBuilder(
        definition.name,
        definition.version,
        raw_input=encode_input(definition, args, kwargs, codec),
    )
    known = {(a.definition.name, a.definition.version): a.definition for a in activities}
    for _ in range(max_tasks):
        result = decide(history.events, workflow, workflow_id="test", run_id="run", codec=codec)
        history.apply(result)
        if result.closes:
            return result, history
        for decision in result.decisions:
            swf = decision.to_swf()
            if swf["decisionType"] == "ScheduleActivityTask":
                attributes = swf["scheduleActivityTaskDecisionAttributes"]
                kind = attributes["activityType"]
                outcome = run_activity(
                    known[kind["name"], kind["version"]], attributes.get("input"), codec
                )
                if outcome.kind == "completed":
                    history.complete_activity(attributes["activityId"], raw_result=outcome.result)
                else:
                    history.fail_activity(
                        attributes["activityId"], outcome.reason or "", raw_details=outcome.details
                    )
            elif swf["decisionType"] == "StartTimer":
                timer_id = swf["startTimerDecisionAttributes"]["timerId"]
                if swf["startTimerDecisionAttributes"]["startToFireTimeout"] != "0":
                    history.fire_timer(timer_id)
    raise RuntimeError(f"workflow did not close within {max_tasks} decision tasks")
