"""Workers in threads of this process, against a devserver over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from swflow import WorkflowClient
from swflow.devserver import DevServer
from swflow.swf.connection import devserver_client
from swflow.worker.base import Worker

DOMAIN = "workers"


@pytest.fixture
def server() -> Iterator[DevServer]:
    with DevServer(poll_timeout=0.5, time_skipping=True) as running:
        yield running


@pytest.fixture
def swf(server: DevServer) -> Any:
    return devserver_client(server.endpoint)


@pytest.fixture
def client(swf: Any) -> WorkflowClient:
    return WorkflowClient(DOMAIN, client=swf)


@contextmanager
def serving(*workers: Worker[Any]) -> Iterator[None]:
    """Run ``workers`` in background threads for the block."""
    for worker in workers:
        worker.start(block=False)
    try:
        yield
    finally:
        for worker in workers:
            worker.stop(wait=False)
        for worker in workers:
            worker.stop(timeout=10)


def wait_until(condition: Callable[[], Any], timeout: float = 30, what: str = "progress") -> None:
    """Until ``condition()`` holds; the timeout only ends a test that is stuck."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)
