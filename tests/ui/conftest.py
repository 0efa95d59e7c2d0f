"""A devserver, workers in threads, runs in each state, and the UI over them."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from swflow import (
    DistributedActivityWorker,
    DistributedDecisionWorker,
    PayloadCodec,
    WorkflowClient,
    WorkflowFailedError,
)
from swflow.devserver import DevServer
from swflow.swf.connection import devserver_client
from swflow.ui import UiServer
from tests.ui import flows
from tests.workers.conftest import serving, wait_until


@dataclass
class Ui:
    url: str
    client: WorkflowClient
    runs: dict[str, Any]
    codec: PayloadCodec


@pytest.fixture(scope="module")
def ui() -> Iterator[Ui]:
    with DevServer(poll_timeout=0.5, time_skipping=True) as server:
        swf = devserver_client(server.endpoint)
        client = WorkflowClient(flows.DOMAIN, client=swf)
        workers = (
            DistributedDecisionWorker(
                flows.greeting, flows.broken, flows.waiting, domain=flows.DOMAIN, client=swf
            ),
            DistributedActivityWorker(flows.greet, domain=flows.DOMAIN, client=swf),
        )
        with serving(*workers):
            done = client.start(flows.greeting, "ada", workflow_id="greeting-ada")
            done.result(timeout=60)
            failed = client.start(flows.broken, workflow_id="broken-1")
            with pytest.raises(WorkflowFailedError):
                failed.result(timeout=60)
            waiting = client.start(flows.waiting, workflow_id="waiting-1")
            wait_until(lambda: len(waiting.history()) >= 4, what="the waiting run's first task")
            codec = PayloadCodec(cache_bytes=0, stores=(flows.STORE,))
            with UiServer(server.endpoint, codec=codec) as running:
                runs = {"done": done, "failed": failed, "waiting": waiting}
                yield Ui(running.url, client, runs, codec)
    shutil.rmtree(flows.STORE.root, ignore_errors=True)
