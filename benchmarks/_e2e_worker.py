"""A worker process for `end_to_end.py`: serves `_e2e_flows` until SIGTERM, then prints
the CPU seconds it spent serving and its peak RSS as one JSON line."""

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
    ready = _cpu()  # imports and set-up are not the decider's per-decision cost
    worker.start()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"cpu": _cpu() - ready, "max_rss_kib": peak}))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
