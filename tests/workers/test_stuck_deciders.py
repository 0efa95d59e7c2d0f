"""Runaway deciders on a real worker: abandoned past the bound, logged with their stack,
counted; other runs on the same task list go on; at the limit the process exits 70."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from swflow import (
    DistributedActivityWorker,
    DistributedDecisionWorker,
    WorkflowClient,
    activity_task,
    decision_task,
)
from swflow.devserver import DevServer
from swflow.worker.decision import EXIT_STUCK
from tests.workers.conftest import DOMAIN, serving

RELEASE = threading.Event()


@decision_task(swf_task_list="runaway", deadlock_timeout=0.5)
def runs_away(how: str) -> None:
    if how == "spin":
        while not RELEASE.is_set():
            pass
    else:
        RELEASE.wait(60)


@activity_task(swf_task_list="runaway-acts")
def double(x: int) -> int:
    return 2 * x


@decision_task(swf_task_list="runaway")
def behaves(x: int) -> int:
    return int(double(x).result)


def test_runaway_deciders_are_abandoned_and_other_runs_go_on(
    swf: Any, client: WorkflowClient, caplog: pytest.LogCaptureFixture
) -> None:
    RELEASE.clear()
    deciders = DistributedDecisionWorker(
        runs_away, behaves, domain=DOMAIN, client=swf, max_stuck_deciders=0
    )
    with caplog.at_level(logging.ERROR, "swflow.worker"):
        try:
            with serving(deciders, DistributedActivityWorker(double, domain=DOMAIN, client=swf)):
                client.start(runs_away, "spin")
                client.start(runs_away, "sleep")
                # One polling thread for the list: each stuck run holds it 0.5 s at most.
                assert client.start(behaves, 21).result(timeout=60) == 42
                assert deciders.stuck_deciders == 2
        finally:
            RELEASE.set()
    assert caplog.text.count("DECIDER STUCK") == 2
    assert "while not RELEASE.is_set()" in caplog.text and "RELEASE.wait(60)" in caplog.text


def test_a_process_with_too_many_stuck_deciders_exits_for_its_supervisor(
    server: DevServer, client: WorkflowClient
) -> None:
    repo = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.workers._stuck_process", server.endpoint, DOMAIN],
        cwd=repo,
        env={**os.environ, "PYTHONPATH": str(repo)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        from tests.workers._stuck_process import stuck_forever

        client.start(stuck_forever)
        assert process.wait(timeout=60) == EXIT_STUCK == 70
        output = process.stdout.read().decode() if process.stdout else ""
        assert "deciders stuck in this process: exiting with status 70" in output
    finally:
        if process.poll() is None:
            process.kill()
