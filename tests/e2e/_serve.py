"""A worker process for the end-to-end tests.

    python -m tests.e2e._serve deciders|activities NAME... [--stats FILE] [--concurrency N]
        [--task-list NAME] [--sticky-deciders N] [--trust STORE]...

Serves the named functions of `tests.e2e.flows` until SIGTERM; then writes what the
process read from payload stores and its peak memory to FILE (JSON).
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
from typing import Any

from swflow import DistributedActivityWorker, DistributedDecisionWorker
from swflow.payloads import PayloadCodec
from tests.e2e import flows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["deciders", "activities"])
    parser.add_argument("names", nargs="+")
    parser.add_argument("--stats")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--task-list")
    parser.add_argument("--sticky-deciders", type=int)  # 0: every task replays from the start
    parser.add_argument("--trust", action="append", default=[])  # a store of flows, e.g. S3
    options = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    codec = PayloadCodec(stores=tuple(getattr(flows, name) for name in options.trust))
    functions = [getattr(flows, name) for name in options.names]
    common: dict[str, Any] = {"codec": codec, "task_list": options.task_list}
    if options.kind == "deciders":
        if options.sticky_deciders is not None:
            common["sticky_deciders"] = options.sticky_deciders
        worker: Any = DistributedDecisionWorker(*functions, **common)
    else:
        worker = DistributedActivityWorker(*functions, concurrency=options.concurrency, **common)
    worker.start()  # until SIGTERM
    if options.stats:
        stats = {
            "bytes_fetched": codec.bytes_fetched,
            "max_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        }
        with open(options.stats, "w") as out:
            json.dump(stats, out)


if __name__ == "__main__":
    main()
