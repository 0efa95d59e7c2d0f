"""``@activity_task``, ``@decision_task`` and ``@cached``.

Each decorator validates its options when it runs (a bad option fails at import, not
at 3 a.m.), attaches a frozen definition and returns a callable that is a plain call
outside a decider and a request to the replay engine inside one.

The options themselves, and where each one reaches SWF, are in `swflow.workflow.options`.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar, overload

from swflow.codecs import Codec
from swflow.errors import ConfigurationError
from swflow.payloads import Channel, checked_codecs
from swflow.serializers import JsonSerializer, Serializer
from swflow.stores import DataStore, InlineDataStore

from .context import current_context, decider_context, deciders
from .definitions import (
    CACHED_ERROR_MARKER,
    CACHED_VALUE_MARKER,
    ActivityCall,
    ActivityDefinition,
    CachedDefinition,
    TaskDefinition,
    WorkflowCall,
    WorkflowDefinition,
)
from .options import ActivityOptions, RetryPolicy, WorkflowOptions, checked_name

__all__ = [
    "CACHED_ERROR_MARKER",
    "CACHED_VALUE_MARKER",
    "ActivityCall",
    "ActivityDefinition",
    "ActivityOptions",
    "ActivityTask",
    "CachedDefinition",
    "CachedFunction",
    "RetryPolicy",
    "TaskDefinition",
    "WorkflowCall",
    "WorkflowDefinition",
    "WorkflowOptions",
    "WorkflowTask",
    "activity_task",
    "cached",
    "decision_task",
]

F = TypeVar("F", bound=Callable[..., Any])


class ActivityTask:
    """A decorated activity: a plain call outside deciders, a Promise inside one."""

    def __init__(self, definition: ActivityDefinition, options: ActivityOptions) -> None:
        functools.update_wrapper(self, definition.function)
        self.definition = definition
        self.call = ActivityCall(definition, options)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        context = decider_context.get()  # current_context() without the call: hot
        if context is None:
            if deciders and _stray_thread():
                raise ConfigurationError(
                    f"activity {self.definition.name} was called outside any decider, in "
                    "a thread of a decision worker's process (a thread the decider "
                    "started?): it would run inline on every replay. Call it from the "
                    "decider itself, or call activity.definition.function(...) for a "
                    "deliberate plain call."
                )
            return self.definition.function(*args, **kwargs)
        return context.schedule_activity(self.call, args, kwargs)

    def options(self, **overrides: Any) -> ActivityTask:
        """This activity with options replaced for the calls made through the result.

        ``activity_a.options(task_list="gpu", start_to_close_timeout=600, max_attempts=3)(x)``
        """
        return ActivityTask(self.definition, self.call.options.replace(**overrides))

    def __repr__(self) -> str:
        return f"<activity {self.definition.name} {self.definition.version}>"


def _bound(seconds: float | None) -> float | None:
    if seconds is not None and (
        isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds > 0
    ):
        raise ConfigurationError(f"deadlock_timeout must be seconds > 0: {seconds!r}")
    return seconds


def _event_count(events: int) -> int:
    if isinstance(events, bool) or not isinstance(events, int) or not 0 < events <= 25_000:
        raise ConfigurationError(
            f"continue_as_new_after must be an event count from 1 to 25,000: {events!r}"
        )
    return events


def _stray_thread() -> bool:
    """Neither the main thread (scripts, tests) nor a running activity's thread."""
    from .activity_context import current_activity

    return threading.current_thread() is not threading.main_thread() and (
        current_activity() is None
    )


class WorkflowTask:
    """A decorated decider: inside another decider, calling it starts a child workflow."""

    def __init__(self, definition: WorkflowDefinition, options: WorkflowOptions) -> None:
        functools.update_wrapper(self, definition.function)
        self.definition = definition
        self.call = WorkflowCall(definition, options)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        context = current_context()
        if context is None:
            return self.definition.function(*args, **kwargs)
        return context.start_child(self.call, args, kwargs)

    def options(self, **overrides: Any) -> WorkflowTask:
        """This workflow with options replaced, e.g. ``child.options(workflow_id="x")``."""
        return WorkflowTask(self.definition, self.call.options.replace(**overrides))

    def __repr__(self) -> str:
        return f"<workflow {self.definition.name} {self.definition.version}>"


class CachedFunction:
    """A ``@cached`` function: run once per call site per execution, ever."""

    def __init__(self, definition: CachedDefinition) -> None:
        functools.update_wrapper(self, definition.function)
        self.definition = definition

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        context = current_context()
        if context is None:
            return self.definition.function(*args, **kwargs)
        return context.call_cached(self.definition, args, kwargs)

    def __repr__(self) -> str:
        return f"<cached {self.definition.name}>"


Codecs = list[Codec] | tuple[Codec, ...] | None
ChannelOptions = tuple[Serializer | None, DataStore | None, Codecs]


def _channel(options: ChannelOptions, what: str) -> Channel:
    serializer, store, codecs = options
    try:
        return Channel(
            serializer or JsonSerializer(),
            store or InlineDataStore(),
            None if codecs is None else checked_codecs(codecs),
        )
    except (TypeError, ConfigurationError) as exc:
        raise ConfigurationError(f"{what}: {exc}") from None


def _check_function(function: Any, decorator: str) -> None:
    if not callable(function):
        raise ConfigurationError(f"@{decorator} decorates a function, got {function!r}")


def _task_fields(
    func: Callable[..., Any],
    prefix: str,
    *,
    type_name: str | None,
    version: str,
    domain: str | None,
    channels: tuple[ChannelOptions, ChannelOptions],
) -> dict[str, Any]:
    """What activities and workflows validate alike: the function, SWF type, channels."""
    _check_function(func, "activity_task" if prefix == "swf_task" else "decision_task")
    return {
        "function": func,
        "name": checked_name(
            func.__qualname__ if type_name is None else type_name, f"{prefix}_type"
        )
        or "",
        "version": checked_name(version, f"{prefix}_version", 64) or "",
        "domain": checked_name(domain, "swf_domain"),
        "input": _channel(channels[0], "input"),
        "result": _channel(channels[1], "result"),
    }


def activity_task(
    function: Callable[..., Any] | None = None,
    *,
    swf_domain: str | None = None,
    swf_task_type: str | None = None,
    swf_task_version: str = "1.0",
    swf_task_list: str | None = None,
    input_data_serializer: Serializer | None = None,
    input_data_store: DataStore | None = None,
    result_data_serializer: Serializer | None = None,
    result_data_store: DataStore | None = None,
    input_data_codecs: Codecs = None,
    result_data_codecs: Codecs = None,
    **options: Any,
) -> Any:
    """Declare an activity.

    Args:
        swf_domain: domain (else the worker's).
        swf_task_type: type name (default: the function's qualified name).
        swf_task_version: type version.
        swf_task_list: task list (else the type's registered default).
        input_data_serializer: how arguments are serialized (default JSON).
        input_data_store: where serialized arguments go (default inline).
        result_data_serializer: how the result is serialized (default JSON).
        result_data_store: where the serialized result goes (default inline).
        input_data_codecs: codecs over the serialized arguments, in order, e.g.
            ``[ZstdCodec(), AesGcmCodec(keys)]`` (default: the worker's `PayloadCodec`
            chain; ``[]`` for none).
        result_data_codecs: codecs over the serialized result (same default).
        **options: `ActivityOptions` fields (timeouts in seconds or ``"NONE"``,
            ``priority``) and `RetryPolicy` fields (``max_attempts``, ``backoff``,
            ``backoff_multiplier``, ``max_backoff``, ``retry_on``).
    """

    def decorate(func: Callable[..., Any]) -> ActivityTask:
        definition = ActivityDefinition(
            **_task_fields(
                func,
                "swf_task",
                type_name=swf_task_type,
                version=swf_task_version,
                domain=swf_domain,
                channels=(
                    (input_data_serializer, input_data_store, input_data_codecs),
                    (result_data_serializer, result_data_store, result_data_codecs),
                ),
            ),
            options=ActivityOptions(task_list=swf_task_list).replace(**dict(options)),
        )
        return ActivityTask(definition, definition.options)

    return decorate(function) if function is not None else decorate


def decision_task(
    function: Callable[..., Any] | None = None,
    *,
    swf_domain: str | None = None,
    swf_workflow_type: str | None = None,
    swf_workflow_version: str = "1.0",
    swf_task_list: str | None = None,
    input_data_serializer: Serializer | None = None,
    input_data_store: DataStore | None = None,
    result_data_serializer: Serializer | None = None,
    result_data_store: DataStore | None = None,
    input_data_codecs: Codecs = None,
    result_data_codecs: Codecs = None,
    deadlock_timeout: float | None = None,
    tag_list: list[str] | None = None,
    continue_as_new_after: int = 20_000,
    **options: Any,
) -> Any:
    """Declare a decider (a workflow type).

    Args:
        swf_domain: domain (else the worker's or client's).
        swf_workflow_type: type name (default: the function's qualified name).
        swf_workflow_version: type version.
        swf_task_list: decision task list (default: the type name).
        input_data_serializer: how the workflow's input is serialized (default JSON).
        input_data_store: where it goes (default inline).
        result_data_serializer: how the workflow's result is serialized (default JSON).
        result_data_store: where it goes (default inline).
        input_data_codecs: codecs over the serialized input, in order (default: the
            process's `PayloadCodec` chain; ``[]`` for none).
        result_data_codecs: codecs over the serialized result (same default).
        deadlock_timeout: seconds a decision task may run the code without it reaching
            its next wait before it is abandoned (default: the worker's, 2 s).
        tag_list: up to 5 tags every run of this type starts with (SWF's rules,
            checked here); a client's ``start(tag_list=...)`` replaces them.
        continue_as_new_after: history length (events) past which
            `swflow.continue_as_new_suggested` answers True and a warning is logged
            once per run (default 20,000: 80% of SWF's 25,000-event limit).
        **options: `WorkflowOptions` fields: ``execution_start_to_close_timeout``,
            ``task_start_to_close_timeout``, ``child_policy``, ``priority``.
    """

    def decorate(func: Callable[..., Any]) -> WorkflowTask:
        definition = WorkflowDefinition(
            **_task_fields(
                func,
                "swf_workflow",
                type_name=swf_workflow_type,
                version=swf_workflow_version,
                domain=swf_domain,
                channels=(
                    (input_data_serializer, input_data_store, input_data_codecs),
                    (result_data_serializer, result_data_store, result_data_codecs),
                ),
            ),
            options=WorkflowOptions(task_list=swf_task_list).replace(tag_list=tag_list, **options),
            deadlock_timeout=_bound(deadlock_timeout),
            continue_as_new_after=_event_count(continue_as_new_after),
        )
        return WorkflowTask(definition, definition.options)

    return decorate(function) if function is not None else decorate


@overload
def cached(function: F) -> CachedFunction: ...
@overload
def cached(
    function: None = None,
    *,
    name: str | None = None,
    result_data_serializer: Serializer | None = None,
    result_data_store: DataStore | None = None,
    result_data_codecs: Codecs = None,
) -> Callable[[F], CachedFunction]: ...
def cached(
    function: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    result_data_serializer: Serializer | None = None,
    result_data_store: DataStore | None = None,
    result_data_codecs: Codecs = None,
) -> Any:
    """Memoize a side effect inside deciders, in the history.

    The n-th call of the function in an execution returns what its n-th call returned
    the first time, recorded in a marker (through the serializer and store given), so
    the function itself runs once per call site, ever. Exceptions are recorded too and
    raised as `CachedCallError` on the first run and every replay alike.

    Args:
        name: marker name (default: the function's qualified name).
        result_data_serializer: how the value is serialized (default JSON).
        result_data_store: where it goes (default inline, in the marker).
        result_data_codecs: codecs over the serialized value (default: the process's
            `PayloadCodec` chain; ``[]`` for none).
    """

    def decorate(func: Callable[..., Any]) -> CachedFunction:
        _check_function(func, "cached")
        return CachedFunction(
            CachedDefinition(
                function=func,
                name=checked_name(func.__qualname__ if name is None else name, "cached name", 200)
                or "",
                result=_channel(
                    (result_data_serializer, result_data_store, result_data_codecs), "result"
                ),
            )
        )

    return decorate(function) if function is not None else decorate
