"""An exception -> SWF's failure fields: a short reason and JSON details.

Deciders (FailWorkflowExecution) and activity workers (RespondActivityTaskFailed)
describe failures the same way, so whoever reads them back (a parent decider, the
client, the console) finds one shape: ``reason`` is ``"Type: message"`` cut to SWF's
256 characters, ``details`` an inline JSON envelope with the qualified type, the
message and as much of the traceback as fits in 32,768 characters.
"""

from __future__ import annotations

import json
import traceback

from swflow.serializers import JsonSerializer
from swflow.stores import InlineDataStore
from swflow.swf.limits import DATA, REASON

from .payloads import PayloadCodec

__all__ = ["failure_details", "failure_reason", "qualified"]


def qualified(error: BaseException) -> str:
    """The exception's type as ``module.Name`` (builtins without a module)."""
    kind = type(error)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def failure_reason(error: BaseException) -> str:
    """``"Type: message"``, within SWF's reason limit."""
    return f"{type(error).__name__}: {error}"[:REASON]


def failure_details(error: BaseException, codec: PayloadCodec) -> str:
    """Failure details for SWF: an inline JSON envelope, trimmed to fit the field."""
    trace = "".join(traceback.format_exception(error))
    for keep in (len(trace), 20_000, 2_000, 0):
        details = {
            "type": qualified(error),
            "message": str(error)[:10_000],
            "traceback": trace[-keep:] if keep else "",
        }
        text = codec.encode(
            details, JsonSerializer(), InlineDataStore(), field="details", limit=1 << 30
        )
        if len(text) <= DATA:
            return text
    return json.dumps({"type": qualified(error)})
