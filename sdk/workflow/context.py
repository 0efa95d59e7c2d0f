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

if TYPE_CHECKING:
    from .decorators import ActivityCall, CachedDefinition, WorkflowCall
    from .promise import Promise, TimerPromise

__all__ = ["DeciderContext", "DecidersInProcess", "current_context", "decider_context", "deciders"]


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


decider_context: ContextVar[DeciderContext | None] = ContextVar(
    "swflow_decider_context", default=None
)


def current_context() -> DeciderContext | None:
    """The decision being replayed in this thread or task, or None outside deciders."""
    return decider_context.get()


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
