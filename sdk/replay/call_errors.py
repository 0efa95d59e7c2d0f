"""The errors a decider's promises fail with, built from an activity's or a child's
failure record: the reason SWF carries, and details decoded when swflow wrote them."""

from __future__ import annotations

from typing import Any

from swflow.errors import ActivityTaskError, ChildWorkflowError, PayloadError
from swflow.payloads import PayloadCodec

from .records import ActivityState, ChildState

__all__ = ["activity_error", "child_error"]


def activity_error(record: ActivityState, attempts: int, codec: PayloadCodec) -> ActivityTaskError:
    reason = record.failure
    return ActivityTaskError(
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
