"""Running one activity task: input decoded, function called, result or failure encoded.

The activity worker and `swflow.testing.run_workflow` both run activities through
`run_activity`, so a test's activity fails, packs and unpacks exactly as in production.

An ``async def`` activity is awaited on the worker's own event loop (`EventLoopThread`,
one per worker), so the async activities a worker runs at once share that loop; the
polling thread that took the task waits for it, so ``concurrency`` bounds them as it
bounds plain ones. ``heartbeat()`` works the same inside them (it is a short blocking
call, at most one a second); cancellation requested by SWF cancels the coroutine
(``asyncio.CancelledError`` inside it) even when it never heartbeats.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import threading
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, Literal

from swflow.calls import decode_call
from swflow.failures import failure_details, failure_reason, is_interrupt
from swflow.payloads import PayloadCodec
from swflow.workflow.activity_context import ActivityCanceledError, ActivityInfo, bind, unbind
from swflow.workflow.decorators import ActivityDefinition

__all__ = ["EventLoopThread", "Outcome", "run_activity"]

_CANCEL_CHECK = 0.2  # seconds between looks at a cancel request while a coroutine runs


@dataclass(frozen=True)
class Outcome:
    """How an activity task ended, ready for the matching Respond call."""

    kind: Literal["completed", "failed", "canceled"]
    result: str | None = None  # completed: the encoded result
    reason: str | None = None  # failed: SWF's reason
    details: str | None = None  # failed or canceled: the encoded failure details
    error: BaseException | None = None


def failed(error: BaseException, codec: PayloadCodec) -> Outcome:
    return Outcome(
        "failed",
        reason=failure_reason(error),
        details=failure_details(error, codec),
        error=error,
    )


class EventLoopThread:
    """An asyncio event loop on a thread of its own, started on first use."""

    def __init__(self, name: str = "swflow-async-activities") -> None:
        self.name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=self._loop.run_forever, name=self.name, daemon=True
                )
                self._thread.start()
            return self._loop

    def close(self, timeout: float | None = 5) -> None:
        """Stop the loop once what runs on it is done (the worker waited for its tasks)."""
        with self._lock:
            loop, thread, self._loop, self._thread = self._loop, self._thread, None, None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        if not thread.is_alive():
            loop.close()


def run_activity(
    definition: ActivityDefinition,
    input_text: str | None,
    codec: PayloadCodec,
    info: ActivityInfo | None = None,
    loop: EventLoopThread | None = None,
) -> Outcome:
    """Run ``definition``'s function on the task's input; ``info`` is what it may ask
    (heartbeats, cancellation), absent outside a worker. An ``async def`` function runs
    on ``loop`` (a loop of its own when there is none)."""
    try:
        args, kwargs = decode_call(input_text, codec, expect=definition.input.serializer)
    except Exception as exc:  # PayloadError, or a store library's own failure
        return failed(exc, codec)
    context = bind(info) if info is not None else None
    try:
        value = _call(definition, args, kwargs, info, loop)
        result = codec.encode(
            value,
            definition.result.serializer,
            definition.result.store,
            field="result",
            codecs=definition.result.codecs,
            owner=f"activity {definition.name} {definition.version}",
        )
    except BaseException as exc:  # SystemExit and the like too: they fail this task only
        if is_interrupt(exc):
            raise
        if isinstance(exc, ActivityCanceledError) or (info is not None and info.cancel_requested):
            return Outcome("canceled", details=failure_details(exc, codec), error=exc)
        return failed(exc, codec)
    finally:
        if context is not None:
            unbind(context)
    return Outcome("completed", result=result)


def _call(
    definition: ActivityDefinition,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    info: ActivityInfo | None,
    loop: EventLoopThread | None,
) -> Any:
    function = definition.function
    if not inspect.iscoroutinefunction(function):
        return function(*args, **kwargs)
    coroutine = _bound(info, function(*args, **kwargs))
    if loop is None:
        return asyncio.run(coroutine)
    future = asyncio.run_coroutine_threadsafe(coroutine, loop.loop)
    while True:
        try:
            return future.result(timeout=_CANCEL_CHECK)
        except concurrent.futures.TimeoutError:
            if info is not None and info.cancel_requested:
                future.cancel()  # CancelledError in the coroutine; canceled to SWF


async def _bound(info: ActivityInfo | None, coroutine: Coroutine[Any, Any, Any]) -> Any:
    """Await ``coroutine`` as the running activity ``info`` (its task's own context)."""
    token = bind(info) if info is not None else None
    try:
        return await coroutine
    finally:
        if token is not None:
            unbind(token)
