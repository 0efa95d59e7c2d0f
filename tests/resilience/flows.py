"""Workflows of every shape the chaos test runs, served by `swflow worker`/`decider`.

``CHAOS_ROOT`` (set by the test before the workers start) holds the local payload
store and ``cached.log``, where each real run of a ``@cached`` function appends a line:
the evidence for how often a side effect happened.
"""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from pathlib import Path
from typing import Any

from swflow import Timer, activity_task, cached, decision_task, wait_all
from swflow.serializers import MsgpackSerializer
from swflow.stores import LocalDataStore

DECIDERS, ACTIVITIES = "chaos-deciders", "chaos-activities"
ROOT = Path(os.environ.get("CHAOS_ROOT", "/tmp/swflow-chaos"))
DISK = LocalDataStore(ROOT / "store")

# Killed workers' tasks time out quickly and are tried again.
TASK = {"start_to_close_timeout": 3, "max_attempts": 20, "swf_task_list": ACTIVITIES}
DECIDE = {"task_start_to_close_timeout": 3, "swf_task_list": DECIDERS}


WORK = 0.4  # seconds each activity works: long enough to be killed in the middle


@activity_task(**TASK)
def square(x: int) -> int:
    time.sleep(WORK)
    return x * x


@activity_task(**TASK)
def add(a: int, b: int) -> int:
    time.sleep(WORK)
    return a + b


@activity_task(**TASK, result_data_serializer=MsgpackSerializer(), result_data_store=DISK)
def blob(seed: int) -> bytes:
    return hashlib.sha256(str(seed).encode()).digest() * 8192  # 256 KiB, by reference


@activity_task(**TASK)
def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@cached
def token(label: str) -> str:
    """A side effect: a fresh value every time it really runs, and a line in the log."""
    with open(ROOT / "cached.log", "a") as log:
        log.write(f"{label}\n")
    return uuid.uuid4().hex


@decision_task(**DECIDE)
def fan_out(i: int) -> int:
    return sum(wait_all(*[square(i + k) for k in range(4)]).result)


STEPS = 8


@decision_task(**DECIDE)
def chain(i: int) -> dict[str, Any]:
    first = token(f"chain-{i}")
    total = 0
    for k in range(STEPS):
        total = add(total, i + k).result
    return {"total": total, "tokens": [first, token(f"chain-{i}-end")]}


@decision_task(**DECIDE)
def timed(i: int) -> int:
    Timer.get(seconds=3).result
    return square(i).result + 1


@decision_task(**DECIDE)
def parent(i: int) -> dict[str, Any]:
    child = chain(i)  # a child workflow
    own = square(i)
    return {"child": child.result, "own": own.result}


@decision_task(**DECIDE)
def large(i: int) -> str:
    data = blob(i)
    return str(digest(data).result)  # the blob goes from activity to activity unread


SHAPES = [fan_out, chain, timed, parent, large]


def expected(shape: str, i: int) -> Any:
    """What a run of ``shape`` with ``i`` must return (tokens checked elsewhere)."""
    chain_total = sum(i + k for k in range(STEPS))
    return {
        "fan_out": sum((i + k) ** 2 for k in range(4)),
        "chain": chain_total,
        "timed": i * i + 1,
        "parent": {"child": chain_total, "own": i * i},
        "large": hashlib.sha256(hashlib.sha256(str(i).encode()).digest() * 8192).hexdigest(),
    }[shape]
