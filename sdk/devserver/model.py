"""What the devserver knows: domains, types, executions and their open work.

Executions are kept in memory as the working copy and persisted as JSON rows (see
`store.py`); their events live only in SQLite, as the JSON text SWF returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .json_text import json_text

__all__ = [
    "ActivityTask",
    "ChildRef",
    "DecisionTask",
    "Domain",
    "Execution",
    "TimerRef",
    "TypeInfo",
]


@dataclass
class Domain:
    name: str
    retention: str
    description: str | None = None
    status: str = "REGISTERED"
    tags: dict[str, str] = field(default_factory=dict)


@dataclass
class TypeInfo:
    """A registered activity or workflow type and its defaults (SWF's field names)."""

    kind: str  # "activity" | "workflow"
    domain: str
    name: str
    version: str
    created: float
    description: str | None = None
    status: str = "REGISTERED"
    deprecated: float | None = None
    defaults: dict[str, Any] = field(default_factory=dict)


@dataclass
class DecisionTask:
    """The one decision task an execution may have open."""

    scheduled_event_id: int
    task_list: str = ""  # the list it waits on (an override's, if one is active)
    token: str = ""
    started_event_id: int = 0
    started_at: float = 0.0


@dataclass
class ActivityTask:
    activity_id: str
    name: str
    version: str
    scheduled_event_id: int
    task_list: str
    priority: int
    input: str | None
    scheduled_at: float
    timeouts: dict[str, str]  # SWF's four activity timeouts, resolved
    token: str = ""
    started_event_id: int = 0
    started_at: float = 0.0
    heartbeat_at: float = 0.0
    heartbeat_details: str | None = None
    cancel_requested_event_id: int = 0


@dataclass
class TimerRef:
    timer_id: str
    started_event_id: int
    fire_at: float


@dataclass
class ChildRef:
    workflow_id: str
    initiated_event_id: int
    name: str
    version: str
    run_id: str = ""
    started_event_id: int = 0


@dataclass
class Execution:
    """One run: its configuration, status and open work."""

    domain: str
    workflow_id: str
    run_id: str
    name: str
    version: str
    task_list: str
    priority: int
    child_policy: str
    execution_timeout: str
    task_timeout: str
    started_at: float
    tags: list[str] = field(default_factory=list)
    parent: dict[str, Any] | None = None  # workflowId, runId, initiatedEventId
    status: str = "OPEN"
    close_status: str | None = None
    closed_at: float | None = None
    cancel_requested: bool = False
    latest_context: str | None = None
    latest_activity_at: float | None = None
    next_event_id: int = 1
    decision: DecisionTask | None = None
    pending_decision: bool = False  # events arrived while a decision task was started
    override_task_list: str | None = None  # temporary decision task list (SWF's override)
    override_schedule_to_start: str | None = None
    previous_started_event_id: int = 0
    activities: dict[str, ActivityTask] = field(default_factory=dict)
    timers: dict[str, TimerRef] = field(default_factory=dict)
    children: dict[str, ChildRef] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.status == "OPEN"

    def to_json(self) -> str:
        """JSON text of its fields, nested records included, as `from_json` reads them."""
        return json_text(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Execution:
        data = dict(data)
        decision = data.pop("decision")
        execution = cls(
            **{k: v for k, v in data.items() if k not in ("activities", "timers", "children")}
        )
        execution.decision = DecisionTask(**decision) if decision else None
        execution.activities = {k: ActivityTask(**v) for k, v in data["activities"].items()}
        execution.timers = {k: TimerRef(**v) for k, v in data["timers"].items()}
        execution.children = {k: ChildRef(**v) for k, v in data["children"].items()}
        return execution
