"""Soak: 1,000 workflows through the devserver, 4 worker processes, memory watched.

    python3 -m uv run --all-extras python benchmarks/soak.py [--workflows 1000] [--batch 100]

Two decider processes and two activity processes (8 threads each) serve a devserver
process. Workflows go in batches of ``--batch`` (5 sequential activities each; every
tenth one moves 256 KiB from one activity to the next through a local store), so the
server always has work. After the first batch, every 1,000 workflows and the last, it
prints the throughput so far and each worker process's peak RSS (VmHWM): flat memory
means no growth beyond the caches' bounds (decider: `HistoryCache`, 250,000 events and
600 suspended deciders, about 22 KB each; a run closed by the other decider process
leaves its decider here until the LRU lets it go; every process: the payload codec's
byte-bounded read cache, 64 MiB).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from devserver import devserver  # benchmarks/devserver.py: the server in its own process

HERE = Path(__file__).resolve().parent
STEPS = 5


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def _batch(client: Any, flows: Any, first: int, size: int) -> None:
    handles = [
        client.start(flows.a_to_b_kib, 256) if n % 10 == 9 else client.start(flows.chain, STEPS)
        for n in range(first, first + size)
    ]
    for n, handle in enumerate(handles, start=first):
        expected = 256 * 1024 if n % 10 == 9 else STEPS
        assert handle.result(timeout=600) == expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workflows", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=100)
    options = parser.parse_args()
    root = tempfile.mkdtemp(prefix="swflow-soak-")
    os.environ.update(BENCH_ROOT=root, SWF_DOMAIN="bench", PYTHONPATH=str(HERE))
    sys.path.insert(0, str(HERE))
    import _e2e_flows as flows

    from swflow import WorkflowClient

    try:
        with devserver() as (endpoint, _):
            os.environ["AWS_ENDPOINT_URL_SWF"] = endpoint
            kinds = ["deciders", "deciders", "activities", "activities"]
            labels = ["decider A", "decider B", "activity A", "activity B"]
            workers = [
                subprocess.Popen(
                    [sys.executable, str(HERE / "_e2e_worker.py"), kind],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for kind in kinds
            ]
            client = WorkflowClient()
            client.start(flows.chain, 1).result(timeout=60)  # warm: imports, registration
            print(
                f"soak on the devserver: Python {platform.python_version()}, {os.cpu_count()} "
                f"cores; {options.workflows:,} workflows in batches of {options.batch}, "
                "2 decider + 2 activity processes\n"
            )
            header = f"{'after':>7}  {'wf/s':>6}  " + "  ".join(f"{name} MB" for name in labels)
            print(header)
            print("-" * len(header))
            began = time.perf_counter()
            peaks: dict[int, list[float]] = {}
            for first in range(0, options.workflows, options.batch):
                _batch(client, flows, first, options.batch)
                done = first + options.batch
                if done in (options.batch, options.workflows) or done % 1000 == 0:
                    rate = done / (time.perf_counter() - began)
                    peaks[done] = [_peak_rss_mb(w.pid) for w in workers]
                    print(
                        f"{done:>7,}  {rate:>6.1f}  "
                        + "  ".join(
                            f"{peak:>{len(label) + 3}.1f}"
                            for peak, label in zip(peaks[done], labels, strict=True)
                        )
                    )
            first_peaks, last_peaks = peaks[options.batch], peaks[options.workflows]
            growth = [b - a for a, b in zip(first_peaks, last_peaks, strict=True)]
            print(
                f"\npeak RSS growth from {options.batch:,} to {options.workflows:,} workflows: "
                + ", ".join(f"{g:+.1f} MB" for g in growth)
            )
            for worker in workers:
                worker.send_signal(signal.SIGTERM)
            for worker in workers:
                worker.wait(timeout=90)
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
