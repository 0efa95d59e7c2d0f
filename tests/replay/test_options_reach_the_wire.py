"""Every decorator option reaches SWF: the decisions that use it, the client's start and
the type's registration. The fields are walked, not listed, so a new option that is
accepted but never sent fails here."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from swflow import activity_task, continue_as_new, decision_task
from swflow.registration import Registrar
from swflow.replay import decide
from swflow.testing import HistoryBuilder
from swflow.workflow.options import ActivityOptions, WorkflowOptions

PER_CALL_ONLY = {"workflow_id"}  # a child's id: a start parameter, never a type default
NOT_SENT = {"retry"}  # swflow's own retries: durable timers, nothing SWF knows
NOT_REGISTERED = {"tag_list"}  # tags belong to runs: SWF has no type default for them


def _values(options: type[Any]) -> dict[str, Any]:
    """A distinct value for every option field that reaches SWF."""
    values: dict[str, Any] = {}
    for number, field in enumerate(dataclasses.fields(options), start=1):
        if field.name in PER_CALL_ONLY | NOT_SENT:
            continue
        if field.name == "child_policy":
            values[field.name] = "ABANDON"
        elif field.name == "task_list":
            values[field.name] = f"list-{options.__name__}"
        elif field.name == "tag_list":
            values[field.name] = ("tag-x", "team:y")
        elif field.name == "priority" or field.name.endswith("_timeout"):
            values[field.name] = 1000 + number
        else:
            raise AssertionError(f"{options.__name__}.{field.name}: give it a value here")
    return values


def _wire(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return {"name": value} if isinstance(value, str) and value.startswith("list-") else str(value)


def _reaches(values: dict[str, Any], sent: dict[str, Any], where: str) -> None:
    missing = {name: v for name, v in values.items() if _wire(v) not in sent.values()}
    assert missing == {}, f"options never sent in {where}: {missing}; sent {sent}"


ACTIVITY = _values(ActivityOptions)
WORKFLOW = _values(WorkflowOptions)


def _decorated(values: dict[str, Any]) -> dict[str, Any]:
    return {("swf_task_list" if k == "task_list" else k): v for k, v in values.items()}


@activity_task(**_decorated(ACTIVITY))
def configured(x: int) -> int:
    return x


@decision_task(swf_workflow_type="configured_child", **_decorated(WORKFLOW))
def configured_child() -> None:
    return None


@decision_task(swf_workflow_type="uses_options", **_decorated(WORKFLOW))
def uses_options(again: bool) -> None:
    configured(1)
    configured_child()
    if again:
        continue_as_new(False)


def _attributes(result: Any, kind: str) -> dict[str, Any]:
    decision = next(d.to_swf() for d in result.decisions if d.decision_type == kind)
    return dict(decision[kind[0].lower() + kind[1:] + "DecisionAttributes"])


def test_every_activity_and_workflow_option_reaches_the_decisions() -> None:
    result = decide(HistoryBuilder("uses_options", input=[True]).events, uses_options)
    _reaches(ACTIVITY, _attributes(result, "ScheduleActivityTask"), "ScheduleActivityTask")
    child = _attributes(result, "StartChildWorkflowExecution")
    _reaches(WORKFLOW, child, "StartChildWorkflowExecution")
    continued = _attributes(result, "ContinueAsNewWorkflowExecution")
    # A run goes on on its own task list; every other option is the decorator's.
    _reaches({k: v for k, v in WORKFLOW.items() if k != "task_list"}, continued, "continue")


class Recording:
    """A boto3 client that records calls and answers as SWF does."""

    def __init__(self) -> None:
        self.calls: dict[str, dict[str, Any]] = {}

    def __getattr__(self, name: str) -> Any:
        def call(**params: Any) -> dict[str, Any]:
            self.calls[name] = params
            return {"runId": "r1"}

        return call


@pytest.mark.parametrize(
    ("function", "values", "register"),
    [
        (configured, ACTIVITY, "register_activity_type"),
        (configured_child, WORKFLOW, "register_workflow_type"),
    ],
    ids=["activity", "workflow"],
)
def test_every_option_becomes_a_registered_default(
    function: Any, values: dict[str, Any], register: str
) -> None:
    client = Recording()
    Registrar(client).task_type("d", function.definition, values["task_list"])
    registered = {k: v for k, v in values.items() if k not in NOT_REGISTERED}
    _reaches(registered, client.calls[register], register)


def test_every_workflow_option_reaches_a_clients_start() -> None:
    from swflow import WorkflowClient

    client = Recording()
    WorkflowClient("d", client=client).start(configured_child, workflow_id="w1")
    _reaches(WORKFLOW, client.calls["start_workflow_execution"], "StartWorkflowExecution")
