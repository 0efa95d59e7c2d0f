"""The seed's example, run whole in this process on the embedded devserver.

    python3 -m pip install -q uv && python3 -m uv run examples/quickstart.py

The same functions run on Amazon SWF with the distributed workers:

    DistributedActivityWorker(activity_task_a).start()   # on any number of machines
    DistributedDecisionWorker(decider_a).start()
    WorkflowClient().start(decider_a).result()
"""

from __future__ import annotations

from swflow import LocalDecisionWorker, Timer, activity_task, cached, decision_task, now


@activity_task(swf_task_type="TestActivityA", swf_task_list="activity_a")
def activity_task_a(b: int) -> int:
    return b + b


@cached
def bonus() -> int:
    return 12  # imagine a database query: it runs once per call site per execution, ever


@decision_task(swf_workflow_type="TestWorkflow", swf_task_list="decider_a")
def decider_a() -> str:
    a1 = activity_task_a(5)  # scheduled...
    a2 = activity_task_a(10)  # ...in the same decision as a1
    Timer.get(seconds=3600).result  # a durable hour: skipped on the devserver's clock
    total = a1.result + a2.result + bonus()
    return f"{a1.result} + {a2.result} + bonus = {total}, on {now():%Y-%m-%d %H:%M} (virtual)"


if __name__ == "__main__":
    print(LocalDecisionWorker(decider_a).start())
