"""An exception -> SWF's failure fields: a short reason and JSON details.

Deciders (FailWorkflowExecution) and activity workers (RespondActivityTaskFailed)
describe failures the same way, so whoever reads them back (a parent decider, the
client, the console) finds one shape: ``reason`` is ``"Type: message"`` cut to SWF's
256 characters, ``details`` an inline JSON envelope with the qualified type, the
message and as much of the traceback as fits in 32,768 characters.
"""

from __future__ import annotations

import json
import sys
import threading
import traceback

from swflow.serializers import JsonSerializer
from swflow.stores import InlineDataStore
from swflow.swf.limits import DATA, REASON

from .payloads import PayloadCodec

__all__ = ["failure_details", "failure_reason", "is_interrupt", "qualified", "thread_stack"]


def qualified(error: BaseException) -> str:
    """The exception's type as ``module.Name`` (builtins without a module)."""
    kind = type(error)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def is_interrupt(error: BaseException) -> bool:
    """True for Ctrl-C reaching this process (a KeyboardInterrupt on the main thread),
    which stops it; any other exception, `BaseException` included, is user code failing
    its own task or run. Workers run user code on threads of their own, where a signal
    never lands."""
    return isinstance(error, KeyboardInterrupt) and threading.current_thread() is (
        threading.main_thread()
    )


def _message(error: BaseException) -> str:
    """``str(error)``, or a note naming the type when even that raises."""
    try:
        return str(error)
    except BaseException as exc:  # a broken __str__ must not leave the task unanswered
        return f"<{type(error).__name__}.__str__ raised {type(exc).__name__}>"


def failure_reason(error: BaseException) -> str:
    """``"Type: message"``, within SWF's reason limit, as text SWF's JSON can carry
    (lone surrogates are escaped: left raw, they would make the run's history pages
    unreadable to every decider)."""
    text = f"{type(error).__name__}: {_message(error)}"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")[:REASON]


def failure_details(error: BaseException, codec: PayloadCodec) -> str:
    """Failure details for SWF: an inline JSON envelope, trimmed to fit the field.

    Never raises: an exception whose message or traceback cannot be rendered or
    encoded is described by its type alone.
    """
    try:
        trace = "".join(traceback.format_exception(error))
    except BaseException:
        trace = ""
    message = _message(error)[:10_000]
    for keep in (len(trace), 20_000, 2_000, 0):
        details = {
            "type": qualified(error),
            "message": message,
            "traceback": trace[-keep:] if keep else "",
        }
        try:
            text = codec.encode(
                details, JsonSerializer(), InlineDataStore(), field="details", limit=1 << 30
            )
        except Exception:  # e.g. a message with lone surrogates: JSON refuses it
            break
        if len(text) <= DATA:
            return text
    return json.dumps(
        {"type": qualified(error), "message": message.encode("ascii", "replace").decode()}
    )


def thread_stack(thread: threading.Thread | None) -> str:
    """Where ``thread`` is now, as a traceback would print it (for stuck code)."""
    frame = sys._current_frames().get(thread.ident or -1) if thread is not None else None
    return "".join(traceback.format_stack(frame)) if frame is not None else "(not running)"
