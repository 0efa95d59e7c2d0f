"""Typed SWF decisions, each turned into the wire shape by ``to_swf()``.

Only fields that are set are sent, so SWF applies the type's registered defaults for
the rest. Durations are whole seconds (or ``"NONE"``) as SWF expects them: strings.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from typing import Any, ClassVar

from .vocabulary import decision_attributes_key

__all__ = [
    "CLOSE_DECISIONS",
    "TIMEOUT_FIELDS",
    "CancelTimer",
    "CancelWorkflowExecution",
    "CompleteWorkflowExecution",
    "ContinueAsNewWorkflowExecution",
    "Decision",
    "Duration",
    "FailWorkflowExecution",
    "RecordMarker",
    "RequestCancelActivityTask",
    "RequestCancelExternalWorkflowExecution",
    "ScheduleActivityTask",
    "SignalExternalWorkflowExecution",
    "StartChildWorkflowExecution",
    "StartTimer",
    "camel",
    "duration",
]

Duration = int | str | None
"""Seconds, ``"NONE"`` (no limit), or ``None`` (use the registered default)."""


def duration(value: Duration) -> str | None:
    """SWF's duration string: whole seconds, or ``"NONE"``."""
    if value is None:
        return None
    if value == "NONE":
        return "NONE"
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"a duration is whole seconds >= 0 or 'NONE', got {value!r}")
    return str(value)


@cache
def camel(name: str) -> str:
    """SWF's name for a snake_cased field: ``task_list`` -> ``taskList``."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


@dataclass(frozen=True)
class Decision:
    """One decision. Subclasses are dataclasses whose field names are SWF's, snake_cased."""

    decision_type: ClassVar[str]
    _NESTED: ClassVar[dict[str, str]] = {}  # field -> key of the object SWF wraps it in
    _DURATIONS: ClassVar[frozenset[str]] = frozenset()

    def to_swf(self) -> dict[str, Any]:
        attributes: dict[str, Any] = {}
        for name, key in _layout(type(self)):
            value = getattr(self, name)
            if value is None:
                continue
            if name in self._DURATIONS:
                value = duration(value)
            elif name == "task_priority":
                value = str(value)
            elif isinstance(value, tuple):  # tag lists: SWF's JSON has lists
                value = list(value)
            if name in self._NESTED:
                value = {self._NESTED[name]: value}
            attributes[key] = value
        return {"decisionType": self.decision_type, self.attributes_key: attributes}

    @property
    def attributes_key(self) -> str:
        return decision_attributes_key(self.decision_type)


def _layout(kind: type[Decision]) -> tuple[tuple[str, str], ...]:
    """A decision class's fields, each with SWF's name for it (computed once a class)."""
    layout = _LAYOUTS.get(kind)
    if layout is None:
        layout = _LAYOUTS[kind] = tuple((f.name, camel(f.name)) for f in fields(kind))
    return layout


_LAYOUTS: dict[type[Decision], tuple[tuple[str, str], ...]] = {}


TIMEOUT_FIELDS = frozenset(
    {
        "schedule_to_start_timeout",
        "schedule_to_close_timeout",
        "start_to_close_timeout",
        "heartbeat_timeout",
        "execution_start_to_close_timeout",
        "task_start_to_close_timeout",
        "start_to_fire_timeout",
    }
)


@dataclass(frozen=True)
class ScheduleActivityTask(Decision):
    decision_type = "ScheduleActivityTask"
    _NESTED: ClassVar[dict[str, str]] = {"task_list": "name"}
    _DURATIONS = TIMEOUT_FIELDS

    activity_id: str
    activity_type: dict[str, str]
    input: str | None = None
    control: str | None = None
    task_list: str | None = None
    task_priority: int | None = None
    schedule_to_start_timeout: Duration = None
    schedule_to_close_timeout: Duration = None
    start_to_close_timeout: Duration = None
    heartbeat_timeout: Duration = None


@dataclass(frozen=True)
class RequestCancelActivityTask(Decision):
    decision_type = "RequestCancelActivityTask"
    activity_id: str


@dataclass(frozen=True)
class StartTimer(Decision):
    decision_type = "StartTimer"
    _DURATIONS = TIMEOUT_FIELDS
    timer_id: str
    start_to_fire_timeout: Duration
    control: str | None = None


@dataclass(frozen=True)
class CancelTimer(Decision):
    decision_type = "CancelTimer"
    timer_id: str


@dataclass(frozen=True)
class RecordMarker(Decision):
    decision_type = "RecordMarker"
    marker_name: str
    details: str | None = None


@dataclass(frozen=True)
class CompleteWorkflowExecution(Decision):
    decision_type = "CompleteWorkflowExecution"
    result: str | None = None


@dataclass(frozen=True)
class FailWorkflowExecution(Decision):
    decision_type = "FailWorkflowExecution"
    reason: str | None = None
    details: str | None = None


@dataclass(frozen=True)
class CancelWorkflowExecution(Decision):
    decision_type = "CancelWorkflowExecution"
    details: str | None = None


@dataclass(frozen=True)
class ContinueAsNewWorkflowExecution(Decision):
    decision_type = "ContinueAsNewWorkflowExecution"
    _NESTED: ClassVar[dict[str, str]] = {"task_list": "name"}
    _DURATIONS = TIMEOUT_FIELDS
    input: str | None = None
    execution_start_to_close_timeout: Duration = None
    task_list: str | None = None
    task_priority: int | None = None
    task_start_to_close_timeout: Duration = None
    child_policy: str | None = None
    tag_list: tuple[str, ...] | None = None
    workflow_type_version: str | None = None


@dataclass(frozen=True)
class StartChildWorkflowExecution(Decision):
    decision_type = "StartChildWorkflowExecution"
    _NESTED: ClassVar[dict[str, str]] = {"task_list": "name"}
    _DURATIONS = TIMEOUT_FIELDS
    workflow_id: str
    workflow_type: dict[str, str]
    input: str | None = None
    control: str | None = None
    task_list: str | None = None
    task_priority: int | None = None
    execution_start_to_close_timeout: Duration = None
    task_start_to_close_timeout: Duration = None
    child_policy: str | None = None
    tag_list: tuple[str, ...] | None = None


@dataclass(frozen=True)
class SignalExternalWorkflowExecution(Decision):
    decision_type = "SignalExternalWorkflowExecution"
    workflow_id: str
    signal_name: str
    run_id: str | None = None
    input: str | None = None
    control: str | None = None


@dataclass(frozen=True)
class RequestCancelExternalWorkflowExecution(Decision):
    decision_type = "RequestCancelExternalWorkflowExecution"
    workflow_id: str
    run_id: str | None = None
    control: str | None = None


CLOSE_DECISIONS: tuple[type[Decision], ...] = (
    CompleteWorkflowExecution,
    FailWorkflowExecution,
    CancelWorkflowExecution,
    ContinueAsNewWorkflowExecution,
)
"""Decisions that close the run; SWF requires them to be last in a batch."""
