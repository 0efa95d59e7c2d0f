"""A worker process with OpenTelemetry's SDK, writing its spans to a JSON-lines file.

python -m tests.telemetry._traced_worker deciders|activities ENDPOINT SPANS_FILE
"""

from __future__ import annotations

import sys
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor

from swflow import DistributedActivityWorker, DistributedDecisionWorker
from swflow.swf.connection import devserver_client
from tests.telemetry import flows


def _line(span: ReadableSpan) -> str:
    return span.to_json(indent=None) + "\n"


def main() -> None:
    kind, endpoint, path = sys.argv[1:4]
    out = open(path, "w")  # noqa: SIM115 - open until the process ends
    provider = TracerProvider(resource=Resource({"service.name": f"swflow-{kind}"}))
    provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(out=out, formatter=_line)))
    trace.set_tracer_provider(provider)
    client = devserver_client(endpoint)
    worker: Any
    if kind == "deciders":
        worker = DistributedDecisionWorker(
            flows.order, flows.child, domain=flows.DOMAIN, client=client
        )
    else:
        worker = DistributedActivityWorker(flows.step, domain=flows.DOMAIN, client=client)
    worker.start()  # until SIGTERM
    provider.shutdown()
    out.close()


if __name__ == "__main__":
    main()
