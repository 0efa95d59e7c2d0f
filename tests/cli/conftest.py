"""The ``swflow`` command against a real-time devserver, with workers in threads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from swflow import DistributedActivityWorker, DistributedDecisionWorker
from swflow.cli import cli
from swflow.devserver import DevServer
from swflow.swf.connection import devserver_client
from tests.cli import flows

DOMAIN = "cli"


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


class Swflow:
    """Runs ``swflow ARGS`` in this process, pointed at the test devserver."""

    def __init__(self, endpoint: str) -> None:
        self.env = {"AWS_ENDPOINT_URL_SWF": endpoint, "SWF_DOMAIN": DOMAIN}

    def __call__(self, *args: str, stdin: str | bytes | None = None) -> Outcome:
        result = CliRunner().invoke(cli, list(args), env=self.env, input=stdin)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Outcome(result.exit_code, result.stdout, result.stderr)

    def ok(self, *args: str, stdin: str | None = None) -> Outcome:
        outcome = self(*args, stdin=stdin)
        assert outcome.exit_code == 0, outcome
        return outcome


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    with DevServer(poll_timeout=0.5) as running:
        yield running


@pytest.fixture(scope="module")
def swflow(server: DevServer) -> Swflow:
    return Swflow(server.endpoint)


@pytest.fixture(scope="module")
def workers(server: DevServer) -> Iterator[None]:
    """Every flow served, as `swflow worker` and `swflow decider` would."""
    client = devserver_client(server.endpoint, connections=20)
    activities = DistributedActivityWorker(
        flows.greet, flows.flaky, flows.blob, domain=DOMAIN, client=client
    )
    deciders = DistributedDecisionWorker(
        flows.hello, flows.doomed, flows.waiter, flows.eventful, domain=DOMAIN, client=client
    )
    for worker in (activities, deciders):
        worker.start(block=False)
    yield
    for worker in (activities, deciders):
        worker.stop(timeout=10)


@pytest.fixture
def history_file(tmp_path: Path, swflow: Swflow, workers: None) -> Path:
    """A completed run of flows.hello, saved by ``swflow history --json``."""
    swflow.ok("run", "tests.cli.flows:hello", "--input", '["ada"]', "--workflow-id", "saved")
    path = tmp_path / "saved.json"
    path.write_text(swflow.ok("history", "saved", "--json").stdout)
    return path


@pytest.fixture(scope="module")
def eventful(request: pytest.FixtureRequest, swflow: Swflow, workers: None) -> dict[str, object]:
    """A run with a retry, a timer, a marker and an out-of-band result, as JSON."""
    key = json.dumps([request.module.__name__])  # flaky fails once per key: one per module
    swflow.ok("run", "tests.cli.flows:eventful", "--input", key, "--workflow-id", "w-events")
    saved: dict[str, object] = swflow.ok("history", "w-events", "--json").json()
    return saved
