"""Workflows the CLI tests drive: quick ones, a failing one, one that waits for a signal."""

from __future__ import annotations

import os
import tempfile
from collections import Counter

from swflow import Signal, Timer, activity_task, cached, decision_task, patched
from swflow.serializers import MsgpackSerializer
from swflow.stores import LocalDataStore

STORE = LocalDataStore(
    os.environ.get("CLI_TEST_STORE") or os.path.join(tempfile.gettempdir(), "swflow-cli-tests")
)
ATTEMPTS: Counter[str] = Counter()


@activity_task(swf_task_list="cli-activities")
def greet(name: str) -> str:
    return f"hello {name}"


@activity_task(swf_task_list="cli-activities", max_attempts=2, backoff=1)
def flaky(key: str) -> str:
    ATTEMPTS[key] += 1
    if ATTEMPTS[key] == 1:
        raise RuntimeError(f"first attempt at {key} fails")
    return f"{key} done"


@activity_task(
    swf_task_list="cli-activities",
    result_data_serializer=MsgpackSerializer(),
    result_data_store=STORE,
)
def blob(size: int) -> bytes:
    return b"x" * size


@cached
def lucky_number() -> int:
    return 7


@decision_task(swf_task_list="cli-deciders", tag_list=["greeting"])
def hello(name: str) -> str:
    return greet(name).result


@decision_task(swf_task_list="cli-deciders", swf_workflow_type="hello")
def hello_changed(name: str) -> str:  # the same type, new code: a timer before the activity
    Timer.get(seconds=1).result
    return greet(name).result


@decision_task(swf_task_list="cli-deciders", swf_workflow_type="hello")
def hello_shouting(name: str) -> str:  # the same type, new code: an extra activity at the end
    greeting = greet(name).result
    return greet(greeting.upper()).result


@decision_task(swf_task_list="cli-deciders", swf_workflow_type="hello")
def hello_patched(name: str) -> str:  # hello_shouting's change, guarded: old runs replay
    greeting = greet(name).result
    if patched("shout"):
        return greet(greeting.upper()).result
    return greeting


@decision_task(swf_task_list="cli-deciders")
def doomed(reason: str) -> None:
    raise ValueError(reason)


@decision_task(swf_task_list="cli-deciders", execution_start_to_close_timeout=600)
def waiter() -> object:
    return Signal.get("go").result


@decision_task(
    swf_task_list="cli-deciders",
    result_data_serializer=MsgpackSerializer(),
    result_data_store=STORE,
)
def eventful(key: str) -> bytes:
    """Something of everything for the timeline: retries, a timer, a marker, a payload."""
    greeting = greet(key)
    retried = flaky(key)
    Timer.get(seconds=1).result
    lucky_number()
    assert greeting.result and retried.result
    return blob(50_000).result
