"""OpenTelemetry end to end: one run is one trace across the client and two worker
processes, and the workers' metrics count what they did."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from swflow import DistributedActivityWorker, DistributedDecisionWorker, WorkflowClient
from swflow.devserver import DevServer
from swflow.envelope import TRACE_LINE
from swflow.swf.connection import devserver_client
from tests.telemetry import flows
from tests.telemetry.conftest import Otel
from tests.workers.conftest import serving

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def server() -> Iterator[DevServer]:
    with DevServer(poll_timeout=0.5, time_skipping=True) as running:
        yield running
    shutil.rmtree(flows.STORE.root, ignore_errors=True)


def _spans(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _worker(kind: str, endpoint: str, path: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.telemetry._traced_worker", kind, endpoint, str(path)],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    assert process.wait(timeout=30) == 0


def test_one_run_is_one_trace_across_processes(
    otel: Otel, server: DevServer, tmp_path: Path
) -> None:
    files = {kind: tmp_path / f"{kind}.jsonl" for kind in ("deciders", "activities")}
    processes = [_worker(kind, server.endpoint, path) for kind, path in files.items()]
    try:
        client = WorkflowClient(flows.DOMAIN, client=devserver_client(server.endpoint))
        run = client.start(flows.order, 2)
        assert run.result(timeout=120) == 2000 + 3000
    finally:
        for process in processes:
            _stop(process)
    [start] = otel.spans.get_finished_spans()  # the client's one span: no payload I/O
    assert start.name == "swflow start order" and start.parent is None
    trace_id = f"0x{start.context.trace_id:032x}"
    root = f"0x{start.context.span_id:016x}"
    remote = _spans(files["deciders"]) + _spans(files["activities"])
    assert {span["context"]["trace_id"] for span in remote} == {trace_id}  # one trace
    by_id = {span["context"]["span_id"]: span for span in remote}

    def parent(span: dict[str, Any]) -> str:
        return str(by_id[span["parent_id"]]["name"]) if span["parent_id"] in by_id else "?"

    decisions = [s for s in remote if s["name"] == "swflow decision order"]
    children = [s for s in remote if s["name"] == "swflow decision child"]
    steps = [s for s in remote if s["name"] == "swflow activity step"]
    assert decisions and {s["parent_id"] for s in decisions} == {root}  # the client's start
    assert len(steps) == 2
    assert sorted(parent(s) for s in steps) == ["swflow decision child", "swflow decision order"]
    assert children and {parent(s) for s in children} == {"swflow decision order"}
    assert {s["resource"]["attributes"]["service.name"] for s in steps} == {"swflow-activities"}
    # What the spans say: the decisions' facts and the activity's.
    facts = decisions[0]["attributes"]
    assert facts["swflow.workflow_id"] == run.workflow_id and facts["swflow.run_id"] == run.run_id
    assert {"swflow.events_read", "swflow.decisions_made", "swflow.replay_seconds"} <= set(facts)
    assert any(s["attributes"]["swflow.sticky_hit"] for s in decisions)  # sticky after the first
    step_facts = steps[0]["attributes"]
    assert step_facts["swflow.activity_type"] == "step" and step_facts["swflow.attempt"] == 1
    assert step_facts["swflow.input_size"] > 0 and step_facts["swflow.result_size"] > 0
    puts = [s for s in remote if s["name"] == "swflow payload put"]
    assert {parent(s) for s in puts} == {"swflow activity step"}
    assert puts[0]["attributes"]["swflow.store"] == "file"
    # The run's input carries the start span; the activity's, the decision's.
    started = run.history()[0].attributes["input"]
    assert started.startswith(TRACE_LINE) and started.split("-")[2] == trace_id[2:]


def _totals(otel: Otel) -> dict[tuple[str, tuple[tuple[str, Any], ...]], float]:
    totals: dict[tuple[str, tuple[tuple[str, Any], ...]], float] = {}
    data = otel.metrics.get_metrics_data()
    for resource in data.resource_metrics if data else []:
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                for point in metric.data.data_points:
                    key = (metric.name, tuple(sorted(point.attributes.items())))
                    totals[key] = getattr(point, "value", None) or getattr(point, "count", 0)
    return totals


def _delta(
    before: dict[Any, float], after: dict[Any, float], name: str, **attributes: Any
) -> float:
    return sum(
        value - before.get(key, 0)
        for key, value in after.items()
        if key[0] == name and set(attributes.items()) <= set(key[1])
    )


def test_workers_count_tasks_waits_payloads_and_sticky_hits(otel: Otel, server: DevServer) -> None:
    swf = devserver_client(server.endpoint)
    before = _totals(otel)
    workers = (
        DistributedDecisionWorker(flows.order, flows.child, domain=flows.DOMAIN, client=swf),
        DistributedActivityWorker(flows.step, domain=flows.DOMAIN, client=swf),
    )
    with serving(*workers):
        run = WorkflowClient(flows.DOMAIN, client=swf).start(flows.order, 1)
        assert run.result(timeout=120) == 1000 + 2000
        time.sleep(0)  # the workers answered; their counts are in
    after = _totals(otel)
    assert _delta(before, after, "swflow.tasks.polled", kind="activity", type="step") == 2
    assert _delta(before, after, "swflow.tasks.completed", kind="activity", type="step") == 2
    decided = _delta(before, after, "swflow.tasks.completed", kind="decision", type="order")
    assert decided >= 3  # start, step done, timer fired, child done
    assert _delta(before, after, "swflow.tasks.polled", kind="decision", type="order") == decided
    assert _delta(before, after, "swflow.poll.wait", kind="activity") >= 2
    assert _delta(before, after, "swflow.decision.latency", type="order") == decided
    assert _delta(before, after, "swflow.activity.duration", type="step") == 2
    put = _delta(before, after, "swflow.payload.bytes", store="file", direction="put")
    assert put >= 1000 + 2000
    assert _delta(before, after, "swflow.decider.sticky", result="hit") >= 1
    assert _delta(before, after, "swflow.decider.sticky", result="miss") >= 2  # order, child
    assert _delta(before, after, "swflow.payload.cache", result="hit") >= 1  # written, then read
