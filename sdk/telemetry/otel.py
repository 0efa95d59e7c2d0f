"""OpenTelemetry's API, when the ``[otel]`` extra is installed; None when it is not.

Nothing imports ``opentelemetry`` until a worker or client first records something,
and without the package every span and metric call is a no-op. swflow uses the global
tracer and meter providers, as instrumentation libraries do: the application
configures the SDK (exporters, sampling) once, swflow never does.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

__all__ = ["Otel", "otel"]


@dataclass(frozen=True)
class Otel:
    trace: Any
    metrics: Any
    propagator: Any


@functools.cache
def otel() -> Otel | None:
    """The API modules, imported once; None without ``pip install 'swflow[otel]'``."""
    try:
        from opentelemetry import metrics, trace
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
    except ImportError:
        return None
    return Otel(trace, metrics, TraceContextTextMapPropagator())
