"""swflow end to end on the devserver, with real processes.

    python3 -m uv run --all-extras python benchmarks/end_to_end.py [--workflows 200]

1. Throughput: N workflows of S sequential activities, started at once; one decider
   process and two activity processes (8 threads each) against a devserver process.
2. Decider CPU per decision and activity-worker CPU per task: on (1), and over the life
   of one long sequential workflow whose history ends just under 1,000 events
   (targets: <= 1.5 ms each). CPU is read from /proc between a warm-up run and the
   last result, as `peer_end_to_end.py` does; a decider's start-up (imports, clients,
   registration, its first task) is printed on its own.
3. Decider memory while 100 MB moves from activity A to activity B through a local
   store: peak RSS of a decider process that ran it, minus one that moved 1 MB
   (target: < 5 MB).

The same shapes beside simpleflow's real workers: `peer_end_to_end.py`.
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
from pathlib import Path
from typing import Any

from _process_tree import tree_cpu
from devserver import devserver  # benchmarks/devserver.py: the server in its own process

HERE = Path(__file__).resolve().parent


def _worker(kind: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(HERE / "_e2e_worker.py"), kind],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _stop(process: subprocess.Popen[str]) -> dict[str, Any]:
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=60)
    return dict(json.loads(out.strip().splitlines()[-1]))


def _decisions(client: Any, handles: list[Any]) -> tuple[int, int]:
    """Decision tasks completed, and the longest history, over ``handles``' runs."""
    total = longest = 0
    for handle in handles:
        events = handle.history()
        total += sum(1 for e in events if e.event_type == "DecisionTaskCompleted")
        longest = max(longest, len(events))
    return total, longest


def _measured(
    client: Any, flows: Any, activity_processes: int, steps: int, workflows: int
) -> dict[str, Any]:
    """Run ``workflows`` chains of ``steps`` after a warm-up run; CPU from the processes'
    /proc times between the two, so start-up (imports, clients, the first task) is
    reported on its own instead of spread over the decisions."""
    decider = _worker("deciders")
    activities = [_worker("activities") for _ in range(activity_processes)]
    client.start(flows.chain, 1).result(timeout=60)  # warm: imports, registration, caches
    start_up = tree_cpu(decider.pid)
    before = [tree_cpu(p.pid) for p in [decider, *activities]]
    started = time.perf_counter()
    handles = [client.start(flows.chain, steps) for _ in range(workflows)]
    for handle in handles:
        assert handle.result(timeout=600) == steps
    elapsed = time.perf_counter() - started
    after = [tree_cpu(p.pid) for p in [decider, *activities]]
    for process in [decider, *activities]:
        _stop(process)
    decisions, longest = _decisions(client, handles)
    return {
        "workflows/s": workflows / elapsed,
        "activity tasks/s": workflows * steps / elapsed,
        "decider ms/decision": 1000 * (after[0] - before[0]) / decisions,
        "activity ms/task": 1000 * (sum(after[1:]) - sum(before[1:])) / (workflows * steps),
        "longest history": longest,
        "decider start-up ms": 1000 * start_up,
    }


def _peak_rss_moving(client: Any, flows: Any, megabytes: int) -> float:
    decider = _worker("deciders")
    activities = _worker("activities")
    assert client.start(flows.a_to_b, megabytes).result(timeout=600) == megabytes * flows.MB
    peak = _stop(decider)["max_rss_kib"] / 1024
    _stop(activities)
    return float(peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workflows", type=int, default=200)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--long-steps", type=int, default=160)
    parser.add_argument("--runs", type=int, default=3, help="memory runs (median)")
    options = parser.parse_args()
    root = tempfile.mkdtemp(prefix="swflow-bench-")
    os.environ.update(BENCH_ROOT=root, SWF_DOMAIN="bench", PYTHONPATH=str(HERE))
    sys.path.insert(0, str(HERE))
    import _e2e_flows as flows

    from swflow import WorkflowClient

    with devserver("2") as (endpoint, _):
        os.environ["AWS_ENDPOINT_URL_SWF"] = endpoint  # for this client and the workers
        client = WorkflowClient()
        print(
            f"swflow end to end on the devserver: Python {platform.python_version()}, "
            f"{os.cpu_count()} cores; devserver, 1 decider and 2 activity processes\n"
        )
        run = _measured(client, flows, 2, options.steps, options.workflows)
        print(f"1. {options.workflows} workflows x {options.steps} sequential activities")
        for key, value in run.items():
            print(
                f"   {key:<22} {value:,.2f}"
                if isinstance(value, float)
                else f"   {key:<22} {value}"
            )
        long = _measured(client, flows, 1, options.long_steps, 1)
        print(
            f"\n2. one workflow of {options.long_steps} sequential activities (targets <= 1.5 ms)"
        )
        for key in ("decider ms/decision", "activity ms/task"):
            met = "yes" if long[key] <= 1.5 else "NO"
            print(f"   {key:<22} {long[key]:.2f}  (met: {met})")
        print(f"   history at the end     {long['longest history']} events")
        print(f"   decider start-up ms    {long['decider start-up ms']:,.0f}  (once per process)")
        small = [_peak_rss_moving(client, flows, 1) for _ in range(options.runs)]
        large = [_peak_rss_moving(client, flows, 100) for _ in range(options.runs)]
        growth = statistics.median(large) - statistics.median(small)
        print("\n3. decider peak RSS, medians of", options.runs, "(target: 100 MB adds < 5 MB)")
        print(f"   moving 1 MB A->B       {statistics.median(small):.1f} MB")
        print(f"   moving 100 MB A->B     {statistics.median(large):.1f} MB")
        print(f"   growth                 {growth:+.1f} MB  (met: {'yes' if growth < 5 else 'NO'})")


if __name__ == "__main__":
    main()
