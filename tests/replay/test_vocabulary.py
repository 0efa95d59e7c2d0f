"""SWF's vocabulary table against botocore's model, and every event type read the same
way through the fast page parser as through boto3-shaped dicts (generated from the
model, so a new event type or field is covered without editing this file)."""

from __future__ import annotations

import json
from typing import Any

import botocore.loaders
import msgspec
import pytest

from swflow.replay.event_handlers import HANDLERS, OPTIONAL
from swflow.replay.state import HANDLED_EVENT_TYPES, READ_FIELDS, ExecutionState
from swflow.swf.vocabulary import CLOSE_DECISIONS, CLOSE_STATUS, DECISIONS, EVENTS
from swflow.worker.pages import parse_page

MODEL = botocore.loaders.Loader().load_service_model("swf", "service-2")
SHAPES = MODEL["shapes"]
CROSS_HISTORY = {"parentInitiatedEventId", "externalInitiatedEventId"}  # ids in another run


def _members(shape: str) -> dict[str, Any]:
    members: dict[str, Any] = SHAPES[shape].get("members", {})
    return members


def _attributes_shape(container: str, key: str) -> str:
    return str(_members(container)[key]["shape"])


def test_the_tables_name_every_event_and_decision_type_of_swf() -> None:
    assert set(EVENTS) == set(SHAPES["EventType"]["enum"])
    assert set(DECISIONS) == set(SHAPES["DecisionType"]["enum"])
    assert set(EVENTS) == HANDLED_EVENT_TYPES
    assert set(CLOSE_STATUS.values()) == set(SHAPES["CloseStatus"]["enum"])


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_an_event_type_matches_the_model(kind: str) -> None:
    event = EVENTS[kind]
    shape = _attributes_shape("HistoryEvent", event.attributes)
    ids = {name for name in _members(shape) if name.endswith("EventId")} - CROSS_HISTORY
    assert set(event.references) == ids


@pytest.mark.parametrize("kind", sorted(DECISIONS))
def test_a_decision_type_matches_the_model(kind: str) -> None:
    decision = DECISIONS[kind]
    shape = _attributes_shape("Decision", decision.attributes)
    assert set(decision.required) == set(SHAPES[shape].get("required", []))
    assert decision.event in EVENTS and decision.failed_event in EVENTS
    assert (kind in CLOSE_DECISIONS) == (EVENTS[decision.event].close_status is not None)


# Sample events, every field filled, referring to earlier events of a small prefix.
PREFIX_IDS = {"scheduledEventId": 2, "initiatedEventId": 4}


def _sample(shape_name: str, member: str) -> Any:
    shape = SHAPES[shape_name]
    kind = shape["type"]
    if kind == "structure":
        return {name: _sample(spec["shape"], name) for name, spec in _members(shape_name).items()}
    if kind == "list":
        return [_sample(shape["member"]["shape"], member)]
    if kind in ("integer", "long"):
        return PREFIX_IDS.get(member, 1)
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return 0
    return shape["enum"][0] if "enum" in shape else f"{member}-1"


def _event(kind: str, event_id: int) -> dict[str, Any]:
    key = EVENTS[kind].attributes
    attributes = _sample(_attributes_shape("HistoryEvent", key), key)
    return {"eventId": event_id, "eventType": kind, "eventTimestamp": 1.5, key: attributes}


def _prefix() -> list[dict[str, Any]]:
    kinds = [
        "WorkflowExecutionStarted",
        "ActivityTaskScheduled",
        "TimerStarted",
        "StartChildWorkflowExecutionInitiated",
        "SignalExternalWorkflowExecutionInitiated",
        "RequestCancelExternalWorkflowExecutionInitiated",
    ]
    return [_event(kind, n) for n, kind in enumerate(kinds, start=1)]


# Outcomes of a signal or cancel request sent to another run refer to its initiation.
EXTERNAL_INITIATED = {
    "ExternalWorkflowExecutionSignaled": 5,
    "SignalExternalWorkflowExecutionFailed": 5,
    "ExternalWorkflowExecutionCancelRequested": 6,
    "RequestCancelExternalWorkflowExecutionFailed": 6,
}


@pytest.mark.parametrize("kind", sorted(EVENTS))
def test_every_event_type_is_read_the_same_through_the_fast_parser(kind: str) -> None:
    full = _event(kind, 10)
    if kind in EXTERNAL_INITIATED:
        full[EVENTS[kind].attributes]["initiatedEventId"] = EXTERNAL_INITIATED[kind]
    (fast,) = parse_page(json.dumps({"events": [full]}))["events"]
    assert (fast.kind, fast.eventId, fast.eventTimestamp) == (kind, 10, full["eventTimestamp"])
    built = set(msgspec.structs.asdict(fast.attributes)) if fast.attributes is not None else set()
    assert built == set(READ_FIELDS.get(kind, ()))  # what the reader uses, nothing else
    from_boto3 = ExecutionState.from_events(_prefix())
    from_boto3.apply(full)  # a boto3-shaped dict, converted
    from_fast = ExecutionState.from_events(_prefix())
    from_fast.apply(fast)
    assert from_fast == from_boto3


@pytest.mark.parametrize("kind", sorted(READ_FIELDS))
def test_the_reader_requires_only_what_swf_always_writes(kind: str) -> None:
    fields = HANDLERS[kind][1]
    required = {field for field in fields if not field.endswith(OPTIONAL)}
    shape = _attributes_shape("HistoryEvent", EVENTS[kind].attributes)
    assert required <= set(SHAPES[shape].get("required", []))
