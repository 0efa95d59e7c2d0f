"""The workflows `end_to_end.py` runs (imported by its worker processes too)."""

from __future__ import annotations

import os

from swflow import activity_task, decision_task, wait_all
from swflow.serializers import MsgpackSerializer
from swflow.stores import LocalDataStore

DISK = LocalDataStore(os.environ.get("BENCH_ROOT", "/tmp/swflow-bench"), fsync=False)
MB = 1024 * 1024


@activity_task(swf_task_list="bench-activities")
def step(x: int) -> int:
    return x + 1


@decision_task(swf_task_list="bench-deciders")
def chain(n: int) -> int:
    x = 0
    for _ in range(n):
        x = step(x).result
    return x


@decision_task(swf_task_list="bench-deciders")
def fanout(n: int) -> int:
    return sum(wait_all(*(step(i) for i in range(n))).result)


@activity_task(
    swf_task_list="bench-activities",
    result_data_serializer=MsgpackSerializer(),
    result_data_store=DISK,
)
def produce(megabytes: int) -> bytes:
    return b"\x2a" * (megabytes * MB)


@activity_task(swf_task_list="bench-activities")
def size_of(blob: bytes) -> int:
    return len(blob)


@decision_task(swf_task_list="bench-deciders")
def a_to_b(megabytes: int) -> int:
    return int(size_of(produce(megabytes)).result)


@activity_task(
    swf_task_list="bench-activities",
    result_data_serializer=MsgpackSerializer(),
    result_data_store=DISK,
)
def produce_kib(kib: int) -> bytes:
    return b"\x2a" * (kib * 1024)


@decision_task(swf_task_list="bench-deciders")
def a_to_b_kib(kib: int) -> int:
    return int(size_of(produce_kib(kib)).result)
