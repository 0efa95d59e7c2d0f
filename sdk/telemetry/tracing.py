"""Spans: one per workflow start, decision task, activity task and out-of-band payload.

A run is one trace across processes: the client's start span travels in the run's
input (`swflow.envelope.TRACE_LINE`), each decision task is a child of it, and each
activity or child workflow a decision schedules is a child of that decision's span.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .otel import otel

__all__ = ["NO_SPAN", "span", "traced_only", "traceparent"]

TRACER = "swflow"


class _NoSpan:
    """Stands in for a span when OpenTelemetry is not installed."""

    def set_attribute(self, key: str, value: Any) -> None:
        return None

    def set_attributes(self, attributes: dict[str, Any]) -> None:
        return None

    def is_recording(self) -> bool:
        return False


NO_SPAN = _NoSpan()


@contextmanager
def span(
    name: str,
    attributes: dict[str, Any] | None = None,
    *,
    parent: str | None = None,
    kind: str = "INTERNAL",
) -> Iterator[Any]:
    """A current span named ``name``; ``parent`` is a W3C traceparent from another process.

    An exception leaving the block is recorded on the span and sets its status.
    """
    api = otel()
    if api is None:
        yield NO_SPAN
        return
    context = api.propagator.extract({"traceparent": parent}) if parent else None
    tracer = api.trace.get_tracer(TRACER)
    with tracer.start_as_current_span(
        name, context=context, kind=getattr(api.trace.SpanKind, kind), attributes=attributes
    ) as current:
        yield current


@contextmanager
def traced_only(name: str, attributes: dict[str, Any]) -> Iterator[Any]:
    """A child span only inside a recording span: payload I/O never starts a trace."""
    api = otel()
    if api is None or not api.trace.get_current_span().is_recording():
        yield NO_SPAN
        return
    with span(name, attributes) as current:
        yield current


def traceparent() -> str | None:
    """The current span as a W3C ``traceparent``, when one is recording."""
    api = otel()
    if api is None or not api.trace.get_current_span().is_recording():
        return None
    carrier: dict[str, str] = {}
    api.propagator.inject(carrier)
    return carrier.get("traceparent")
