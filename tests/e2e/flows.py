"""The workflows and activities the end-to-end tests run in real worker processes.

Configured from the environment (set by ``tests/e2e/conftest.py`` before any import):
``E2E_S3_ENDPOINT`` and ``E2E_BUCKET`` (moto's server), ``E2E_ROOT`` (local store and
the cached side-effect counters).
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

from swflow import (
    ActivityTaskError,
    Timer,
    activity_task,
    cached,
    continue_as_new,
    decision_task,
)
from swflow.serializers import MsgpackSerializer, ProtobufSerializer
from swflow.stores import LocalDataStore, S3DataStore
from tests.protos import Record

DECIDERS = "e2e-deciders"
ACTIVITIES = "e2e-activities"
ROOT = Path(os.environ["E2E_ROOT"])
S3 = S3DataStore(
    bucket=os.environ["E2E_BUCKET"],
    prefix="e2e/",
    client_kwargs={"endpoint_url": os.environ["E2E_S3_ENDPOINT"]},
)
DISK = LocalDataStore(ROOT / "store")
MB = 1024 * 1024


# The seed's example.


@activity_task(swf_task_type="TestActivityA", swf_task_list=ACTIVITIES)
def activity_task_a(b: int) -> int:
    return b + b


@decision_task(swf_workflow_type="TestWorkflow", swf_task_list=DECIDERS)
def decider_a() -> int:
    a1 = activity_task_a(5)
    a2 = activity_task_a(10)
    return int(a1.result + a2.result)


# @cached side effects, counted in a file the decider process appends to.


@cached
def exchange_rate(step: int) -> int:
    with open(ROOT / "rate-calls.txt", "a") as calls:
        calls.write(f"{step}\n")
    return step * 10


@activity_task(swf_task_list=ACTIVITIES)
def add(a: int, b: int) -> int:
    return a + b


@decision_task(swf_task_list=DECIDERS)
def twenty_steps(steps: int = 20) -> int:
    total = 0
    for step in range(steps):
        total = add(total, exchange_rate(step)).result
    return total


# Per-task storage: JSON inline input, Protobuf result in S3, msgpack cached value on disk.


@activity_task(
    swf_task_list=ACTIVITIES,
    result_data_serializer=ProtobufSerializer(Record),
    result_data_store=S3,
)
def make_record(name: str, score: float) -> Any:
    return Record(id=7, name=name, score=score, blob=b"\x00" * 40_000, tags=["e2e"])


@cached(result_data_serializer=MsgpackSerializer(), result_data_store=DISK)
def scoring_table() -> dict[str, Any]:
    return {"scale": 3, "table": bytes(range(256)) * 200}


@decision_task(swf_task_list=DECIDERS)
def per_task_storage(name: str, score: float) -> dict[str, Any]:
    record = make_record(name, score).result
    table = scoring_table()
    score = record.score * table["scale"]
    return {"name": record.name, "score": score, "rows": len(table["table"])}


# Large payloads, by reference.


@activity_task(
    swf_task_list=ACTIVITIES,
    result_data_serializer=MsgpackSerializer(),
    result_data_store=S3,
)
def produce(megabytes: int) -> bytes:
    return hashlib.sha256(b"seed").digest() * (megabytes * MB // 32)


@activity_task(swf_task_list=ACTIVITIES)
def measure(blob: bytes) -> dict[str, Any]:
    return {"size": len(blob), "sha256": hashlib.sha256(blob).hexdigest()}


@decision_task(swf_task_list=DECIDERS)
def measure_child(blob: Any) -> dict[str, Any]:
    return dict(measure(blob).result)  # the blob is forwarded unread


@decision_task(swf_task_list=DECIDERS, result_data_serializer=MsgpackSerializer())
def large_payloads(megabytes: int) -> Any:
    blob = produce(megabytes)
    by_activity, by_child = measure(blob), measure_child(blob)
    if by_activity.result != by_child.result:
        raise AssertionError(f"{by_activity.result} != {by_child.result}")
    return blob  # forwarded as this workflow's result, still unread


# A cron-like workflow: hourly reports, a new run every `per_run` ticks.


@activity_task(swf_task_list=ACTIVITIES)
def hourly_report(tick: int) -> str:
    return f"report {tick}"


@decision_task(swf_task_list=DECIDERS)
def hourly(tick: int = 0, until: int = 48, per_run: int = 6) -> int:
    for _ in range(per_run):
        Timer.get(seconds=3600).result
        hourly_report(tick).result
        tick += 1
        if tick == until:
            return tick
    return continue_as_new(tick, until, per_run)


# Failures.


@activity_task(swf_task_list=ACTIVITIES)
def explode(message: str) -> None:
    raise ValueError(message)


@activity_task(swf_task_list=ACTIVITIES, start_to_close_timeout=1)
def dawdle() -> None:
    time.sleep(1.5)  # outlives its 1 s start-to-close timeout


@activity_task(swf_task_list=ACTIVITIES)
def unserializable() -> Any:
    return {1, 2, 3}  # JSON has no sets


@decision_task(swf_task_list=DECIDERS)
def failures() -> dict[str, str]:
    attempts = {
        "raises": explode("boom"),
        "times_out": dawdle(),
        "unserializable": unserializable(),
    }
    outcome = {}
    for name, promise in attempts.items():
        try:
            promise.result
        except ActivityTaskError as error:
            outcome[name] = error.reason
    return outcome


@decision_task(swf_task_list=DECIDERS)
def doubled(x: int) -> int:
    return int(add(x, x).result)


# Kill -9: slow sequential steps on lists of their own, with short timeouts.


@activity_task(swf_task_list="e2e-kill-activities", start_to_close_timeout=3, max_attempts=5)
def slow_square(i: int) -> int:
    time.sleep(0.3)
    return i * i


@decision_task(swf_task_list="e2e-kill-deciders", task_start_to_close_timeout=2)
def squares(n: int) -> int:
    return sum(slow_square(i).result for i in range(n))
