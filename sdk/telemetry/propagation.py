"""The trace context on the wire: in the input of every run and task swflow starts.

SWF hands an activity worker or a child run nothing of the decision that scheduled it
but the input, so that is where the context goes: one ``swflow-trace`` line ahead of
the envelope (`swflow.envelope.with_trace`), added only while a span is recording and
only when it still fits the field.
"""

from __future__ import annotations

from typing import Any

from swflow.envelope import split_trace, with_trace
from swflow.swf.limits import DATA
from swflow.swf.vocabulary import decision_attributes_key

from .tracing import traceparent

__all__ = ["input_trace", "trace_decisions"]

_STARTS_WORK = ("ScheduleActivityTask", "StartChildWorkflowExecution")
_CONTINUES = "ContinueAsNewWorkflowExecution"


def input_trace(text: str | None) -> str | None:
    """The traceparent an input carries, if any."""
    return None if text is None else split_trace(text)[0]


def trace_decisions(decisions: list[dict[str, Any]], run_input: str | None = None) -> None:
    """Lead the input of each decision that starts work with the current span's context.

    A continued run keeps its trace: its new input carries the old run's trace line.
    """
    current = traceparent()
    for decision in decisions:
        kind = decision["decisionType"]
        if kind not in _STARTS_WORK and kind != _CONTINUES:
            continue
        parent = current if kind in _STARTS_WORK else input_trace(run_input)
        attributes = decision[decision_attributes_key(kind)]
        traced = with_trace(attributes.get("input"), parent, DATA)
        if traced is not None:
            attributes["input"] = traced
