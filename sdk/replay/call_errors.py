"""The errors a decider's promises fail with, built from an activity's or a child's
failure record: the reason SWF carries, and details decoded when swflow wrote them."""

from __future__ import annotations

from typing import Any

from swflow.errors import (
    ActivityTaskCanceledError,
    ActivityTaskError,
    ChildWorkflowError,
    ExternalWorkflowError,
    PayloadError,
)
from swflow.payloads import PayloadCodec

from .records import ActivityState, ChildState, ExternalState

__all__ = [
    "activity_error",
    "canceled_activity",
    "canceled_child",
    "child_error",
    "external_error",
]


def activity_error(record: ActivityState, attempts: int, codec: PayloadCodec) -> ActivityTaskError:
    reason = record.failure
    kind = ActivityTaskCanceledError if record.status == "canceled" else ActivityTaskError
    return kind(
        f"activity {record.name} {record.status} after {attempts} attempt(s): {reason}",
        reason=reason,
        details=_details(record.details, codec),
        attempts=attempts,
    )


def child_error(record: ChildState, codec: PayloadCodec) -> ChildWorkflowError:
    reason = record.failure
    return ChildWorkflowError(
        f"child workflow {record.name} ({record.workflow_id}) {record.status}: {reason}",
        reason=reason,
        details=_details(record.details, codec),
    )


def _details(text: str | None, codec: PayloadCodec) -> Any:
    if text is None:
        return None
    try:
        return codec.decode(text)
    except PayloadError:
        return text  # details are free text when not written by swflow


def canceled_activity(name: str, before: str) -> ActivityTaskCanceledError:
    """An activity whose promise was canceled before it was ``before`` (scheduled, retried)."""
    return ActivityTaskCanceledError(
        f"activity {name} was canceled before it was {before}", reason="canceled"
    )


def canceled_child(name: str, workflow_id: str) -> ChildWorkflowError:
    return ChildWorkflowError(
        f"child workflow {name} ({workflow_id}) was canceled before it started",
        reason="canceled",
    )


def external_error(record: ExternalState) -> ExternalWorkflowError:
    what = f"signal {record.signal_name!r}" if record.kind == "signal" else "cancel request"
    cause = record.cause or "unknown cause"
    return ExternalWorkflowError(
        f"{what} to workflow {record.workflow_id} failed: {cause}",
        cause=cause,
        workflow_id=record.workflow_id,
    )
