"""Signals: a workflow that waits for the outside world (here, a manager's approval).

    python3 -m pip install -q uv && python3 -m uv run examples/signals.py

`Signal.get(name)` is a promise of the next signal of that name; combined with a
`Timer` in `first_completed`, it becomes "wait for approval, at most a day". The
script starts the run on an embedded devserver, sends the signals from outside the
way `swflow signal` or `WorkflowHandle.signal` would, and prints the outcome.
"""

from __future__ import annotations

from swflow import LocalEnvironment, Signal, Timer, activity_task, decision_task, first_completed


@activity_task
def place_order(item: str, quantity: int) -> str:
    return f"ordered {quantity} x {item}"


@decision_task
def purchase(item: str) -> str:
    quantity = Signal.get("quantity")  # the n-th Signal.get(name) is the n-th signal
    approval = Signal.get("approval")
    deadline = Timer.get(seconds=24 * 3600)
    if first_completed(approval, deadline).result is deadline:
        return f"no approval for {item} within a day"
    if not approval.result["approved"]:
        return f"{item} rejected by {approval.result['by']}"
    return place_order(item, quantity.result).result


if __name__ == "__main__":
    # Time skips only while we wait for the result: the signals land first.
    with LocalEnvironment() as local:
        run = local.start(purchase, "laptop")
        run.signal("quantity", 3)
        run.signal("approval", {"approved": True, "by": "grace"})
        print(run.result(timeout=60))
