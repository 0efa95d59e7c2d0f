"""Metrics, through OpenTelemetry's metrics API: one table of instruments.

Ratios are counted as their parts (``result=hit|miss``), as OpenTelemetry advises: a
backend divides them over any window.
"""

from __future__ import annotations

import threading
from typing import Any

from .otel import otel

__all__ = ["INSTRUMENTS", "count", "record"]

INSTRUMENTS: dict[str, tuple[str, str, str]] = {
    "swflow.tasks.polled": ("counter", "{task}", "tasks polled, per kind, task list and type"),
    "swflow.tasks.completed": ("counter", "{task}", "tasks answered as completed"),
    "swflow.tasks.failed": ("counter", "{task}", "tasks answered as failed, or left to retry"),
    "swflow.poll.wait": ("histogram", "s", "time a long poll waited, empty polls included"),
    "swflow.decision.latency": ("histogram", "s", "decision task: polled to answered"),
    "swflow.activity.duration": ("histogram", "s", "activity task: input decoded to answered"),
    "swflow.payload.bytes": ("counter", "By", "out-of-band payload bytes, per store, direction"),
    "swflow.payload.cache": ("counter", "{read}", "out-of-band reads, result=hit|miss"),
    "swflow.decider.sticky": ("counter", "{task}", "decision tasks, result=hit|miss"),
    "swflow.deciders.abandoned": ("counter", "{decider}", "deciders abandoned past their bound"),
}
"""Name -> (kind, unit, description)."""

_lock = threading.Lock()
_made: dict[str, Any] = {}


def _instrument(name: str) -> Any:
    instrument = _made.get(name)
    if instrument is not None:
        return instrument
    api = otel()
    if api is None:
        return None
    kind, unit, description = INSTRUMENTS[name]
    with _lock:
        if name not in _made:
            meter = api.metrics.get_meter("swflow")  # a proxy until the SDK is configured
            make = meter.create_counter if kind == "counter" else meter.create_histogram
            _made[name] = make(name, unit=unit, description=description)
        return _made[name]


def count(name: str, value: int = 1, **attributes: str) -> None:
    """Add ``value`` to the counter ``name`` (a key of `INSTRUMENTS`)."""
    instrument = _instrument(name)
    if instrument is not None:
        instrument.add(value, attributes)


def record(name: str, value: float, **attributes: str) -> None:
    """Record ``value`` in the histogram ``name``."""
    instrument = _instrument(name)
    if instrument is not None:
        instrument.record(value, attributes)
