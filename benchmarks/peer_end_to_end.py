"""The whole system beside simpleflow 0.36's real workers, on one devserver.

    python3 -m uv run --all-extras python benchmarks/peer_end_to_end.py [--rounds 3]

The same shapes (200 runs of a 5-step chain, 50 runs of a 20-way fan-out, one 150-step
chain of trivial activities) run by simpleflow's own processes (`simpleflow
decider.start`, `simpleflow worker.start`, from PyPI into .venv-simpleflow) and by
swflow's workers, against one devserver process (real clock, SQLite file). Each side has
1 decider and 2 activity processes (simpleflow forks a child per task; swflow's activity
processes run 8 threads each). Rounds interleave the sides. Each run's result is
checked before its round counts. CPU is per process tree (`_process_tree.py`), from
after a warm-up run to the last close: decider ms per decision task completed, and
activity-worker ms per activity task. Medians over rounds; the ratio is simpleflow's
figure over swflow's (throughput: swflow's over simpleflow's).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _process_tree import tree_cpu  # noqa: E402
from devserver import client, devserver  # noqa: E402
from replay import simpleflow_python  # noqa: E402

DOMAIN = "bench"
# simpleflow's side serves the workflows of _simpleflow_replay.py (Seq, Par) and its lists
SF_DECISIONS, SF_ACTIVITIES = "decisions", "activities"
SF_TYPES = {"chain": "seq", "fanout": "par"}


@dataclass(frozen=True)
class Shape:
    label: str
    workflow: str  # "chain" or "fanout"
    size: int  # steps, or branches
    runs: int

    def expected(self) -> int:
        return self.size if self.workflow == "chain" else sum(range(1, self.size + 1))


class Workers:
    """One side's decider and activity processes, each under `_process_tree.py`."""

    def __init__(self, decider: list[str], activities: list[list[str]], env: dict[str, str]):
        wrap = [sys.executable, str(HERE / "_process_tree.py")]
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.decider = subprocess.Popen([*wrap, *decider], env=env, **quiet)
        self.activities = [
            subprocess.Popen([*wrap, *command], env=env, **quiet) for command in activities
        ]

    def cpu(self) -> tuple[float, float]:
        return tree_cpu(self.decider.pid), sum(tree_cpu(p.pid) for p in self.activities)

    def stop(self) -> None:
        for process in [self.decider, *self.activities]:
            process.send_signal(signal.SIGTERM)
        for process in [self.decider, *self.activities]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


class Side:
    name: str
    workers: Workers

    def start(self, shape: Shape, size: int) -> tuple[str, str]:
        raise NotImplementedError

    def result(self, workflow_id: str, run_id: str) -> Any:
        raise NotImplementedError


class Swflow(Side):
    name = "swflow"

    def __init__(self, env: dict[str, str]) -> None:
        import _e2e_flows as flows

        from swflow import WorkflowClient

        self.flows, self.client = flows, WorkflowClient(DOMAIN)
        worker = [sys.executable, str(HERE / "_e2e_worker.py")]
        self.workers = Workers([*worker, "deciders"], [[*worker, "activities"]] * 2, env)

    def start(self, shape: Shape, size: int) -> tuple[str, str]:
        handle = self.client.start(getattr(self.flows, shape.workflow), size)
        return handle.workflow_id, handle.run_id

    def result(self, workflow_id: str, run_id: str) -> Any:
        return self.client.handle(workflow_id, run_id).result(timeout=60)


class Simpleflow(Side):
    name = "simpleflow"

    def __init__(self, env: dict[str, str], swf: Any) -> None:
        self.swf = swf
        for name in SF_TYPES.values():
            _register(swf.register_workflow_type, name=name, version="1.0")
        _register(swf.register_activity_type, name="_simpleflow_replay.increment", version="1.0")
        binary = str(simpleflow_python().parent / "simpleflow")
        common = ["--domain", DOMAIN, "--log-level", "WARNING", "--nb-processes", "1"]
        flows = ["_simpleflow_replay.Seq", "_simpleflow_replay.Par"]
        self.workers = Workers(
            [binary, "decider.start", *common, "--task-list", SF_DECISIONS, *flows],
            [[binary, "worker.start", *common, "--task-list", SF_ACTIVITIES]] * 2,
            env,
        )

    def start(self, shape: Shape, size: int) -> tuple[str, str]:
        workflow_id = f"sf-{shape.workflow}-{time.monotonic_ns()}"
        run_id: str = self.swf.start_workflow_execution(
            domain=DOMAIN,
            workflowId=workflow_id,
            workflowType={"name": SF_TYPES[shape.workflow], "version": "1.0"},
            taskList={"name": SF_DECISIONS},
            input=json.dumps({"args": [size], "kwargs": {}}),
            executionStartToCloseTimeout="3600",
            taskStartToCloseTimeout="300",
            childPolicy="TERMINATE",
        )["runId"]
        return workflow_id, run_id

    def result(self, workflow_id: str, run_id: str) -> Any:
        close = _history(self.swf, workflow_id, run_id)[-1]
        assert close["eventType"] == "WorkflowExecutionCompleted", close
        return json.loads(close["workflowExecutionCompletedEventAttributes"]["result"])


def _register(action: Callable[..., Any], **names: str) -> None:
    try:
        action(
            domain=DOMAIN,
            defaultTaskStartToCloseTimeout="300",
            **({"defaultChildPolicy": "TERMINATE"} if "workflow" in action.__name__ else {}),
            **names,
        )
    except Exception as error:  # registered by an earlier run of the benchmark
        if "TypeAlreadyExists" not in repr(error):
            raise


def _history(swf: Any, workflow_id: str, run_id: str) -> list[dict[str, Any]]:
    pages = swf.get_paginator("get_workflow_execution_history").paginate(
        domain=DOMAIN, execution={"workflowId": workflow_id, "runId": run_id}
    )
    return [event for page in pages for event in page["events"]]


def _wait_closed(swf: Any, since: float) -> None:
    while swf.count_open_workflow_executions(domain=DOMAIN, startTimeFilter={"oldestDate": since})[
        "count"
    ]:
        time.sleep(0.02)


def measure(side: Side, shape: Shape, swf: Any, devserver_pid: int) -> dict[str, float]:
    """One round of ``shape`` on ``side``: its figures, after checking every result."""
    since = time.time() - 1
    decider_before, activities_before = side.workers.cpu()
    server_before = tree_cpu(devserver_pid)
    began = time.perf_counter()
    runs = [side.start(shape, shape.size) for _ in range(shape.runs)]
    _wait_closed(swf, since)
    elapsed = time.perf_counter() - began
    decider_after, activities_after = side.workers.cpu()
    server = tree_cpu(devserver_pid) - server_before
    decisions = 0
    for workflow_id, run_id in runs:
        got = side.result(workflow_id, run_id)
        assert got == shape.expected(), f"{side.name} {shape.label}: {got!r}"
        decisions += sum(
            e["eventType"] == "DecisionTaskCompleted" for e in _history(swf, workflow_id, run_id)
        )
    tasks = shape.runs * shape.size
    return {
        "workflows/s": shape.runs / elapsed,
        "activity tasks/s": tasks / elapsed,
        "decider ms/decision": 1000 * (decider_after - decider_before) / decisions,
        "activity ms/task": 1000 * (activities_after - activities_before) / tasks,
        "devserver CPU s": server,
    }


def warm(side: Side, swf: Any) -> None:
    """One small run of each shape: imports, connections and registrations are done."""
    since = time.time() - 1
    for workflow in ("chain", "fanout"):
        shape = Shape("warm-up", workflow, 2, 1)
        workflow_id, run_id = side.start(shape, 2)
        _wait_closed(swf, since)
        assert side.result(workflow_id, run_id) == shape.expected()


@contextmanager
def environment(root: str, endpoint: str) -> Iterator[dict[str, str]]:
    saved = dict(os.environ)
    os.environ.update(
        AWS_ENDPOINT_URL_SWF=endpoint,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        SWF_DOMAIN=DOMAIN,
        BENCH_ROOT=root,
        PYTHONPATH=str(HERE),
    )
    try:
        yield dict(os.environ)
    finally:
        os.environ.clear()
        os.environ.update(saved)


COLUMNS = ["workflows/s", "activity tasks/s", "decider ms/decision", "activity ms/task"]


def report(shape: Shape, rounds: dict[str, list[dict[str, float]]]) -> tuple[float, float]:
    medians = {
        side: {key: statistics.median(r[key] for r in results) for key in results[0]}
        for side, results in rounds.items()
    }
    print(f"\n{shape.label} ({len(rounds['swflow'])} rounds, medians)")
    print(f"  {'':<12}" + "".join(f"{c:>21}" for c in [*COLUMNS, "devserver CPU s"]))
    for side, figures in medians.items():
        cells = "".join(f"{figures[c]:>21,.2f}" for c in [*COLUMNS, "devserver CPU s"])
        print(f"  {side:<12}{cells}")
    ours, theirs = medians["swflow"], medians["simpleflow"]
    ratios = [ours[c] / theirs[c] if c.endswith("/s") else theirs[c] / ours[c] for c in COLUMNS]
    print(f"  {'ratio':<12}" + "".join(f"{r:>20.1f}x" for r in ratios))
    return ratios[0], ratios[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0, help="runs per shape x this")
    options = parser.parse_args()
    shapes = [
        Shape(
            f"{max(1, round(200 * options.scale))} runs of a 5-step chain",
            "chain",
            5,
            max(1, round(200 * options.scale)),
        ),
        Shape(
            f"{max(1, round(50 * options.scale))} runs of a 20-way fan-out",
            "fanout",
            20,
            max(1, round(50 * options.scale)),
        ),
        Shape("1 run of a 150-step chain", "chain", 150, 1),
    ]
    simpleflow_python()  # installed before anything is timed
    root = tempfile.mkdtemp(prefix="swflow-peer-")
    print(
        f"swflow beside simpleflow 0.36, whole systems on one devserver: Python "
        f"{platform.python_version()}, {os.cpu_count()} cores; 1 decider and 2 activity "
        f"processes a side; rounds interleaved"
    )
    database = str(Path(root) / "swf.db")
    with devserver("2", db=database) as (endpoint, pid), environment(root, endpoint) as env:
        swf = client(endpoint)
        swf.register_domain(name=DOMAIN, workflowExecutionRetentionPeriodInDays="1")
        sides: list[Side] = [Swflow(env), Simpleflow(env, swf)]
        try:
            for side in sides:
                warm(side, swf)
            worst = [float("inf"), float("inf")]
            for shape in shapes:
                rounds: dict[str, list[dict[str, float]]] = {"swflow": [], "simpleflow": []}
                for n in range(options.rounds):
                    for side in sides if n % 2 == 0 else sides[::-1]:
                        rounds[side.name].append(measure(side, shape, swf, pid))
                throughput, decider = report(shape, rounds)
                worst = [min(worst[0], throughput), min(worst[1], decider)]
        finally:
            for side in sides:
                side.workers.stop()
    met = "met" if worst[0] >= 5 and worst[1] >= 10 else "NOT met"
    print(
        f"\npeer ratio: throughput {worst[0]:.1f}x, decider CPU {worst[1]:.1f}x "
        f"(worst shape; targets >= 5x and >= 10x: {met})"
    )


if __name__ == "__main__":
    main()
