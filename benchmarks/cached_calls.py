"""A run making tens of thousands of ``@cached`` calls: linear, not quadratic.

    python3 -m uv run --all-extras python benchmarks/cached_calls.py [--calls 40000]

One decision task records at most 99 markers, so N cached calls take N / 99 tasks. A
sticky decider waits inside the call that found no room, so each task runs only the
new calls; were it replayed from the start, task k would replay k * 99 markers. The
devserver runs in its own process (time skipping, SQLite in memory) with its history
cap raised above the run: SWF itself caps a history at 25,000 events, and a run that
would pass it continues as new. This process is the decider: its CPU time is the
decider's. The figure to watch is CPU per task, early against late: flat = linear.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devserver import free_port  # benchmarks/devserver.py

from swflow import DistributedDecisionWorker, WorkflowClient, cached, decision_task
from swflow.swf import devserver_client


@cached
def reading(i: int) -> int:
    return i


@decision_task(swf_task_list="cached-calls", task_start_to_close_timeout=600)
def many(n: int) -> int:
    return sum(reading(i) for i in range(n))


def _server(port: int, event_limit: int) -> subprocess.Popen[bytes]:
    code = (
        "import threading, sys; from swflow.devserver import DevServer; "
        f"s = DevServer(port={port}, time_skipping=True, poll_timeout=1, "
        f"event_limit={event_limit}).start(); print('ready', flush=True); "
        "threading.Event().wait()"
    )
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.readline()
    return process


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=40_000)
    calls = parser.parse_args().calls
    port = free_port()
    server = _server(port, event_limit=calls * 2 + 10_000)
    try:
        swf = devserver_client(f"http://127.0.0.1:{port}")
        worker = DistributedDecisionWorker(many, domain="bench", client=swf)
        costs: list[float] = []
        decide = worker.decide

        def timed(domain: str, task: object) -> object:  # CPU of each decision, all threads
            begin = time.process_time()
            try:
                return decide(domain, task)  # type: ignore[arg-type]
            finally:
                costs.append(time.process_time() - begin)

        worker.decide = timed  # type: ignore[method-assign]
        threading.Thread(target=worker.start, kwargs={"block": False}, daemon=True).start()
        began_wall, began_cpu = time.monotonic(), time.process_time()
        handle = WorkflowClient("bench", client=swf).start(many, calls)
        assert handle.result(timeout=3600) == sum(range(calls))
        wall, cpu = time.monotonic() - began_wall, time.process_time() - began_cpu
        events = len(handle.history())
        worker.stop()
        tenth = max(1, len(costs) // 10)
        early, late = statistics.median(costs[:tenth]), statistics.median(costs[-tenth:])
        print(f"cached calls: {calls:,} in one run")
        print(f"decision tasks: {len(costs):,}   history events: {events:,}")
        print(f"wall: {wall:.1f} s   decider process CPU: {cpu:.1f} s")
        print(
            f"decider CPU per task, median: first tenth {early * 1e3:.2f} ms, "
            f"last tenth {late * 1e3:.2f} ms (x{late / early:.2f}; 1 = linear)"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
