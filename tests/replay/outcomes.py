"""Reading what a decision task answered, for the replay tests."""

from __future__ import annotations

from typing import Any

from swflow.payloads import default_codec
from swflow.swf.decisions import CompleteWorkflowExecution


def completed_with(result: Any) -> Any:
    """The decoded result of the run's completion, which must be the one decision."""
    [close] = result.decisions
    assert isinstance(close, CompleteWorkflowExecution), result.decisions
    return default_codec().decode(close.result or "")
