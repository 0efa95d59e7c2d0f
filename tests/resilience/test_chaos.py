"""Fault injection: 50 workflows of mixed shapes on a devserver process (SQLite file),
served by 2 decider and 3 activity worker processes (`swflow decider` / `swflow
worker`), while a chaos loop kill -9's a random worker every couple of seconds and
starts a new one, and once kill -9's the devserver itself and restarts it on the same
file. Everything is then judged from the histories alone.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from swflow import WorkflowClient
from swflow.payloads import decode
from swflow.swf.connection import devserver_client
from swflow.workflow.decorators import CACHED_VALUE_MARKER

REPO = Path(__file__).resolve().parents[2]
DOMAIN = "chaos"
RUNS = 50
CHAOS_SEED = int(os.environ.get("SWFLOW_CHAOS_SEED", "7"))
STRESS = int(os.environ.get("SWFLOW_STRESS", "0"))  # CPU burner processes beside the test
STALL = 180  # seconds with no run closing: the chaos stalled them (progress, not a budget)
DEADLINE = 1800  # seconds for every run to close: a stuck test ends, a slow one does not
FAILED_DECISIONS = {
    "ScheduleActivityTaskFailed",
    "StartTimerFailed",
    "StartChildWorkflowExecutionFailed",
    "RecordMarkerFailed",
    "CompleteWorkflowExecutionFailed",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Cluster:
    """The devserver and the workers, each a real process, started and killed at will."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.env = dict(
            os.environ,
            CHAOS_ROOT=str(root),
            PYTHONPATH=str(REPO),
            SWF_DOMAIN=DOMAIN,
            AWS_ENDPOINT_URL_SWF=self.endpoint,
        )
        self.workers: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.server: subprocess.Popen[bytes] | None = None
        self.started = 0
        self.kills: Counter[str] = Counter()

    def _spawn(self, *args: str) -> subprocess.Popen[bytes]:
        self.started += 1
        log = open(self.root / f"{self.started:03d}-{args[0]}.log", "wb")  # noqa: SIM115
        command = [sys.executable, "-m", "swflow.cli", *args]
        return subprocess.Popen(command, cwd=REPO, env=self.env, stdout=log, stderr=log)

    def start_server(self) -> None:
        self.server = self._spawn(
            "devserver", "--port", str(self.port), "--db", str(self.root / "swf.db"),
            "--poll-timeout", "1",
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                assert time.monotonic() < deadline, "the devserver did not come up"
                time.sleep(0.05)

    def start_worker(self, kind: str) -> None:
        self.workers.append((kind, self._spawn(kind, "tests.resilience.flows")))

    def kill_random_worker(self, rng: random.Random) -> None:
        index = rng.randrange(len(self.workers))
        kind, process = self.workers.pop(index)
        process.send_signal(signal.SIGKILL)
        process.wait()
        self.kills[kind] += 1
        self.start_worker(kind)

    def restart_server(self) -> None:
        assert self.server is not None
        self.server.send_signal(signal.SIGKILL)
        self.server.wait()
        self.kills["devserver"] += 1
        self.start_server()

    def stop(self) -> None:
        for _, process in self.workers:
            process.kill()
        for _, process in self.workers:
            process.wait()
        if self.server is not None:
            self.server.terminate()
            self.server.wait(10)


@pytest.fixture
def burners() -> Iterator[int]:
    """SWFLOW_STRESS=N: N processes that burn CPU for the whole test (the machine
    oversubscribed, as a busy CI host is); none by default."""
    processes = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(STRESS)
    ]
    try:
        yield len(processes)
    finally:
        for process in processes:
            process.kill()
            process.wait()


@pytest.fixture
def cluster(tmp_path: Path, burners: int) -> Iterator[Cluster]:
    running = Cluster(tmp_path)
    running.start_server()
    for kind in ("decider", "decider", "worker", "worker", "worker"):
        running.start_worker(kind)
    try:
        yield running
    finally:
        running.stop()


def test_every_run_survives_killed_workers_and_a_devserver_restart(cluster: Cluster) -> None:
    from tests.resilience import flows

    client = WorkflowClient(DOMAIN, client=devserver_client(cluster.endpoint))
    runs = []
    for n in range(RUNS):
        shape = flows.SHAPES[n % len(flows.SHAPES)]
        runs.append((shape.definition.name, n, client.start(shape, n)))
    rng = random.Random(CHAOS_SEED)
    begin = progressed = time.monotonic()
    chaos, still_open = 0, len(runs)
    while open_now := len(client.list_open()):
        if open_now < still_open:
            still_open, progressed = open_now, time.monotonic()
        assert time.monotonic() - progressed < STALL, _report(cluster, client)
        assert time.monotonic() - begin < DEADLINE, _report(cluster, client)
        time.sleep(rng.uniform(0.5, 2.0))
        chaos += 1
        if chaos == 3:
            cluster.restart_server()  # kill -9 mid-flight; state comes back from the file
        else:
            cluster.kill_random_worker(rng)
    elapsed = time.monotonic() - begin
    summary = _judge(cluster, client, runs)
    summary.update(seconds=round(elapsed, 1), kills=dict(cluster.kills), stress=STRESS)
    print("\nchaos summary:", json.dumps(summary, sort_keys=True))
    assert cluster.kills["devserver"] == 1, "the run ended before the devserver restart"
    assert sum(cluster.kills.values()) >= 5


def _report(cluster: Cluster, client: WorkflowClient) -> str:
    still = [info.workflow_id for info in client.list_open()]
    tails = [p.read_text(errors="replace")[-1500:] for p in sorted(cluster.root.glob("*.log"))]
    return f"open, no run closing for {STALL} s: {still}\n" + "\n---\n".join(tails[-6:])


def _judge(cluster: Cluster, client: WorkflowClient, runs: list[Any]) -> dict[str, Any]:
    """Every assertion, from the histories; returns what the chaos did to them."""
    from tests.resilience import flows

    calls = Counter((cluster.root / "cached.log").read_text().split())
    totals: Counter[str] = Counter()
    for shape, n, handle in runs:
        result = handle.result(timeout=5)
        expected = flows.expected(shape, n)
        events = handle.history()  # each history read once, every check on it
        if shape == "chain":
            assert result["total"] == expected
            _check_cached(events, result["tokens"], calls, f"chain-{n}", totals)
        elif shape == "parent":
            assert result["own"] == expected["own"]
            assert result["child"]["total"] == expected["child"]
            child = _child_handle(client, events).history()
            _check_cached(child, result["child"]["tokens"], calls, f"chain-{n}", totals)
            _check_history(child, totals)
        else:
            assert result == expected, (shape, n)
        _check_history(events, totals)
    return dict(totals)


def _check_history(events: list[Any], totals: Counter[str]) -> None:
    """No decision applied twice, no activity result lost, one close."""
    kinds = Counter(e.event_type for e in events)
    assert not FAILED_DECISIONS & set(kinds), kinds
    closes = [k for k in kinds if k.startswith("WorkflowExecution") and k.endswith("Completed")]
    assert closes == ["WorkflowExecutionCompleted"] and kinds[closes[0]] == 1
    activity_ids = {
        e.event_id: e.attributes["activityId"]
        for e in events
        if e.event_type == "ActivityTaskScheduled"
    }
    scheduled = Counter(activity_ids.values())
    assert max(scheduled.values(), default=1) == 1, scheduled  # each attempt scheduled once
    sites = Counter(
        activity_ids[e.attributes["scheduledEventId"]].split(".")[0]
        for e in events
        if e.event_type == "ActivityTaskCompleted"
    )
    assert max(sites.values(), default=1) == 1, sites  # a completed result never redone
    by_id = {e.event_id: e for e in events}
    for kind in ("Decision", "Activity"):
        waits = [
            (e.timestamp - by_id[e.attributes["scheduledEventId"]].timestamp).total_seconds()
            for e in events
            if e.event_type == f"{kind}TaskStarted"
        ]
        key = f"longest {kind.lower()} task wait to start (s)"
        totals[key] = max(totals[key], round(max(waits, default=0), 1))
    totals["runs"] += 1
    totals["decision tasks timed out"] += kinds["DecisionTaskTimedOut"]
    totals["activity tasks timed out (retried)"] += kinds["ActivityTaskTimedOut"]
    totals["activities completed"] += kinds["ActivityTaskCompleted"]


def _check_cached(
    events: list[Any],
    used: list[str],
    calls: Counter[str],
    label: str,
    totals: Counter[str],
) -> None:
    """The values used are the ones first recorded; a re-run only after a lost decision."""
    markers = [
        e for e in events
        if e.event_type == "MarkerRecorded"
        and e.attributes["markerName"] == f"{CACHED_VALUE_MARKER}token"
    ]  # fmt: skip
    assert len(markers) == 2, "each cached call recorded exactly once"
    assert [decode(m.attributes["details"]) for m in markers] == used
    lost = sum(1 for e in events if e.event_type == "DecisionTaskTimedOut")
    for key in (label, f"{label}-end"):
        assert 1 <= calls[key] <= 1 + lost, (key, calls[key], lost)
        totals["cached re-runs after a lost decision"] += calls[key] - 1


def _child_handle(client: WorkflowClient, events: list[Any]) -> Any:
    (started,) = [e for e in events if e.event_type == "ChildWorkflowExecutionStarted"]
    execution = started.attributes["workflowExecution"]
    return client.handle(execution["workflowId"], execution["runId"])
