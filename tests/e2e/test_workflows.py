"""Workflows end to end: one decider process, two activity processes, a devserver, S3."""

from __future__ import annotations

import json
from typing import Any

import pytest

from swflow import WorkflowClient
from swflow.payloads import PayloadCodec
from tests.e2e import flows
from tests.e2e.conftest import ROOT, Processes


def test_the_seeds_example_runs_across_three_processes(shared_workers: Processes) -> None:
    handle = WorkflowClient().start(flows.decider_a)
    assert handle.result(timeout=60) == 30
    completed = [e for e in handle.history() if e.event_type == "ActivityTaskCompleted"]
    assert sorted(e.value("result") for e in completed) == [10, 20]


REPLAYING = "e2e-replaying-deciders"


@pytest.mark.parametrize("deciders", ["sticky", "replaying"])
def test_cached_functions_run_once_per_call_across_every_replay(
    shared_workers: Processes, processes: Processes, deciders: str
) -> None:
    """Sticky deciders resume the code, so they never meet a recorded marker; a decider
    with ``sticky_deciders=0`` replays every task from the start and meets them all."""
    calls = ROOT / "rate-calls.txt"
    calls.unlink(missing_ok=True)
    options: dict[str, Any] = {}
    if deciders == "replaying":
        replaying = ("--task-list", REPLAYING, "--sticky-deciders", "0")
        processes.start("deciders", "twenty_steps", options=replaying)
        processes.ready(REPLAYING)
        options["task_list"] = REPLAYING
    handle = WorkflowClient().start(flows.twenty_steps, 20, **options)
    assert handle.result(timeout=60) == sum(step * 10 for step in range(20))
    history = handle.history()
    decisions = [e for e in history if e.event_type == "DecisionTaskCompleted"]
    assert len(decisions) > 20  # one decision task per step at least
    assert calls.read_text().split() == [str(step) for step in range(20)]
    markers = [e.value("details") for e in history if e.event_type == "MarkerRecorded"]
    assert markers == [step * 10 for step in range(20)]


def test_each_task_stores_its_payloads_where_its_decorator_says(shared_workers: Processes) -> None:
    reader = PayloadCodec(stores=(flows.S3,))  # to read the activity's result below
    handle = WorkflowClient(codec=reader).start(flows.per_task_storage, "alpha", 1.5)
    assert handle.result(timeout=60) == {"name": "alpha", "score": 4.5, "rows": 51_200}
    history = handle.history()
    started = next(e for e in history if e.event_type == "WorkflowExecutionStarted")
    assert started.envelopes()["input"].ref.scheme == "inline"
    assert started.envelopes()["input"].serializer == "json"
    completed = next(e for e in history if e.event_type == "ActivityTaskCompleted")
    record = completed.envelopes()["result"]
    assert (record.serializer, record.ref.scheme) == ("protobuf:swflow.test.Record", "s3")
    assert completed.value("result").name == "alpha"
    marker = next(e for e in history if e.event_type == "MarkerRecorded")
    table = marker.envelopes()["details"]
    assert (table.serializer, table.ref.scheme) == ("msgpack", "file")
    for event in history:  # what SWF holds are small envelopes, not the payloads
        for field in ("input", "result", "details"):
            text = event.attributes.get(field)
            if isinstance(text, str) and event.event_type != "WorkflowExecutionStarted":
                assert len(text) < 400, (event.event_type, field, len(text))


def test_activity_failures_reach_the_decider_and_the_worker_keeps_serving(
    shared_workers: Processes,
) -> None:
    client = WorkflowClient()
    outcome = client.start(flows.failures).result(timeout=60)
    assert outcome["raises"] == "ValueError: boom"
    assert outcome["times_out"] == "START_TO_CLOSE"
    assert outcome["unserializable"].startswith("SerializationError:")
    assert client.start(flows.doubled, 21).result(timeout=60) == 42


def test_a_workflow_started_from_outside_with_plain_json_input(shared_workers: Processes) -> None:
    client = WorkflowClient()
    run = client.client.start_workflow_execution(
        domain="e2e",
        workflowId="typed-in-the-console",
        workflowType={"name": "doubled", "version": "1.0"},
        taskList={"name": flows.DECIDERS},
        input="[8]",
        executionStartToCloseTimeout="600",
        taskStartToCloseTimeout="30",
        childPolicy="TERMINATE",
    )
    assert client.handle("typed-in-the-console", run["runId"]).result(timeout=60) == 16
    by_object = client.client.start_workflow_execution(
        domain="e2e",
        workflowId="typed-in-the-console-2",
        workflowType={"name": "doubled", "version": "1.0"},
        input='{"args": [], "kwargs": {"x": 5}}',
    )
    assert client.handle("typed-in-the-console-2", by_object["runId"]).result(timeout=60) == 10


def test_a_cron_like_workflow_ticks_48_hours_in_seconds_with_bounded_runs(
    shared_workers: Processes,
) -> None:
    client = WorkflowClient()
    handle = client.start(flows.hourly, 0, 48, 6, workflow_id="cron")
    assert handle.result(timeout=120) == 48
    runs = client.list_closed(workflow_id="cron")
    assert sorted(run.close_status for run in runs) == ["COMPLETED"] + ["CONTINUED_AS_NEW"] * 7
    for run in runs:
        events = client.handle("cron", run.run_id).history()
        assert len(events) < 80, len(events)  # each run's history stays bounded
        fired = [e for e in events if e.event_type == "TimerFired"]
        assert len(fired) == 6
    first = min(runs, key=lambda run: run.start_time)
    last = max(runs, key=lambda run: run.start_time)
    assert last.close_time is not None
    assert (last.close_time - first.start_time).total_seconds() >= 48 * 3600  # virtual hours


def test_worker_stats_files_record_what_processes_read(shared_workers: Processes) -> None:
    handle = WorkflowClient().start(flows.per_task_storage, "stats", 1.0)
    assert handle.result(timeout=60)["rows"] == 51_200
    completed = next(e for e in handle.history() if e.event_type == "ActivityTaskCompleted")
    record_size = completed.envelopes()["result"].ref.size  # a new record, stored in S3
    shared_workers.stop_all()
    stats: dict[str, Any] = json.loads((shared_workers.logs / "decider-stats.json").read_text())
    assert stats["bytes_fetched"] >= record_size > 40_000  # the decider read the record
    assert 10_000 < stats["max_rss_kib"] < 1_000_000  # peak memory in KiB, not bytes or pages
