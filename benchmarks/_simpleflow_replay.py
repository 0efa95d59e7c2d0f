"""simpleflow 0.36's side of benchmarks/replay.py; runs in its own virtual environment.

    python _simpleflow_replay.py HISTORY.json seq|par RUNS [json|botocore]

Times raw PollForDecisionTask JSON text -> simpleflow History -> Executor.replay, and
prints one JSON line: median seconds and the decision types produced. The body is
read with the standard library's json (the default), or with botocore's response
parser for the SWF operation: what simpleflow's boto3 client really runs.

Its workflows (Seq, Par) are also what simpleflow's own decider and worker processes
serve in `peer_end_to_end.py`, which finds this module on PYTHONPATH.
"""

import json
import statistics
import sys
import time

from simpleflow import Workflow, activity, futures
from simpleflow.swf.executor import Executor
from simpleflow.swf.mapper.models.domain import Domain
from simpleflow.swf.mapper.models.history import History
from simpleflow.swf.mapper.models.workflow import WorkflowExecution, WorkflowType
from simpleflow.swf.mapper.responses import Response


@activity.with_attributes(task_list="activities", version="1.0")
def increment(x):
    return x + 1


class Seq(Workflow):
    name = "seq"
    version = "1.0"
    task_list = "decisions"

    def run(self, n):
        x = 0
        for _ in range(n):
            x = self.submit(increment, x).result
        return x


class Par(Workflow):
    name = "par"
    version = "1.0"
    task_list = "decisions"

    def run(self, n):
        submitted = [self.submit(increment, i) for i in range(n)]
        futures.wait(*submitted)
        return sum(f.result for f in submitted)


def botocore_parse():
    import botocore.parsers
    import botocore.session

    model = botocore.session.get_session().get_service_model("swf")
    shape = model.operation_model("PollForDecisionTask").output_shape
    parser = botocore.parsers.create_parser(model.metadata["protocol"])

    def parse(text):
        body = text.encode()
        return parser.parse({"body": body, "headers": {}, "status_code": 200}, shape)

    return parse


def decide_once(text, workflow_class, parse=json.loads):
    task = parse(text)
    domain = Domain("bench")
    kind = WorkflowType(domain=domain, name=task["workflowType"]["name"], version="1.0")
    execution = WorkflowExecution(domain=domain, workflow_id="w", run_id="r", workflow_type=kind)
    response = Response(
        token=task["taskToken"],
        history=History.from_event_list(task["events"]),
        execution=execution,
    )
    return Executor(domain, workflow_class).replay(response).decisions


def main():
    path, kind, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    parse = botocore_parse() if sys.argv[4:] == ["botocore"] else json.loads
    with open(path) as file:
        text = file.read()
    workflow_class = {"seq": Seq, "par": Par}[kind]
    decisions = decide_once(text, workflow_class, parse)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        decide_once(text, workflow_class, parse)
        times.append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "median": statistics.median(times),
                "decisions": [d["decisionType"] for d in decisions],
            }
        )
    )


if __name__ == "__main__":
    main()
