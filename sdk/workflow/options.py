"""Decorator options, validated when given, and the one mapping of each to SWF.

Every option that reaches SWF declares, once, the field of the typed decision it
becomes (``decision=``); from that one name come the decision's attribute, the
registered type default that stands in for it (`swflow.swf.vocabulary.ACTIVITY_DEFAULTS`,
``WORKFLOW_DEFAULTS``, which the devserver resolves by as well) and the parameters of a
client's start. `decision_fields` and `registration_defaults` are the only readers.

Every decision states all activity timeouts explicitly: SWF freezes a type's default
timeouts at its first registration, so relying on them would make a later change of
the decorator silently ineffective.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from swflow.errors import ConfigurationError
from swflow.swf.decisions import TIMEOUT_FIELDS, Duration, camel, duration
from swflow.swf.vocabulary import ACTIVITY_DEFAULTS, WORKFLOW_DEFAULTS, name_problem, tag_problem

__all__ = [
    "CHILD_POLICIES",
    "RETRYABLE",
    "ActivityOptions",
    "RetryPolicy",
    "WorkflowOptions",
    "checked_name",
    "checked_tags",
    "decision_fields",
    "registration_defaults",
]


def _sent_as(decision: str) -> dict[str, str]:
    """Field metadata: the option reaches SWF as the typed decision's field ``decision``."""
    return {"decision": decision}


# SWF names: 1-256 characters, no ':' '/' '|', no control characters, not "arn".
RETRYABLE = frozenset({"failed", "timed_out"})
CHILD_POLICIES = frozenset({"TERMINATE", "REQUEST_CANCEL", "ABANDON"})


def checked_name(value: str | None, what: str, limit: int = 256) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= limit:
        raise ConfigurationError(f"{what} must be a string of 1 to {limit} characters: {value!r}")
    problem = name_problem(value)
    if problem:
        raise ConfigurationError(f"{what} {value!r} {problem}")
    return value


def checked_tags(tags: object, what: str = "tag_list") -> tuple[str, ...] | None:
    """``tags`` as a tuple, or None for none; a `ConfigurationError` when SWF would refuse it."""
    if tags is None:
        return None
    problem = tag_problem(tags)
    if problem:
        raise ConfigurationError(f"{what} {problem}")
    return tuple(tags) or None  # type: ignore[arg-type]


def _duration(value: Duration, what: str) -> Duration:
    try:
        duration(value)
    except ValueError as exc:
        raise ConfigurationError(f"{what}: {exc}") from None
    return value


@dataclass(frozen=True)
class RetryPolicy:
    """How a failed activity is tried again, under the same call site.

    Attributes:
        max_attempts: attempts in all, including the first.
        backoff: seconds before the second attempt, waited with a durable timer
            (0: retry at once).
        backoff_multiplier: growth of the wait from one attempt to the next.
        max_backoff: cap on any single wait, in seconds.
        retry_on: failure kinds that retry: ``"failed"`` (the activity raised) and
            ``"timed_out"`` (any activity timeout).
    """

    max_attempts: int = 1
    backoff: int = 0
    backoff_multiplier: float = 2.0
    max_backoff: int = 3600
    retry_on: frozenset[str] = RETRYABLE

    def __post_init__(self) -> None:
        if (
            isinstance(self.max_attempts, bool)
            or not isinstance(self.max_attempts, int)
            or (self.max_attempts < 1)
        ):
            raise ConfigurationError(f"max_attempts must be an int >= 1: {self.max_attempts!r}")
        if self.backoff < 0 or self.max_backoff < 0 or self.backoff_multiplier < 1:
            raise ConfigurationError("backoff and max_backoff must be >= 0, multiplier >= 1")
        object.__setattr__(self, "retry_on", frozenset(self.retry_on))
        unknown = self.retry_on - RETRYABLE
        if unknown:
            raise ConfigurationError(f"retry_on: unknown failure kinds {sorted(unknown)}")

    def delay_after(self, attempt: int) -> int:
        """Seconds to wait after failed attempt ``attempt`` (1-based)."""
        wait = self.backoff * self.backoff_multiplier ** (attempt - 1)
        return int(min(wait, self.max_backoff))


@dataclass(frozen=True)
class ActivityOptions:
    """Where and how long an activity runs; each may be overridden per call."""

    task_list: str | None = field(default=None, metadata=_sent_as("task_list"))
    priority: int | None = field(default=None, metadata=_sent_as("task_priority"))
    schedule_to_start_timeout: Duration = field(
        default="NONE", metadata=_sent_as("schedule_to_start_timeout")
    )
    start_to_close_timeout: Duration = field(
        default=300, metadata=_sent_as("start_to_close_timeout")
    )
    schedule_to_close_timeout: Duration = field(
        default="NONE", metadata=_sent_as("schedule_to_close_timeout")
    )
    heartbeat_timeout: Duration = field(default="NONE", metadata=_sent_as("heartbeat_timeout"))
    retry: RetryPolicy = field(default_factory=RetryPolicy)  # swflow's own: never sent

    def __post_init__(self) -> None:
        checked_name(self.task_list, "task list")
        for name in (
            "schedule_to_start_timeout",
            "start_to_close_timeout",
            "schedule_to_close_timeout",
            "heartbeat_timeout",
        ):
            _duration(getattr(self, name), name)
        if self.priority is not None and (
            isinstance(self.priority, bool) or not isinstance(self.priority, int)
        ):
            raise ConfigurationError(f"priority must be an int: {self.priority!r}")

    def replace(self, **overrides: Any) -> ActivityOptions:
        """These options with some replaced; retry fields may be given flat."""
        retry_fields = {f.name for f in dataclasses.fields(RetryPolicy)}
        retry = {key: overrides.pop(key) for key in list(overrides) if key in retry_fields}
        unknown = set(overrides) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ConfigurationError(f"unknown activity options {sorted(unknown)}")
        if retry:
            overrides["retry"] = dataclasses.replace(self.retry, **retry)
        return dataclasses.replace(self, **overrides)


@dataclass(frozen=True)
class WorkflowOptions:
    """How a workflow runs when started (by a client, or as a child)."""

    task_list: str | None = field(default=None, metadata=_sent_as("task_list"))
    priority: int | None = field(default=None, metadata=_sent_as("task_priority"))
    execution_start_to_close_timeout: Duration = field(
        default=365 * 24 * 3600, metadata=_sent_as("execution_start_to_close_timeout")
    )
    task_start_to_close_timeout: Duration = field(
        default=60, metadata=_sent_as("task_start_to_close_timeout")
    )
    child_policy: str = field(default="TERMINATE", metadata=_sent_as("child_policy"))
    tag_list: tuple[str, ...] | None = field(default=None, metadata=_sent_as("tag_list"))
    workflow_id: str | None = None  # per call only: a child's workflow id

    def __post_init__(self) -> None:
        checked_name(self.task_list, "task list")
        checked_name(self.workflow_id, "workflow id")
        _duration(self.execution_start_to_close_timeout, "execution_start_to_close_timeout")
        _duration(self.task_start_to_close_timeout, "task_start_to_close_timeout")
        if self.child_policy not in CHILD_POLICIES:
            raise ConfigurationError(f"child_policy must be one of {sorted(CHILD_POLICIES)}")
        object.__setattr__(self, "tag_list", checked_tags(self.tag_list))

    def replace(self, **overrides: Any) -> WorkflowOptions:
        unknown = set(overrides) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ConfigurationError(f"unknown workflow options {sorted(unknown)}")
        return dataclasses.replace(self, **overrides)


def decision_fields(options: ActivityOptions | WorkflowOptions) -> dict[str, Any]:
    """The typed decision's fields these options set (None: the type's default)."""
    return {
        f.metadata["decision"]: getattr(options, f.name)
        for f in dataclasses.fields(options)
        if "decision" in f.metadata
    }


def registration_defaults(
    options: ActivityOptions | WorkflowOptions, task_list: str
) -> dict[str, Any]:
    """``register_*_type`` parameters: each option as the type default standing in for it."""
    defaults = ACTIVITY_DEFAULTS if isinstance(options, ActivityOptions) else WORKFLOW_DEFAULTS
    params: dict[str, Any] = {}
    for name, value in {**decision_fields(options), "task_list": task_list}.items():
        if value is None or name == "tag_list":  # tags belong to runs: no type default
            continue
        wire: Any = value
        if name in TIMEOUT_FIELDS:
            wire = duration(value)
        elif name == "task_priority":
            wire = str(value)
        elif name == "task_list":
            wire = {"name": value}
        params[defaults[camel(name)]] = wire
    return params
