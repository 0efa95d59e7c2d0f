"""Running one activity task: input decoded, function called, result or failure encoded.

The activity worker and `swflow.testing.run_workflow` both run activities through
`run_activity`, so a test's activity fails, packs and unpacks exactly as in production.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from swflow.calls import decode_call
from swflow.failures import failure_details, failure_reason
from swflow.payloads import PayloadCodec
from swflow.workflow.activity_context import ActivityCanceledError, ActivityInfo, bind, unbind
from swflow.workflow.decorators import ActivityDefinition

__all__ = ["Outcome", "run_activity"]


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


def run_activity(
    definition: ActivityDefinition,
    input_text: str | None,
    codec: PayloadCodec,
    info: ActivityInfo | None = None,
) -> Outcome:
    """Run ``definition``'s function on the task's input; ``info`` is what it may ask
    (heartbeats, cancellation), absent outside a worker."""
    try:
        args, kwargs = decode_call(input_text, codec)
    except Exception as exc:  # PayloadError, or a store library's own failure
        return failed(exc, codec)
    context = bind(info) if info is not None else None
    try:
        value = definition.function(*args, **kwargs)
        result = codec.encode(
            value,
            definition.result.serializer,
            definition.result.store,
            field="result",
            owner=f"activity {definition.name} {definition.version}",
        )
    except Exception as exc:
        if isinstance(exc, ActivityCanceledError) or (info is not None and info.cancel_requested):
            return Outcome("canceled", details=failure_details(exc, codec), error=exc)
        return failed(exc, codec)
    finally:
        if context is not None:
            unbind(context)
    return Outcome("completed", result=result)
