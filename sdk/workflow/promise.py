"""Promises: what a decider gets back from activities, timers, signals and children.

A promise is settled from the history when it is created and, while it stays pending,
again on every later decision task of a sticky decider (the context keeps the
function that settles it). Reading ``result`` of a pending promise asks the context
to wait: snapshot replay stops with `Blocked`, a `BaseException` a user's
``except Exception:`` can never swallow; a sticky decider's thread waits for the
decision task that settles it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from swflow.errors import ConfigurationError
from swflow.serializers import Serializer
from swflow.stores import DataStore

from .context import current_context, decider_context
from .options import checked_name

__all__ = [
    "Blocked",
    "Promise",
    "Signal",
    "Timer",
    "TimerPromise",
    "cancel_workflow",
    "first_completed",
    "wait_all",
]

T = TypeVar("T")

_PENDING, _READY, _FAILED = "pending", "ready", "failed"


class Blocked(BaseException):  # a control-flow signal, not an error
    """Internal: the decider read a promise that is not ready; this replay stops here."""

    def __init__(self, promise: Promise[Any]) -> None:
        super().__init__(f"waiting on {promise.description}")
        self.promise = promise
        context = current_context()
        if context is not None:  # noted at once: code that swallows it is still blocked
            context.note_blocked(promise.description)


class Promise(Generic[T]):
    """The eventual result of an activity, timer, signal, child workflow or combinator.

    Attributes:
        description: what it stands for, for logs and errors.
    """

    __slots__ = (
        "_decode",
        "_error",
        "_on_cancel",
        "_state",
        "_value",
        "completed_at",
        "description",
        "envelope",
    )

    def __init__(self, description: str) -> None:
        self.description = description
        self._state = _PENDING
        self._value: Any = None
        self._decode: Callable[[], Any] | None = None
        self._error: BaseException | None = None
        self.completed_at = 0  # event id of the completion, for deterministic ordering
        self.envelope: str | None = None  # the payload's envelope, when it came from SWF
        # Set for activities and children; given the promise, so it holds no cycle.
        self._on_cancel: Callable[[Promise[Any]], None] | None = None

    @property
    def is_ready(self) -> bool:
        """True once the result (or failure) is known."""
        return self._state != _PENDING

    @property
    def result(self) -> T:
        """The value; raises the task's failure; waits (or stops the replay) if pending.

        In a decider whose run was asked to cancel, the first wait raises
        `CancelRequestedError` instead (see `swflow.cancel_requested`).
        """
        context = decider_context.get()  # current_context() without the call: hot
        if context is not None:
            context.wait_for(self)  # returns once settled, or raises Blocked
        if self._state == _READY:
            if self._decode is not None:  # decoded on first read, never before
                self._value, self._decode = self._decode(), None
            return self._value  # type: ignore[no-any-return]
        if self._state == _FAILED:
            assert self._error is not None
            raise self._error
        raise Blocked(self)

    def cancel(self) -> None:
        """Ask for the work behind this promise to stop.

        An activity gets ``RequestCancelActivityTask`` (its heartbeats see it) and
        ``result`` then raises `ActivityTaskCanceledError`, unless it completed first;
        a child workflow is asked to cancel and ``result`` raises `ChildWorkflowError`
        once it closes canceled. Work not sent to SWF yet is never sent: ``result``
        raises at once. No effect on a settled promise, or on one that stands for no
        work of its own (signals, combinators).
        """
        if self._on_cancel is not None:  # called when settled too: a replay's record of it
            self._on_cancel(self)

    # Settled by the replay engine.

    def _resolve(
        self, value: Any = None, *, decode: Callable[[], Any] | None = None, at: int = 0
    ) -> Promise[T]:
        self._state, self._value, self._decode, self.completed_at = _READY, value, decode, at
        return self

    def _fail(self, error: BaseException, *, at: int = 0) -> Promise[T]:
        self._state, self._error, self.completed_at = _FAILED, error, at
        return self

    def __repr__(self) -> str:
        return f"<Promise {self.description} {self._state}>"


def wait_all(*promises: Promise[Any]) -> Promise[list[Any]]:
    """A promise of every result, in order; ready once all are ready.

    Reading its result raises the first failure among them (in argument order).
    """
    combined: Promise[list[Any]] = Promise(f"all of {len(promises)}")

    def settle() -> None:
        if all(promise.is_ready for promise in promises):
            last = max((promise.completed_at for promise in promises), default=0)
            combined._resolve(decode=lambda: [promise.result for promise in promises], at=last)

    return _tracked(combined, settle)


def first_completed(*promises: Promise[Any]) -> Promise[Promise[Any]]:
    """A promise of whichever promise completed first in the history.

    Deterministic: the winner is the one whose completion event came first, whatever
    the order of the arguments. Its result is the winning promise itself.
    """
    if not promises:
        raise ValueError("first_completed needs at least one promise")
    winner: Promise[Promise[Any]] = Promise(f"first of {len(promises)}")

    def settle() -> None:
        ready = [promise for promise in promises if promise.is_ready]
        if ready:
            first = min(ready, key=lambda promise: promise.completed_at)
            winner._resolve(first, at=first.completed_at)

    return _tracked(winner, settle)


def _tracked(promise: Promise[T], settle: Callable[[], None]) -> Promise[T]:
    """Settle ``promise`` now, and (in a decider) again while it stays pending."""
    context = current_context()
    if context is None:
        settle()
    else:
        context.track(promise, settle)
    return promise


def _context(what: str) -> Any:
    context = current_context()
    if context is None:
        raise RuntimeError(f"{what} works only inside a decider")
    return context


class TimerPromise(Promise[None]):
    """A timer's promise; ``cancel()`` stops the timer before it fires."""

    __slots__ = ("timer_id",)

    def __init__(self, timer_id: str) -> None:
        super().__init__(f"timer {timer_id}")
        self.timer_id = timer_id

    def cancel(self) -> None:
        """Cancel the timer: reading its result then raises `TimerCanceled`.

        No effect once it has fired.
        """
        _context("TimerPromise.cancel").cancel_timer(self)


class Timer:
    """Durable sleeps: ``Timer.get(seconds=3600).result`` waits an hour, in SWF."""

    @staticmethod
    def get(seconds: float) -> TimerPromise:
        """A promise that resolves to None when ``seconds`` (>= 0) have passed.

        SWF's timers count whole seconds: a fraction rounds up (1.7 waits 2 s), so a
        timer never fires early.

        Raises:
            ConfigurationError: ``seconds`` is not a finite number >= 0.
        """
        value: object = seconds  # checked at run time: not every caller is typed
        if (
            isinstance(value, bool)
            or not isinstance(value, numbers.Real)  # numpy's numbers too
            or not math.isfinite(value)
            or value < 0
        ):
            raise ConfigurationError(f"a timer needs a finite number of seconds >= 0: {seconds!r}")
        promise: TimerPromise = _context("Timer.get").start_timer(math.ceil(seconds))
        return promise


class Signal:
    """Signals: ``get`` waits for one sent to this run, ``send`` sends one to another run.

    The n-th ``Signal.get(name)`` is the n-th signal of that name this run received.
    """

    @staticmethod
    def get(name: str) -> Promise[Any]:
        """A promise of the next signal called ``name`` (its decoded input)."""
        promise: Promise[Any] = _context("Signal.get").wait_signal(name)
        return promise

    @staticmethod
    def send(
        workflow_id: str,
        name: str,
        value: Any = None,
        *,
        run_id: str | None = None,
        serializer: Serializer | None = None,
        store: DataStore | None = None,
    ) -> Promise[None]:
        """Signal another workflow (its latest run, or ``run_id``) from this decider.

        ``value`` goes through ``serializer`` and ``store`` (JSON inline by default).
        The promise resolves once SWF delivered the signal; reading it raises
        `ExternalWorkflowError` (with SWF's ``cause``) when it could not be delivered.
        """
        target = _checked_target(workflow_id, run_id)
        checked_name(name, "signal name")
        promise: Promise[None] = _context("Signal.send").send_signal(
            target, name, value, run_id=run_id, serializer=serializer, store=store
        )
        return promise


def cancel_workflow(workflow_id: str, *, run_id: str | None = None) -> Promise[None]:
    """Ask another workflow (its latest run, or ``run_id``) to cancel, from this decider.

    The promise resolves once SWF recorded the request in the other run (whose decider
    then sees `CancelRequestedError`); reading it raises `ExternalWorkflowError` when
    there was no such open run.
    """
    target = _checked_target(workflow_id, run_id)
    promise: Promise[None] = _context("cancel_workflow").request_cancel(target, run_id)
    return promise


def _checked_target(workflow_id: str, run_id: str | None) -> str:
    checked_name(workflow_id, "workflow id")
    checked_name(run_id, "run id", limit=64)
    return workflow_id
