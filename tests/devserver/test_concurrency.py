"""300 workflows, 16 decider processes on one task list: none doubled, none lost."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from swflow.devserver import DevServer
from tests.devserver.conftest import DOMAIN, client_for, register

WORKFLOWS, DECIDERS = 300, 16


@pytest.mark.slow
def test_no_decision_task_is_handed_out_twice_or_lost() -> None:
    with DevServer(poll_timeout=0.5) as server:
        swf = client_for(server)
        register(swf)
        script = Path(__file__).with_name("_decider_process.py")
        deciders = [
            subprocess.Popen(
                [sys.executable, str(script), server.endpoint, "60"],
                stdout=subprocess.PIPE,
                text=True,
            )
            for _ in range(DECIDERS)
        ]
        runs = {
            swf.start_workflow_execution(
                domain=DOMAIN,
                workflowId=f"w{n}",
                workflowType={"name": "wf", "version": "1"},
            )["runId"]
            for n in range(WORKFLOWS)
        }
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            closed = swf.count_closed_workflow_executions(
                domain=DOMAIN, startTimeFilter={"oldestDate": 0}
            )["count"]
            if closed == WORKFLOWS:
                break
            time.sleep(0.05)
        handed = []
        for decider in deciders:  # every line is flushed as it is handled
            decider.terminate()
        for decider in deciders:
            output, _ = decider.communicate(timeout=60)
            handed += [tuple(line.split()) for line in output.splitlines()]
        assert closed == WORKFLOWS  # none lost
        assert len(handed) == len(set(handed)) == WORKFLOWS  # none handed out twice
        assert {run_id for run_id, _ in handed} == runs
