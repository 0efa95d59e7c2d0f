"""Telemetry: OpenTelemetry spans and metrics.

With the ``[otel]`` extra (opentelemetry-api), workers and clients emit spans and
metrics through the global providers the application configures; without it nothing
is imported and every call here does nothing.

May import ``swflow.envelope`` and ``swflow.swf``, and opentelemetry lazily: the
payload codec below everything else records through it.
"""

from __future__ import annotations

from .metrics import INSTRUMENTS, count, record
from .otel import otel
from .propagation import input_trace, trace_decisions
from .tracing import NO_SPAN, span, traced_only, traceparent

__all__ = [
    "INSTRUMENTS",
    "NO_SPAN",
    "count",
    "input_trace",
    "otel",
    "record",
    "span",
    "trace_decisions",
    "traced_only",
    "traceparent",
]
