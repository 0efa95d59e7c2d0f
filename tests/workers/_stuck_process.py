"""A decider process whose deciders get stuck: ``python -m tests.workers._stuck_process
ENDPOINT DOMAIN``. It exits with status 70 once one decider is stuck (the limit)."""

from __future__ import annotations

import sys
import threading

from swflow import DistributedDecisionWorker, decision_task
from swflow.swf import devserver_client

NEVER = threading.Event()


@decision_task(swf_workflow_type="stuck_forever", swf_task_list="stuck-process")
def stuck_forever() -> None:
    NEVER.wait()


if __name__ == "__main__":
    endpoint, domain = sys.argv[1:3]
    DistributedDecisionWorker(
        stuck_forever,
        domain=domain,
        client=devserver_client(endpoint),
        deadlock_timeout=0.3,
        max_stuck_deciders=1,
    ).start()
