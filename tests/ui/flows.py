"""Runs for the UI tests: one completes with a long result, one fails, one waits."""

from __future__ import annotations

import tempfile
from pathlib import Path

from swflow import Signal, activity_task, decision_task
from swflow.stores import LocalDataStore

DOMAIN = "ui"
STORE = LocalDataStore(Path(tempfile.gettempdir()) / "swflow-ui-store")
HOSTILE = "<script>alert('x')</script>"


@activity_task(swf_task_list="ui-steps", result_data_store=STORE)
def greet(name: str) -> str:
    return f"hello {name}! " * 60  # long: the page shows a preview and an expand link


@decision_task(swf_task_list="ui", tag_list=["greeting"])
def greeting(name: str) -> str:
    return greet(name).result


@decision_task(swf_task_list="ui")
def broken() -> None:
    raise ValueError(f"cannot go on {HOSTILE}")


@decision_task(swf_task_list="ui")
def waiting() -> str:
    return str(Signal.get("go").result)
