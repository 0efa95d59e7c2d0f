"""What the decorators attach: the definitions of activities, workflows and @cached
functions, and a call's options with them. Frozen: the replay engine, the workers and
the client read them, never change them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from swflow.payloads import Channel

from .options import ActivityOptions, WorkflowOptions

__all__ = [
    "CACHED_ERROR_MARKER",
    "CACHED_VALUE_MARKER",
    "ActivityCall",
    "ActivityDefinition",
    "CachedDefinition",
    "TaskDefinition",
    "WorkflowCall",
    "WorkflowDefinition",
]

CACHED_VALUE_MARKER = "swflow.cached:"
CACHED_ERROR_MARKER = "swflow.cached-error:"


@dataclass(frozen=True)
class TaskDefinition:
    """What activities and workflows share: a function, an SWF type, two channels."""

    function: Callable[..., Any]
    name: str
    version: str
    domain: str | None
    input: Channel
    result: Channel

    @property
    def kind(self) -> dict[str, str]:
        """The SWF type, as decisions carry it."""
        return {"name": self.name, "version": self.version}


@dataclass(frozen=True)
class ActivityDefinition(TaskDefinition):
    options: ActivityOptions = field(default_factory=ActivityOptions)


@dataclass(frozen=True)
class WorkflowDefinition(TaskDefinition):
    options: WorkflowOptions = field(default_factory=WorkflowOptions)
    deadlock_timeout: float | None = None  # None: the worker's bound
    continue_as_new_after: int = 20_000  # events: continue_as_new_suggested() past it


@dataclass(frozen=True)
class CachedDefinition:
    function: Callable[..., Any]
    name: str
    result: Channel

    @property
    def marker_name(self) -> str:
        return CACHED_VALUE_MARKER + self.name

    @property
    def error_marker_name(self) -> str:
        return CACHED_ERROR_MARKER + self.name


@dataclass(frozen=True)
class ActivityCall:
    """An activity with the options of one call."""

    definition: ActivityDefinition
    options: ActivityOptions


@dataclass(frozen=True)
class WorkflowCall:
    """A workflow with the options of one call (as a child)."""

    definition: WorkflowDefinition
    options: WorkflowOptions
