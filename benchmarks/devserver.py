"""Devserver benchmark, side by side with moto's server in the same run.

    python3 -m uv run --all-extras python benchmarks/devserver.py [--runs 5] [--quick]

Both servers run in their own processes on 127.0.0.1 and are driven by the same boto3
code: decision round trips per second (poll + respond), GetWorkflowExecutionHistory
latency for 100 / 1,000 / 10,000-event histories, the CPU an idle long poll costs the
devserver, what 1,000 parked long polls cost it (threads, memory, CPU), and devserver
latency as closed workflows accumulate (100 -> 10,000); and the devserver alone under 1, 4
and 8 client processes sharing a task list: round trips/s and p99 latency, with boto3
clients, then with swflow's decision worker client (its `DirectLane` and raw pages,
~0.4 ms of client CPU a round trip against boto3's ~2.5 ms, so the server's own share
shows).
"""

from __future__ import annotations

import argparse
import functools
import itertools
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import boto3
from botocore.config import Config

from benchmarks._moto import free_port, moto_server
from swflow.swf.connection import devserver_client
from swflow.worker.raw_pages import RawPolls
from swflow.worker.task_pages import FIRST_PAGE

DOMAIN = "bench"
_PROBES = itertools.count()  # unique probe workflow ids


@contextmanager
def devserver(poll_timeout: str = "1", db: str = ":memory:") -> Iterator[tuple[str, int]]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "swflow.devserver",
            "--port",
            str(port),
            "--db",
            db,
            "--poll-timeout",
            poll_timeout,
            "--no-ui",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    process.stdout.readline()
    try:
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)


def client(endpoint: str) -> Any:
    return boto3.client(
        "swf",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(read_timeout=70, retries={"max_attempts": 0}),
    )


def setup(swf: Any) -> None:
    swf.register_domain(name=DOMAIN, workflowExecutionRetentionPeriodInDays="1")
    swf.register_workflow_type(
        domain=DOMAIN,
        name="wf",
        version="1",
        defaultTaskList={"name": "decisions"},
        defaultExecutionStartToCloseTimeout="86400",
        defaultTaskStartToCloseTimeout="300",
        defaultChildPolicy="TERMINATE",
    )


def start(swf: Any, workflow_id: str, task_list: str = "decisions") -> str:
    run_id: str = swf.start_workflow_execution(
        domain=DOMAIN,
        workflowId=workflow_id,
        workflowType={"name": "wf", "version": "1"},
        taskList={"name": task_list},
        executionStartToCloseTimeout="86400",
        taskStartToCloseTimeout="300",
        childPolicy="TERMINATE",
    )["runId"]
    return run_id


def round_trips_per_second(swf: Any, count: int, tag: str) -> float:
    """Poll + respond (completing the run) for ``count`` waiting decision tasks."""
    for n in range(count):
        start(swf, f"{tag}-{n}")
    began = time.perf_counter()
    for _ in range(count):
        task = swf.poll_for_decision_task(domain=DOMAIN, taskList={"name": "decisions"})
        swf.respond_decision_task_completed(
            taskToken=task["taskToken"],
            decisions=[
                {
                    "decisionType": "CompleteWorkflowExecution",
                    "completeWorkflowExecutionDecisionAttributes": {"result": "ok"},
                }
            ],
        )
    return count / (time.perf_counter() - began)


def _client_process(
    endpoint: str, task_list: str, trips: int, go: Any, out: Any, *, lean: bool
) -> None:
    """One client process of `many_clients`: ``trips`` poll + respond, each timed; by
    boto3, or (``lean``) as swflow's decision worker calls (its client's `DirectLane`,
    the poll's page read raw by `RawPolls`)."""
    swf = devserver_client(endpoint) if lean else client(endpoint)
    params = {"domain": DOMAIN, "taskList": {"name": task_list}}
    poll = swf.poll_for_decision_task
    if lean:
        params.update(identity="bench", maximumPageSize=FIRST_PAGE, reverseOrder=True)
        poll = functools.partial(RawPolls(swf).poll, lazy=True)
    swf.describe_domain(name=DOMAIN)  # connected before the clock starts
    out.put(None)
    go.wait()
    latencies = []
    cpu = time.process_time()
    for _ in range(trips):
        began = time.perf_counter()
        task = poll(**params)
        swf.respond_decision_task_completed(taskToken=task["taskToken"], decisions=[COMPLETE])
        latencies.append(time.perf_counter() - began)
    out.put((latencies, time.process_time() - cpu))


COMPLETE = {
    "decisionType": "CompleteWorkflowExecution",
    "completeWorkflowExecutionDecisionAttributes": {"result": "ok"},
}


class Many(NamedTuple):
    rate: float  # decision round trips/s
    p99: float  # seconds per round trip
    client_cpu: float  # CPU seconds per round trip: all client processes
    server_cpu: float  # and the devserver


def many_clients(endpoint: str, pid: int, clients: int, trips: int, *, lean: bool) -> Many:
    """Decision round trips/s, p99 round-trip seconds and CPU per round trip, ``clients``
    processes sharing one task list, ``trips`` round trips in all (clients as in
    `_client_process`)."""
    import multiprocessing

    swf, task_list = client(endpoint), f"many-{clients}-{'lean' if lean else 'boto3'}"
    for n in range(trips):
        start(swf, f"{task_list}-{n}", task_list)
    context = multiprocessing.get_context("spawn")
    go, out = context.Event(), context.Queue()
    processes = [
        context.Process(
            target=_client_process,
            args=(endpoint, task_list, trips // clients, go, out),
            kwargs={"lean": lean},
        )
        for _ in range(clients)
    ]
    for process in processes:
        process.start()
    for _ in processes:  # every process has imported boto3 and connected
        assert out.get(timeout=120) is None
    began, server = time.perf_counter(), cpu_seconds(pid)
    go.set()
    answers = [out.get(timeout=600) for _ in processes]
    elapsed, server = time.perf_counter() - began, cpu_seconds(pid) - server
    for process in processes:
        process.join()
    latencies = sorted(x for times, _ in answers for x in times)
    done = len(latencies)
    return Many(
        done / elapsed,
        latencies[int(0.99 * (done - 1))],
        sum(cpu for _, cpu in answers) / done,
        server / done,
    )


def scaling(endpoint: str, pid: int, trips: int, *, lean: bool) -> None:
    """`many_clients` with 1, 4 and 8 processes, and how the rate scales."""
    kind = "swflow DirectLane" if lean else "boto3"
    many = {n: many_clients(endpoint, pid, n, trips, lean=lean) for n in (1, 4, 8)}
    for n, figures in many.items():
        print(
            f"devserver, {n} {kind} client process{'es' if n > 1 else ''}: "
            f"{figures.rate:,.0f} decision round trips/s, p99 {figures.p99 * 1e3:.1f} ms; "
            f"CPU per round trip {figures.client_cpu * 1e3:.2f} ms client, "
            f"{figures.server_cpu * 1e3:.2f} ms devserver",
            flush=True,
        )
    scale = many[8].rate / many[1].rate
    met = "met" if scale >= 2 else "NOT met"
    # With every core busy, no more round trips fit than the cores divided by the CPU
    # each one takes (clients and server, as measured with 8 clients); and the server,
    # one event loop, serves at most one core's worth.
    cores = os.cpu_count() or 1
    eight = many[8]
    ceiling = min(cores / (eight.client_cpu + eight.server_cpu), 1 / eight.server_cpu)
    print(
        f"{kind}, 8 clients / 1 client: {scale:.2f}x (target >= 2x: {met}); the most "
        f"{cores} cores and one server loop allow at that CPU per round trip: "
        f"{ceiling / many[1].rate:.2f}x",
        flush=True,
    )


def history_latency(swf: Any, events: int, runs: int, tag: str, budget: float) -> float | None:
    """Median seconds to fetch a whole ``events``-event history (all pages).

    None when building the history takes longer than ``budget`` seconds.
    """
    workflow_id = f"{tag}-history-{events}"
    run_id = start(swf, workflow_id)
    began = time.monotonic()
    for n in range(events - 2):  # started + decision scheduled are the first two
        if time.monotonic() - began > budget:
            return None
        swf.signal_workflow_execution(
            domain=DOMAIN, workflowId=workflow_id, signalName=f"s{n}", input="x"
        )  # moto crashes on a signal without input
    paginator = swf.get_paginator("get_workflow_execution_history")

    def fetch() -> int:
        pages = paginator.paginate(
            domain=DOMAIN, execution={"workflowId": workflow_id, "runId": run_id}
        )
        return sum(len(page["events"]) for page in pages)

    assert fetch() >= events
    return median(fetch, runs)


def median(action: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, in clock ticks


def idle_cpu_percent(endpoint: str, pid: int, seconds: float = 5.0) -> float:
    swf = client(endpoint)
    before, began = cpu_seconds(pid), time.monotonic()
    while time.monotonic() - began < seconds:
        swf.poll_for_activity_task(domain=DOMAIN, taskList={"name": "idle"})
    return 100 * (cpu_seconds(pid) - before) / (time.monotonic() - began)


def _status(pid: int, field: str) -> int:
    line = next(
        x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith(field)
    )
    return int(line.split()[1])


def parked_polls(count: int, seconds: float = 5.0) -> tuple[int, int, float, float, float]:
    """``count`` raw long polls parked on a fresh devserver (60 s poll timeout).

    Returns threads and RSS (MiB) idle, then with the polls parked, and the server's CPU %
    while they wait.
    """
    import json
    import socket

    body = json.dumps({"domain": DOMAIN, "taskList": {"name": "parked"}}).encode()
    request = (
        b"POST / HTTP/1.1\r\nHost: bench\r\nX-Amz-Target: "
        b"SimpleWorkflowService.PollForActivityTask\r\nContent-Length: %d\r\n\r\n" % len(body)
    ) + body
    with devserver("60") as (endpoint, pid):
        setup(client(endpoint))
        threads, rss = _status(pid, "Threads:"), _status(pid, "VmRSS:") / 1024
        host, port = endpoint.removeprefix("http://").split(":")
        sockets = []
        try:
            for _ in range(count):
                sock = socket.create_connection((host, int(port)))
                sock.sendall(request)
                sockets.append(sock)
            time.sleep(1.0)  # let every request reach its wait
            parked_threads = _status(pid, "Threads:")
            parked_rss = _status(pid, "VmRSS:") / 1024
            before, began = cpu_seconds(pid), time.monotonic()
            time.sleep(seconds)
            cpu = 100 * (cpu_seconds(pid) - before) / (time.monotonic() - began)
        finally:
            for sock in sockets:
                sock.close()
    return threads, parked_threads, rss, parked_rss, cpu


def latency_as_runs_accumulate(swf: Any, checkpoints: list[int], runs: int) -> list[float]:
    """Median start+describe latency after 100, ... closed workflows."""
    results, closed = [], 0
    for target in checkpoints:
        while closed < target:
            start(swf, f"acc-{closed}")
            swf.terminate_workflow_execution(domain=DOMAIN, workflowId=f"acc-{closed}")
            closed += 1

        def probe() -> None:
            workflow_id = f"probe-{next(_PROBES)}"
            run_id = start(swf, workflow_id)
            swf.describe_workflow_execution(
                domain=DOMAIN, execution={"workflowId": workflow_id, "runId": run_id}
            )
            swf.terminate_workflow_execution(domain=DOMAIN, workflowId=workflow_id)

        results.append(median(probe, runs * 4))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args()
    sizes = [100, 1000] if args.quick else [100, 1000, 10_000]
    trips = 100 if args.quick else 300
    print(
        f"devserver benchmark: medians of {args.runs} runs; both servers in their own "
        f"processes on 127.0.0.1; Python {sys.version.split()[0]}\n"
        f"(n/a*: the server took over {BUILD_BUDGET:.0f} s to build that history by signals)"
    )
    print(f"{'measure':<34}{'devserver':>12}{'moto server':>14}{'advantage':>12}", flush=True)
    with devserver() as (endpoint, pid), moto_server() as moto_endpoint:
        ours, theirs = client(endpoint), client(moto_endpoint)
        setup(ours)
        setup(theirs)
        mine, other = (round_trips_per_second(c, trips, "rt") for c in (ours, theirs))
        row("decision round trips/s", f"{mine:,.0f}", f"{other:,.0f}", f"{mine / other:.1f}x")
        for lean in (False, True):
            scaling(endpoint, pid, trips * 4, lean=lean)
        for size in sizes:
            mine_h = history_latency(ours, size, args.runs, "d", BUILD_BUDGET)
            other_h = history_latency(theirs, size, args.runs, "m", BUILD_BUDGET)
            row(
                f"history of {size:,} events, ms",
                _ms(mine_h),
                _ms(other_h),
                f"{other_h / mine_h:.1f}x" if mine_h and other_h else "n/a",
            )
        idle = idle_cpu_percent(endpoint, pid)
        print(f"\nidle long-polling worker: devserver CPU {idle:.2f}% (target < 1%)", flush=True)
        parked = 200 if args.quick else 1000
        threads, parked_threads, rss, parked_rss, parked_cpu = parked_polls(parked)
        print(
            f"{parked:,} parked long polls: devserver threads {threads} -> {parked_threads}, "
            f"RSS {rss:.0f} -> {parked_rss:.0f} MiB, CPU {parked_cpu:.2f}% while they wait",
            flush=True,
        )
        checkpoints = [100, 1000] if args.quick else [100, 1000, 10_000]
        accumulated = latency_as_runs_accumulate(ours, checkpoints, args.runs)
    labels = ", ".join(
        f"{n:,} closed: {t * 1e3:.2f} ms" for n, t in zip(checkpoints, accumulated, strict=True)
    )
    print(
        f"start+describe+terminate latency as runs accumulate: {labels} "
        f"({accumulated[-1] / accumulated[0]:.2f}x; target <= 2x)"
    )


BUILD_BUDGET = 180.0  # seconds a server may take to build one history by signals


def row(measure: str, ours: str, theirs: str, advantage: str) -> None:
    print(f"{measure:<34}{ours:>12}{theirs:>14}{advantage:>12}", flush=True)


def _ms(seconds: float | None) -> str:
    return "n/a*" if seconds is None else f"{seconds * 1e3:,.1f}"


if __name__ == "__main__":
    main()
