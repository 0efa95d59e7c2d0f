"""Replay benchmark: one decision on synthetic histories, swflow beside simpleflow 0.36.

    python3 -m uv run --all-extras python benchmarks/replay.py [--runs 5] [--no-simpleflow]

Both frameworks start from the raw JSON text of a PollForDecisionTask response (swflow
reads it as its decision worker reads a cold run's page: `parse_page` leaves the events
raw, and `decide` folds each as it is decoded (`decoded`); simpleflow's path is
botocore's, the standard library's json) and replay the same shape of history:
N sequential activities (6 events each: ~24,000 events for N = 4,000, near SWF's cap of
25,000) or N parallel ones, each history written in the framework's own ids and payload
formats. simpleflow runs from PyPI in its own virtual environment (.venv-simpleflow,
created on first use).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from swflow import activity_task, decision_task, wait_all
from swflow.replay import decide
from swflow.swf.decisions import CompleteWorkflowExecution
from swflow.worker.pages import page_events, parse_page

HERE = Path(__file__).resolve().parent
SIMPLEFLOW_ENV = HERE.parent / ".venv-simpleflow"
SIMPLEFLOW = "simpleflow==0.36.0"


@activity_task(swf_task_type="increment", swf_task_list="activities")
def increment(x: int) -> int:
    return x + 1


@decision_task(swf_workflow_type="seq")
def seq(n: int) -> int:
    x = 0
    for _ in range(n):
        x = increment(x).result
    return x


@decision_task(swf_workflow_type="par")
def par(n: int) -> int:
    return sum(wait_all(*[increment(i) for i in range(n)]).result)


class Dialect:
    """How one framework names activities and writes payloads."""

    def __init__(
        self,
        activity_id: Callable[[int], str],
        type_name: str,
        payload: Callable[[Any], str],
        workflow_input: Callable[[int], str],
    ) -> None:
        self.activity_id = activity_id
        self.type_name = type_name
        self.payload = payload
        self.workflow_input = workflow_input


def _envelope(text: str) -> str:
    return f"swflow/1 json inline {len(text)} -\n{text}"


SWFLOW = Dialect(
    lambda k: f"a{k}",
    "increment",
    lambda v: _envelope(json.dumps(v)),
    lambda n: _envelope(f"[{n}]"),
)
SIMPLEFLOW_DIALECT = Dialect(
    lambda k: f"activity-__main__.increment-{k}",
    "__main__.increment",
    lambda v: json.dumps(v, separators=(",", ":")),
    lambda n: json.dumps({"args": [n], "kwargs": {}}),
)


def poll_response(kind: str, n: int, dialect: Dialect, done: int | None = None) -> str:
    """PollForDecisionTask JSON: ``done`` (default n) of n activities done, the next
    decision task started."""
    done = n if done is None else done
    events: list[dict[str, Any]] = []

    def add(event_type: str, **attributes: Any) -> int:
        key = event_type[0].lower() + event_type[1:] + "EventAttributes"
        events.append(
            {
                "eventId": len(events) + 1,
                "eventType": event_type,
                "eventTimestamp": 1.7e9 + len(events),
                key: attributes,
            }
        )
        return len(events)

    def decision_task(complete: bool = True) -> int:
        scheduled = add(
            "DecisionTaskScheduled", taskList={"name": "decisions"}, startToCloseTimeout="60"
        )
        started = add("DecisionTaskStarted", scheduledEventId=scheduled, identity="bench")
        return (
            add("DecisionTaskCompleted", scheduledEventId=scheduled, startedEventId=started)
            if complete
            else started
        )

    def schedule(k: int, completed_by: int) -> int:
        return add(
            "ActivityTaskScheduled",
            activityId=dialect.activity_id(k),
            activityType={"name": dialect.type_name, "version": "1.0"},
            input=dialect.payload({"args": [k - 1], "kwargs": {}})
            if dialect is SIMPLEFLOW_DIALECT
            else _envelope(f"[{k - 1}]"),
            taskList={"name": "activities"},
            decisionTaskCompletedEventId=completed_by,
            startToCloseTimeout="300",
            scheduleToStartTimeout="300",
            scheduleToCloseTimeout="300",
            heartbeatTimeout="300",
        )

    def finish(k: int, scheduled: int) -> None:
        started = add("ActivityTaskStarted", scheduledEventId=scheduled, identity="worker")
        add(
            "ActivityTaskCompleted",
            scheduledEventId=scheduled,
            startedEventId=started,
            result=dialect.payload(k),
        )

    add(
        "WorkflowExecutionStarted",
        workflowType={"name": kind, "version": "1.0"},
        taskList={"name": "decisions"},
        childPolicy="TERMINATE",
        input=dialect.workflow_input(n),
        executionStartToCloseTimeout="3600",
        taskStartToCloseTimeout="60",
        parentInitiatedEventId=0,
    )
    completed = decision_task()
    if kind == "seq":
        if not done:
            decision_task(complete=False)
        for k in range(1, done + 1):
            finish(k, schedule(k, completed))
            completed = decision_task(complete=k < done)
    else:
        scheduled = [schedule(k, completed) for k in range(1, n + 1)]
        for k, event_id in enumerate(scheduled, start=1):
            finish(k, event_id)
        decision_task(complete=False)
    return json.dumps(
        {
            "taskToken": "bench-token",
            "startedEventId": len(events),
            "previousStartedEventId": 0,
            "events": events,
            "workflowExecution": {"workflowId": "w", "runId": "r"},
            "workflowType": {"name": kind, "version": "1.0"},
        }
    )


def swflow_once(text: str, workflow: Any) -> list[Any]:
    task = parse_page(text, lazy=True)
    return decide(page_events(task["events"]), workflow, workflow_id="w", run_id="r").decisions


def time_swflow(text: str, workflow: Any, runs: int) -> float:
    decisions = swflow_once(text, workflow)
    assert len(decisions) == 1 and isinstance(decisions[0], CompleteWorkflowExecution), decisions
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        swflow_once(text, workflow)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def simpleflow_python() -> Path:
    python = SIMPLEFLOW_ENV / "bin" / "python"
    if not python.exists():
        print(f"(installing {SIMPLEFLOW} into {SIMPLEFLOW_ENV.name} ...)", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(SIMPLEFLOW_ENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", SIMPLEFLOW], check=True)
    return python


def time_simpleflow(
    python: Path,
    text: str,
    kind: str,
    runs: int,
    *,
    parser: str = "json",
    expect: str = "CompleteWorkflowExecution",
) -> float:
    """simpleflow's median seconds for one decision on ``text`` (read by ``parser``)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
        file.write(text)
        file.flush()
        script = str(HERE / "_simpleflow_replay.py")
        done = subprocess.run(
            [str(python), script, file.name, kind, str(runs), parser],
            capture_output=True,
            text=True,
            check=True,
        )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["decisions"] == [expect], report
    return float(report["median"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-simpleflow", action="store_true")
    args = parser.parse_args()
    python = None if args.no_simpleflow else simpleflow_python()
    print(
        f"replay benchmark: one decision from raw PollForDecisionTask JSON, medians of "
        f"{args.runs} runs, Python {sys.version.split()[0]}"
    )
    rows = []
    cases = [("seq", 10), ("seq", 100), ("seq", 1000), ("seq", 3000), ("seq", 4000), ("par", 8000)]
    for kind, n in cases:
        workflow = seq if kind == "seq" else par
        ours_text = poll_response(kind, n, SWFLOW)
        events = len(json.loads(ours_text)["events"])
        ours = time_swflow(ours_text, workflow, args.runs)
        row = [f"{kind} N={n}", f"{events:,}", f"{ours * 1e3:,.1f}", f"{ours / events * 1e6:.2f}"]
        if python is not None:
            theirs = time_simpleflow(
                python, poll_response(kind, n, SIMPLEFLOW_DIALECT), kind, args.runs
            )
            row += [f"{theirs * 1e3:,.1f}", f"{theirs / ours:,.1f}x"]
        rows.append(row)
    header = ["history", "events", "swflow ms", "swflow us/event"]
    if python is not None:
        header += ["simpleflow 0.36 ms", "speedup"]
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)))
    per_event = [
        float(r[3]) for r in rows if r[0].startswith("seq") and int(r[1].replace(",", "")) >= 1000
    ]
    print(
        f"\nlinearity (seq, 1,000 to 24,000 events): us/event from {min(per_event):.2f} to "
        f"{max(per_event):.2f} ({max(per_event) / min(per_event) - 1:+.0%} spread; "
        "target within +-30%)"
    )


if __name__ == "__main__":
    main()
