"""Large and broken out-of-band payloads, end to end through S3 (moto's server)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import boto3
import pytest

from swflow import WorkflowClient, WorkflowFailedError
from swflow.calls import resolved_promise
from swflow.payloads import PayloadCodec, parse_envelope
from swflow.serializers import MsgpackSerializer
from tests.e2e import flows
from tests.e2e.conftest import Processes


@pytest.mark.slow
def test_a_100_mb_result_moves_by_reference_and_never_through_the_decider(
    processes: Processes, s3_server: str
) -> None:
    stats = processes.logs / "decider-stats.json"
    decider = processes.start("deciders", "large_payloads", "measure_child", stats=stats)
    for _ in range(2):
        processes.start("activities", "produce", "measure")
    processes.ready(flows.DECIDERS, flows.ACTIVITIES)
    client = WorkflowClient(codec=PayloadCodec())

    first = client.start(flows.large_payloads, 100)  # activity -> activity and child
    blob = first.promise(timeout=240)
    second = client.start(flows.measure_child, blob)  # -> a second workflow, by reference
    measured = second.result(timeout=240)

    expected = hashlib.sha256(flows.produce(100)).hexdigest()
    assert measured == {"size": 100 * flows.MB, "sha256": expected}
    assert client.codec.bytes_fetched == 0  # neither did this client download it
    started = next(e for e in second.history() if e.event_type == "WorkflowExecutionStarted")
    assert len(started.attributes["input"]) < 400
    assert processes.stop(decider) == 0
    assert json.loads(stats.read_text())["bytes_fetched"] == 0


def _stored_blob(s3_server: str) -> tuple[str, str]:
    """An envelope of a msgpack blob in S3, and the object's key."""
    envelope = PayloadCodec().encode(b"payload" * 1000, MsgpackSerializer(), flows.S3, field="t")
    location = parse_envelope(envelope).ref.location
    return envelope, location.removeprefix(f"s3://{flows.S3.bucket}/")


@pytest.mark.parametrize(
    ("damage", "error"),
    [
        ("delete", "PayloadNotFoundError"),
        ("overwrite", "PayloadCorruptError"),
        ("untrusted", "UnsafeReferenceError"),  # the worker was never given the bucket
    ],
)
def test_a_missing_or_corrupt_s3_payload_fails_the_task_that_reads_it(
    processes: Processes, s3_server: str, damage: str, error: str
) -> None:
    trust = () if damage == "untrusted" else ("--trust", "S3")  # neither serves an S3 task
    processes.start("deciders", "measure_child", options=trust)
    processes.start("activities", "measure", options=trust)
    processes.ready(flows.DECIDERS, flows.ACTIVITIES)
    envelope, key = _stored_blob(s3_server)
    s3: Any = boto3.client("s3", endpoint_url=s3_server)
    if damage == "delete":
        s3.delete_object(Bucket=flows.S3.bucket, Key=key)
    elif damage == "overwrite":
        s3.put_object(Bucket=flows.S3.bucket, Key=key, Body=b"tampered")
    client = WorkflowClient()
    forwarded = client.start(flows.measure_child, resolved_promise(envelope, client.codec))
    with pytest.raises(WorkflowFailedError) as failed:
        forwarded.result(timeout=60)
    assert failed.value.reason is not None
    assert failed.value.reason.startswith("ActivityTaskError")  # the activity failed, not the run
    assert error in failed.value.reason

    as_input = client.client.start_workflow_execution(  # the decider's own input is broken
        domain="e2e",
        workflowId=f"broken-input-{damage}",
        workflowType={"name": "measure_child", "version": "1.0"},
        taskList={"name": flows.DECIDERS},
        input=envelope,
        executionStartToCloseTimeout="600",
        taskStartToCloseTimeout="30",
        childPolicy="TERMINATE",
    )
    with pytest.raises(WorkflowFailedError) as failed:
        client.handle(f"broken-input-{damage}", as_input["runId"]).result(timeout=60)
    assert failed.value.reason is not None
    assert failed.value.reason.startswith(error)
