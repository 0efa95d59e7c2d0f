"""The history reader and the decorators' eager validation."""

from __future__ import annotations

from typing import Any

import botocore.loaders
import msgspec
import pytest

from swflow import ConfigurationError, HistoryError, Timer, activity_task, cached, decision_task
from swflow.payloads import default_codec
from swflow.replay import decide
from swflow.replay.state import HANDLED_EVENT_TYPES, ExecutionState
from swflow.serializers import MsgpackSerializer
from swflow.swf.decisions import (
    CancelWorkflowExecution,
    ScheduleActivityTask,
    StartChildWorkflowExecution,
)
from swflow.testing import HistoryBuilder


def test_every_swf_event_type_is_handled_or_explicitly_ignored() -> None:
    model = botocore.loaders.Loader().load_service_model("swf", "service-2")
    assert set(model["shapes"]["EventType"]["enum"]) == HANDLED_EVENT_TYPES


def test_every_decision_type_but_lambda_has_a_typed_decision() -> None:
    from swflow.swf import decisions

    model = botocore.loaders.Loader().load_service_model("swf", "service-2")
    typed = {
        cls.decision_type
        for cls in vars(decisions).values()
        if isinstance(cls, type)
        and issubclass(cls, decisions.Decision)
        and cls is not decisions.Decision
    }
    assert set(model["shapes"]["DecisionType"]["enum"]) - typed == {"ScheduleLambdaFunction"}


def test_an_unknown_event_type_is_an_error() -> None:
    events = [
        *HistoryBuilder().events,
        {"eventId": 3, "eventType": "WorkflowExecutionTeleported", "eventTimestamp": 0},
    ]
    with pytest.raises(HistoryError, match="WorkflowExecutionTeleported"):
        ExecutionState.from_events(events)


def test_events_out_of_order_are_an_error() -> None:
    events = HistoryBuilder().events
    with pytest.raises(HistoryError, match="order"):
        ExecutionState.from_events([events[1], events[0]])


def test_an_event_referring_to_nothing_is_an_error() -> None:
    history = HistoryBuilder()
    history.add("ActivityTaskCompleted", scheduledEventId=99, startedEventId=98)
    with pytest.raises(HistoryError, match="unknown ActivityTaskScheduled 99"):
        ExecutionState.from_events(history.events)


def test_state_from_raw_json_events() -> None:
    events = [
        {
            "eventId": 1,
            "eventType": "WorkflowExecutionStarted",
            "eventTimestamp": 1.7e9,
            "workflowExecutionStartedEventAttributes": {
                "workflowType": {"name": "w", "version": "2"},
                "taskList": {"name": "tl"},
                "childPolicy": "ABANDON",
                "input": "[1]",
                "parentInitiatedEventId": 0,
            },
        },
        {
            "eventId": 2,
            "eventType": "WorkflowExecutionSignaled",
            "eventTimestamp": 1.7e9,
            "workflowExecutionSignaledEventAttributes": {"signalName": "go"},
        },
    ]
    state = ExecutionState.from_events(events)
    assert (state.workflow_name, state.workflow_version, state.task_list, state.input) == (
        "w",
        "2",
        "tl",
        "[1]",
    )
    assert [s.name for s in state.signals["go"]] == ["go"]


def test_the_fold_decodes_raw_json_events_beside_dicts() -> None:
    """A cold run's events as the worker holds them: its first page raw, the rest decoded."""
    history = HistoryBuilder()
    history.add("WorkflowExecutionSignaled", signalName="go")
    *older, signaled = history.events
    raw = msgspec.Raw(msgspec.json.encode(signaled))
    state = ExecutionState.from_events([*older, raw])
    assert [s.name for s in state.signals["go"]] == ["go"]
    assert state.last_event_id == len(history.events)
    with pytest.raises(HistoryError, match="malformed SWF history event"):
        ExecutionState.from_events([*older, msgspec.Raw(b'{"eventId": 9, "eventType":')])


def test_a_closed_run_gets_no_decisions() -> None:
    @decision_task(swf_workflow_type="closed")
    def closed() -> int:
        return 1

    history = HistoryBuilder("closed")
    history.apply(decide(history.events, closed))
    assert decide(history.events, closed).decisions == []


def test_a_cancel_request_cancels_the_run() -> None:
    @decision_task(swf_workflow_type="cancellable")
    def cancellable() -> int:
        return int(Timer.get(seconds=3600).result or 0)

    history = HistoryBuilder("cancellable")
    history.apply(decide(history.events, cancellable))
    history.add("WorkflowExecutionCancelRequested")
    result = decide(history.events, cancellable)
    assert result.closes
    [cancel] = result.decisions
    assert isinstance(cancel, CancelWorkflowExecution)
    details = default_codec().decode(cancel.details or "")
    assert details["type"] == "swflow.errors.CancelRequestedError"
    assert details["message"] == "the run was asked to cancel"


# Decorators.


@pytest.mark.parametrize(
    "options",
    [
        {"swf_task_type": "a:b"},
        {"swf_task_type": "a/b"},
        {"swf_task_type": ""},
        {"swf_task_type": "arn"},
        {"swf_task_version": "x" * 65},
        {"swf_task_list": "bad|list"},
        {"start_to_close_timeout": -1},
        {"heartbeat_timeout": "sometimes"},
        {"max_attempts": 0},
        {"retry_on": {"exploded"}},
        {"backoff": -5},
        {"priority": "high"},
        {"no_such_option": 1},
        {"input_data_serializer": "json"},
        {"result_data_store": object()},
    ],
)
def test_bad_activity_options_fail_at_decoration(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        activity_task(**options)(lambda: None)


@pytest.mark.parametrize(
    "options",
    [
        {"child_policy": "DESTROY"},
        {"execution_start_to_close_timeout": 1.5},
        {"swf_workflow_version": ""},
        {"workflow_type": "x"},
    ],
)
def test_bad_workflow_options_fail_at_decoration(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        decision_task(**options)(lambda: None)


def test_decorators_refuse_things_that_are_not_functions() -> None:
    with pytest.raises(ConfigurationError):
        activity_task(42)
    with pytest.raises(ConfigurationError):
        cached(name="x")("not callable")  # type: ignore[arg-type]


def test_defaults_come_from_the_function() -> None:
    @activity_task
    def resize(x: int) -> int:
        return x

    definition = resize.definition
    assert (definition.name, definition.version, definition.domain) == (
        "test_defaults_come_from_the_function.<locals>.resize",
        "1.0",
        None,
    )
    assert definition.input.serializer.name == "json" and definition.result.store.scheme == "inline"
    assert resize.__name__ == "resize" and resize(3) == 3


@activity_task(
    swf_task_list="cpu",
    start_to_close_timeout=60,
    max_attempts=2,
    input_data_serializer=MsgpackSerializer(),
)
def render(x: int) -> int:
    return x


@decision_task
def overrides() -> int:
    default = render(1)
    gpu = render.options(task_list="gpu", start_to_close_timeout=600, priority=5, max_attempts=4)(2)
    return int(default.result + gpu.result)


def test_per_call_options_override_the_decorator() -> None:
    decisions = decide(HistoryBuilder("overrides").events, overrides).decisions
    default, gpu = (d for d in decisions if isinstance(d, ScheduleActivityTask))
    assert (default.task_list, default.start_to_close_timeout, default.task_priority) == (
        "cpu",
        60,
        None,
    )
    assert (gpu.task_list, gpu.start_to_close_timeout, gpu.task_priority) == ("gpu", 600, 5)
    assert gpu.to_swf()["scheduleActivityTaskDecisionAttributes"]["taskPriority"] == "5"
    assert default.input is not None and default.input.startswith("swflow/1 msgpack base64")
    assert render.definition.options.retry.max_attempts == 2  # the decorator is unchanged


@decision_task(swf_task_list="kids", child_policy="ABANDON")
def kid() -> None:
    return None


@decision_task
def names_its_child() -> None:
    kid.options(workflow_id="invoice-2026-42")().result


def test_a_child_workflow_id_can_be_chosen() -> None:
    (start,) = decide(HistoryBuilder("names_its_child").events, names_its_child).decisions
    assert isinstance(start, StartChildWorkflowExecution)
    assert (start.workflow_id, start.child_policy, start.task_list) == (
        "invoice-2026-42",
        "ABANDON",
        "kids",
    )


def test_decide_pauses_the_collector_and_restores_its_state() -> None:
    import gc

    seen: list[bool] = []

    @decision_task(swf_workflow_type="gc_probe")
    def gc_probe() -> None:
        seen.append(gc.isenabled())

    assert gc.isenabled()
    decide(HistoryBuilder("gc_probe").events, gc_probe)
    assert seen == [False] and gc.isenabled()
    gc.disable()
    try:
        decide(HistoryBuilder("gc_probe").events, gc_probe)
        assert not gc.isenabled()  # an application's choice is kept
    finally:
        gc.enable()
