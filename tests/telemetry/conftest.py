"""OpenTelemetry's SDK in this process: spans to memory, metrics to a reader.

The providers are global and set once per process, so the sampler records only
while a telemetry test runs: the rest of the suite sees non-recording spans, and
no trace context in the inputs it checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ALWAYS_ON, Sampler, SamplingResult


class Switch(Sampler):
    """ALWAYS_ON while ``on``, ALWAYS_OFF otherwise."""

    def __init__(self) -> None:
        self.on = False

    def should_sample(self, *args: Any, **kwargs: Any) -> SamplingResult:
        return (ALWAYS_ON if self.on else ALWAYS_OFF).should_sample(*args, **kwargs)

    def get_description(self) -> str:
        return "Switch"


@dataclass
class Otel:
    spans: InMemorySpanExporter
    metrics: InMemoryMetricReader
    switch: Switch


_SESSION: Otel | None = None


def _install() -> Otel:
    global _SESSION  # noqa: PLW0603 - OpenTelemetry's providers are set once per process
    if _SESSION is None:
        switch = Switch()
        provider = TracerProvider(sampler=switch)
        exporter = InMemorySpanExporter()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
        reader = InMemoryMetricReader()
        metrics.set_meter_provider(MeterProvider(metric_readers=[reader]))
        _SESSION = Otel(exporter, reader, switch)
    return _SESSION


@pytest.fixture
def otel() -> Iterator[Otel]:
    session = _install()
    session.spans.clear()
    session.metrics.get_metrics_data()  # start from what has been counted so far
    session.switch.on = True
    try:
        yield session
    finally:
        session.switch.on = False
