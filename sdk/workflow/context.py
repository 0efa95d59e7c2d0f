"""Which decision, if any, the current code runs in.

Decorated functions look here to know whether a call is a plain call (outside any
decider) or a request to the replay engine. A `ContextVar` keeps concurrent deciders
(threads, or tasks) apart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Protocol

from swflow.errors import ConfigurationError

if TYPE_CHECKING:
    import random

    from swflow.serializers import Serializer
    from swflow.stores import DataStore

    from .decorators import ActivityCall, CachedDefinition, WorkflowCall
    from .promise import Promise, TimerPromise

__all__ = [
    "DeciderContext",
    "DecidersInProcess",
    "current_context",
    "decider_context",
    "deciders",
    "required_context",
]


class DeciderContext(Protocol):
    """What the replay engine offers the decorated functions and promise helpers."""

    def schedule_activity(
        self, call: ActivityCall, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Promise[Any]: ...

    def start_child(
        self, call: WorkflowCall, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Promise[Any]: ...

    def call_cached(
        self, definition: CachedDefinition, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any: ...

    def start_timer(self, seconds: int) -> TimerPromise: ...

    def cancel_timer(self, promise: TimerPromise) -> None: ...

    def wait_signal(self, name: str) -> Promise[Any]: ...

    def track(self, promise: Promise[Any], settle: Callable[[], None]) -> None: ...

    def wait_for(self, promise: Promise[Any]) -> None: ...

    def note_blocked(self, description: str) -> None: ...

    def decision_time(self) -> float | None: ...

    def send_signal(
        self,
        workflow_id: str,
        name: str,
        value: Any,
        *,
        run_id: str | None,
        serializer: Serializer | None,
        store: DataStore | None,
    ) -> Promise[None]: ...

    def request_cancel(self, workflow_id: str, run_id: str | None) -> Promise[None]: ...

    def cancel_requested(self) -> bool: ...

    def patched(self, change_id: str, *, deprecated: bool) -> bool: ...

    def history_length(self) -> int: ...

    def continue_as_new_suggested(self) -> bool: ...

    def replaying(self) -> bool: ...

    def run_ids(self) -> tuple[str, str]: ...

    def random(self) -> random.Random: ...


decider_context: ContextVar[DeciderContext | None] = ContextVar(
    "swflow_decider_context", default=None
)


def current_context() -> DeciderContext | None:
    """The decision being replayed in this thread or task, or None outside deciders."""
    return decider_context.get()


def required_context(what: str) -> DeciderContext:
    """The current decider's context; outside one, a `ConfigurationError` naming ``what``
    (a deterministic helper must never quietly return something nondeterministic)."""
    context = decider_context.get()
    if context is None:
        raise ConfigurationError(f"{what} works only inside a decider (a @decision_task)")
    return context


class DecidersInProcess:
    """How many decision workers run in this process.

    A thread that a decider starts has no decider context, so a decorated function
    called there would look like a plain call and run its side effect inline, again on
    every replay. While decision workers run, such calls are refused instead (see
    `ActivityTask.__call__`).
    """

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()

    def enter(self) -> None:
        with self._lock:
            self._count += 1

    def leave(self) -> None:
        with self._lock:
            self._count = max(0, self._count - 1)

    def __bool__(self) -> bool:
        return self._count > 0


deciders = DecidersInProcess()
"""The process's decision workers: one count, as there is one process."""
