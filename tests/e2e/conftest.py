"""End to end: a devserver (time skipping) and moto's S3 server in this process,
workers in real processes that reach them over HTTP, configured the AWS way."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# tests/e2e/flows.py configures its stores at import: fix the addresses first.
S3_PORT = _free_port()
ROOT = Path(tempfile.mkdtemp(prefix="swflow-e2e-"))
os.environ.update(
    E2E_S3_ENDPOINT=f"http://127.0.0.1:{S3_PORT}",
    E2E_BUCKET=f"swflow-e2e-{uuid.uuid4().hex[:8]}",
    E2E_ROOT=str(ROOT),
    AWS_ENDPOINT_URL_S3=f"http://127.0.0.1:{S3_PORT}",  # for stores read without a decorator
    SWF_DOMAIN="e2e",
)
REPO = Path(__file__).resolve().parents[2]
DECIDERS, ACTIVITIES = "e2e-deciders", "e2e-activities"  # as in tests/e2e/flows.py


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=S3_PORT, verbose=False)
    server.start()
    endpoint = os.environ["E2E_S3_ENDPOINT"]
    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=os.environ["E2E_BUCKET"])
    yield endpoint
    server.stop()


@pytest.fixture(scope="module")
def devserver() -> Iterator[Any]:
    from swflow.devserver import DevServer

    with DevServer(time_skipping=True, poll_timeout=1.0) as server:
        os.environ["AWS_ENDPOINT_URL_SWF"] = server.endpoint
        yield server
        os.environ.pop("AWS_ENDPOINT_URL_SWF", None)


class Processes:
    """Worker processes of `tests.e2e._serve`, stopped (SIGTERM, then KILL) at the end."""

    def __init__(self, server: Any, logs: Path) -> None:
        self.server = server
        self.endpoint = server.endpoint
        self.logs = logs
        self.running: list[subprocess.Popen[bytes]] = []
        self.since = time.monotonic()

    def ready(self, *task_lists: str) -> None:
        """Wait until each list was polled since the last `start`.

        With time skipping, a task queued on a list nobody polls yet does not hold the
        clock for long: starting runs before their workers poll would let time jump.
        """
        polled = self.server.engine.polled_at

        def polling() -> bool:
            seen = {key[2] for key, at in list(polled.items()) if at > self.since}
            return set(task_lists) <= seen

        wait_for(polling, timeout=60, what=f"workers polling {task_lists}")

    def start(
        self, kind: str, *names: str, stats: Path | None = None, options: tuple[str, ...] = ()
    ) -> subprocess.Popen[bytes]:
        env = dict(os.environ, AWS_ENDPOINT_URL_SWF=self.endpoint, PYTHONPATH=str(REPO))
        self.since = time.monotonic()
        command = [sys.executable, "-m", "tests.e2e._serve", kind, *names, *options]
        if stats is not None:
            command += ["--stats", str(stats)]
        log = open(self.logs / f"{kind}-{len(self.running)}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=log)
        self.running.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes], timeout: float = 15) -> int:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                self.stop(process)

    def log_text(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.logs.glob("*.log")))


@pytest.fixture
def processes(devserver: Any, tmp_path: Path) -> Iterator[Processes]:
    """Worker processes of this test's own."""
    workers = Processes(devserver, tmp_path)
    try:
        yield workers
    finally:
        workers.stop_all()


DECIDER_NAMES = [
    "decider_a",
    "twenty_steps",
    "per_task_storage",
    "measure_child",
    "large_payloads",
    "hourly",
    "failures",
    "doubled",
]
ACTIVITY_NAMES = [
    "activity_task_a",
    "add",
    "make_record",
    "produce",
    "measure",
    "hourly_report",
    "explode",
    "dawdle",
    "unserializable",
]


@pytest.fixture(scope="module")
def shared_workers(
    devserver: Any, s3_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Processes]:
    """One decider process and two activity processes serving `tests.e2e.flows`.

    Their stats files (bytes read from stores, peak memory) are written when they stop.
    """
    logs = tmp_path_factory.mktemp("workers")
    workers = Processes(devserver, logs)
    workers.start("deciders", *DECIDER_NAMES, stats=logs / "decider-stats.json")
    for number in range(2):
        workers.start("activities", *ACTIVITY_NAMES, stats=logs / f"activities-{number}-stats.json")
    workers.ready(DECIDERS, ACTIVITIES)
    try:
        yield workers
    finally:
        workers.stop_all()


def wait_for(condition: Any, timeout: float = 30, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
