"""simpleflow 0.36's side of `peer_end_to_end.py`: the same shapes as `_e2e_flows.py`.

Imported by simpleflow's own decider and worker processes (in .venv-simpleflow), which
find it on PYTHONPATH; swflow never imports it.
"""

from simpleflow import Workflow, activity, futures


@activity.with_attributes(task_list="peer-sf-activities", version="1.0")
def step(x):
    return x + 1


class Chain(Workflow):
    name = "peer_chain"
    version = "1.0"
    task_list = "peer-sf-deciders"

    def run(self, n):
        x = 0
        for _ in range(n):
            x = self.submit(step, x).result
        return x


class Fanout(Workflow):
    name = "peer_fanout"
    version = "1.0"
    task_list = "peer-sf-deciders"

    def run(self, n):
        submitted = [self.submit(step, i) for i in range(n)]
        futures.wait(*submitted)
        return sum(f.result for f in submitted)
