"""Versioning running workflows: deploy new decider code over runs started under the old.

    python3 -m pip install -q uv && python3 -m uv run examples/versioning.py

An order workflow gains a step (a receipt after the charge). Runs already past the
charge when v2 is deployed must replay exactly as v1 ran them, or their histories
would no longer match; `patched("receipt")` answers False for those and True for
every run that reaches that point under v2 (the answer is recorded in a marker). The
script runs v1's worker, starts an order, deploys v2 in its place, starts another
order, and lets both finish. Step 3 of the migration (`deprecate_patch`) is in
docs/replay.md.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from swflow import (
    DistributedActivityWorker,
    DistributedDecisionWorker,
    Signal,
    WorkflowClient,
    activity_task,
    decision_task,
    patched,
)
from swflow.devserver import DevServer
from swflow.swf.connection import devserver_client

DONE: list[str] = []


@activity_task
def step(name: str) -> str:
    DONE.append(name)
    return name


@decision_task(swf_workflow_type="order")
def order_v1(order: str) -> str:
    step(f"charge {order}").result
    Signal.get("ship").result
    return str(step(f"ship {order}").result)


@decision_task(swf_workflow_type="order")  # the same type and version: new code
def order_v2(order: str) -> str:
    step(f"charge {order}").result
    if patched("receipt"):
        step(f"receipt {order}").result
    Signal.get("ship").result
    return str(step(f"ship {order}").result)


def _until(condition: Callable[[], bool]) -> None:
    while not condition():
        time.sleep(0.05)


if __name__ == "__main__":
    with DevServer(poll_timeout=1.0) as server:  # short long polls: a worker stops in 1 s
        swf = devserver_client(server.endpoint)
        client = WorkflowClient("examples", client=swf)
        activities = DistributedActivityWorker(step, domain="examples", client=swf)
        activities.start(block=False)
        v1 = DistributedDecisionWorker(order_v1, domain="examples", client=swf)
        v1.start(block=False)
        old = client.start(order_v1, "A")
        _until(
            lambda: len([e for e in old.history() if e.event_type == "DecisionTaskCompleted"]) >= 2
        )
        v1.stop(timeout=10)  # deploy: v1 goes, v2 comes, run A waits in SWF meanwhile
        v2 = DistributedDecisionWorker(order_v2, domain="examples", client=swf)
        v2.start(block=False)
        new = client.start(order_v2, "B")
        _until(lambda: "receipt B" in DONE)
        for run in (old, new):
            run.signal("ship")
            run.result(timeout=60)
        for order in "AB":
            print(f"order {order}: " + ", ".join(s for s in DONE if s.endswith(f" {order}")))
        v2.stop(timeout=10)
        activities.stop(timeout=10)
