"""A worker process for `end_to_end.py`: serves `_e2e_flows` until SIGTERM, then prints
its peak RSS as one JSON line (its CPU is read from /proc by the benchmark)."""

from __future__ import annotations

import json
import resource
import sys

import _e2e_flows as flows  # benchmarks/ is on sys.path: it is this script's folder

from swflow import DistributedActivityWorker, DistributedDecisionWorker


def main() -> None:
    kind = sys.argv[1]
    worker = (
        DistributedDecisionWorker(flows.chain, flows.fanout, flows.a_to_b, flows.a_to_b_kib)
        if kind == "deciders"
        else DistributedActivityWorker(
            flows.step, flows.produce, flows.produce_kib, flows.size_of, concurrency=8
        )
    )
    worker.start()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"max_rss_kib": peak}))


if __name__ == "__main__":
    main()
