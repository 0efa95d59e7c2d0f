"""``swflow devserver``, ``swflow worker`` and ``swflow decider`` as real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Swflow

COMMAND = [sys.executable, "-m", "swflow.cli"]


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_devserver_workers_and_deciders_run_and_stop_cleanly(
    tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    db = tmp_path / "dev.sqlite3"
    server = subprocess.Popen(
        [*COMMAND, "devserver", "--port", "0", "--db", str(db), "--poll-timeout", "1"],
        stdout=subprocess.PIPE,
    )
    processes.append(server)
    assert server.stdout is not None
    banner = server.stdout.readline().decode()
    assert banner.startswith("swflow devserver on http://127.0.0.1:"), banner
    endpoint = banner.split()[3]
    assert server.stdout.readline().decode().startswith("export AWS_ENDPOINT_URL_SWF=")
    ui = server.stdout.readline().decode().split()[-1]
    assert ui.startswith("http://127.0.0.1:") and ui.endswith("/ui/")
    with urllib.request.urlopen(ui, timeout=30) as page:  # the web UI answers, on its own port
        assert b"swflow devserver" in page.read()
    env = {**os.environ, "AWS_ENDPOINT_URL_SWF": endpoint, "SWF_DOMAIN": "served"}
    for args in (
        ["worker", "tests.cli.flows", "--concurrency", "2", "--log-format", "json"],
        ["decider", "tests.cli.flows:hello"],
    ):
        processes.append(subprocess.Popen([*COMMAND, *args], env=env, stderr=subprocess.PIPE))

    swflow = Swflow(endpoint)
    swflow.env["SWF_DOMAIN"] = "served"
    outcome = swflow.ok(
        "run", "tests.cli.flows:hello", "--input", '["from processes"]', "--timeout", "60"
    )
    assert outcome.stdout == '"hello from processes"\n'

    for process in processes[1:]:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert process.stderr is not None
        assert b"serving" in process.stderr.read()
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=10) == 0
    assert db.stat().st_size > 0  # the run is on disk for the next start


def test_worker_refuses_a_module_with_nothing_to_serve() -> None:
    done = subprocess.run(
        [*COMMAND, "worker", "tests.cli.conftest"], capture_output=True, check=False
    )
    assert done.returncode == 2
    assert b"module tests.cli.conftest defines no @activity_task function" in done.stderr
