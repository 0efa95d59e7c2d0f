"""kill -9 the devserver mid-run, restart it on the same file: nothing lost or doubled."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from tests.devserver.conftest import DOMAIN, decision, register, schedule


def _start(db: Path, port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "swflow.devserver",
            "--port",
            str(port),
            "--db",
            str(db),
            "--poll-timeout",
            "0.5",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    line = process.stdout.readline()
    assert b"swflow devserver on" in line, process.stderr.read().decode()[-3000:]
    return process


def _client(port: int) -> Any:
    return boto3.client(
        "swf",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 0}),
    )


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_kill_9_and_restart_loses_nothing(tmp_path: Path) -> None:
    db, port = tmp_path / "swf.sqlite3", _free_port()
    server = _start(db, port)
    try:
        swf = _client(port)
        register(swf)
        runs = {}
        for n in range(5):
            runs[f"w{n}"] = swf.start_workflow_execution(
                domain=DOMAIN,
                workflowId=f"w{n}",
                workflowType={"name": "wf", "version": "1"},
                input=str(n),
            )["runId"]
        task = swf.poll_for_decision_task(domain=DOMAIN, taskList={"name": "decisions"})
        swf.respond_decision_task_completed(taskToken=task["taskToken"], decisions=[schedule("a1")])
        activity = swf.poll_for_activity_task(domain=DOMAIN, taskList={"name": "activities"})
        running = swf.poll_for_decision_task(domain=DOMAIN, taskList={"name": "decisions"})
        before = {w: _types(swf, w, r) for w, r in runs.items()}
    finally:
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
    server = _start(db, port)
    try:
        swf = _client(port)
        after = {w: _types(swf, w, r) for w, r in runs.items()}
        assert after == before  # every acknowledged event, exactly once
        # The tasks handed out before the crash are still the ones to answer.
        swf.respond_activity_task_completed(taskToken=activity["taskToken"], result="ok")
        swf.respond_decision_task_completed(
            taskToken=running["taskToken"],
            decisions=[decision("CompleteWorkflowExecution", result="done")],
        )
        seen = set()
        deadline = time.monotonic() + 10
        while len(seen) < 5 and time.monotonic() < deadline:
            task = swf.poll_for_decision_task(domain=DOMAIN, taskList={"name": "decisions"})
            if task["taskToken"]:
                seen.add(task["workflowExecution"]["workflowId"])
                swf.respond_decision_task_completed(
                    taskToken=task["taskToken"], decisions=[decision("CompleteWorkflowExecution")]
                )
            if len(seen) + 1 >= 5:
                break
        closed = swf.count_closed_workflow_executions(
            domain=DOMAIN, startTimeFilter={"oldestDate": 0}
        )
        assert closed["count"] == 5
    finally:
        server.terminate()
        server.wait()


def _types(swf: Any, workflow_id: str, run_id: str) -> list[str]:
    events = swf.get_workflow_execution_history(
        domain=DOMAIN, execution={"workflowId": workflow_id, "runId": run_id}
    )["events"]
    return [e["eventType"] for e in events]
