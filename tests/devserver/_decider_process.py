"""A bare decider process for the concurrency test: complete every run it is handed.

    python _decider_process.py ENDPOINT SECONDS

Prints one line per decision task: ``<run id> <scheduled event id>``.
"""

import sys
import time

import boto3
from botocore.config import Config


def main() -> None:
    endpoint, seconds = sys.argv[1], float(sys.argv[2])
    swf = boto3.client(
        "swf",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(read_timeout=70, retries={"max_attempts": 0}),
    )
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        task = swf.poll_for_decision_task(domain="test", taskList={"name": "decisions"})
        if not task["taskToken"]:
            continue
        scheduled = task["events"][-1]["decisionTaskStartedEventAttributes"]["scheduledEventId"]
        print(task["workflowExecution"]["runId"], scheduled, flush=True)
        swf.respond_decision_task_completed(
            taskToken=task["taskToken"],
            decisions=[
                {
                    "decisionType": "CompleteWorkflowExecution",
                    "completeWorkflowExecutionDecisionAttributes": {"result": "ok"},
                }
            ],
        )


if __name__ == "__main__":
    main()
