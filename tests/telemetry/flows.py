"""A run with an activity, a timer and a child workflow, for the telemetry tests."""

from __future__ import annotations

import tempfile
from pathlib import Path

from swflow import Timer, activity_task, decision_task
from swflow.stores import LocalDataStore

DOMAIN = "telemetry"
STORE = LocalDataStore(Path(tempfile.gettempdir()) / "swflow-telemetry-store")  # out of band


@activity_task(swf_task_list="traced-steps", result_data_store=STORE)
def step(n: int) -> str:
    return "x" * 1000 * n


@decision_task(swf_task_list="traced-children")
def child(n: int) -> int:
    return len(step(n).result)


@decision_task(swf_task_list="traced")
def order(n: int) -> int:
    first = len(step(n).result)
    Timer.get(30).result  # the devserver skips the wait
    return first + child(n + 1).result
