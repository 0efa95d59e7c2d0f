"""SWF's field limits, in one table (from the service model; see SWF-REFERENCE.md 3.2).

Lengths are counted in Unicode code points, i.e. Python's ``len(str)``: the reference
leaves SWF's unit unstated and the devserver counts the same way.
"""

from __future__ import annotations

from typing import Final

__all__ = ["DATA", "FIELD_LIMITS", "LIMITED_DATA", "REASON"]

DATA: Final = 32_768
"""input, result, details, control, executionContext, signal input, marker details."""

LIMITED_DATA: Final = 2_048
"""RecordActivityTaskHeartbeat.details and ActivityTaskTimedOut.details."""

REASON: Final = 256
"""Failure and termination reasons."""

FIELD_LIMITS: Final[dict[str, int]] = {
    "DomainName": 256,
    "Name": 256,
    "Version": 64,
    "WorkflowId": 256,
    "WorkflowRunId": 64,
    "ActivityId": 256,
    "TimerId": 256,
    "MarkerName": 256,
    "SignalName": 256,
    "Data": DATA,
    "LimitedData": LIMITED_DATA,
    "FailureReason": REASON,
    "TerminateReason": REASON,
    "Identity": 256,
    "Description": 1_024,
    "TaskToken": 1_024,
    "PageToken": 2_048,
    "Tag": 256,
}
"""Maximum length of each SWF string shape."""
