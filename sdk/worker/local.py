"""LocalDecisionWorker: a whole workflow in this process, with no second semantics.

An in-memory devserver with time skipping, a `DistributedDecisionWorker` and a
`DistributedActivityWorker` talking to it over HTTP through boto3, and a
`WorkflowClient` to start the run and wait for it: the same replay engine, payload
channels and workers that run against Amazon SWF. Timers and backoffs take no wall
time, because the devserver's clock jumps whenever nothing runs.

It needs no list of activities or child deciders: every decision the replay makes
names the decorated functions it schedules, and the local workers start serving each
one as it first appears (before the decision that schedules it goes out).
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from swflow.client import WorkflowClient, WorkflowHandle
from swflow.errors import ConfigurationError
from swflow.payloads import PayloadCodec, default_codec
from swflow.swf.connection import DOMAIN_VARIABLE, devserver_client
from swflow.workflow.decorators import (
    ActivityDefinition,
    TaskDefinition,
    WorkflowDefinition,
    WorkflowTask,
)
from swflow.workflow.promise import Promise

from .activity import DistributedActivityWorker
from .decision import DistributedDecisionWorker

if TYPE_CHECKING:
    from swflow.devserver.clock import Clock

__all__ = ["LocalDecisionWorker", "LocalEnvironment"]

_LOCAL_DOMAIN = "swflow-local"
_POLL_TIMEOUT = 10.0  # seconds a local long poll waits; the server releases it on stop


class LocalDecisionWorker:
    """Runs workflows of ``decider`` to completion in this process.

    Example:

    ```python
    LocalDecisionWorker(decider_a).start()       # -> 30
    ```

    Args:
        decider: a ``@decision_task`` function.
        concurrency: activity tasks run at once per task list.
        codec: payload codec (default: the process-wide one).
    """

    def __init__(
        self, decider: Any, *, concurrency: int = 4, codec: PayloadCodec | None = None
    ) -> None:
        definition = getattr(decider, "definition", decider)
        if not isinstance(definition, WorkflowDefinition):
            raise ConfigurationError(f"LocalDecisionWorker runs a @decision_task, got {decider!r}")
        self.decider = decider if isinstance(decider, WorkflowTask) else definition
        self.definition = definition
        self.concurrency = concurrency
        self.codec = codec or default_codec()

    def start(self, *args: Any, **kwargs: Any) -> Any:
        """Run one workflow with these arguments; its result (after continue-as-new).

        Raises:
            WorkflowError: the workflow failed, timed out, or was canceled or terminated.
        """
        with LocalEnvironment(
            domain=self.definition.domain, concurrency=self.concurrency, codec=self.codec
        ) as local:
            return local.start(self.decider, *args, **kwargs).result()


class LocalEnvironment:
    """An embedded devserver, plus workers that serve whatever runs on it.

    For more than one run, signals, or a look at the history while it runs:

    ```python
    with LocalEnvironment() as local:
        run = local.start(approval, "order-1")
        run.signal("approved", True)
        print(run.result())
    ```

    Args:
        time_skipping: jump the clock to the next timer (or backoff) when nothing
            runs, and only while a caller waits for a result (`WorkflowHandle.result`
            or `promise`), so signals sent before the wait arrive first. Timeouts are
            never jumped to.
        domain: the domain (default: ``SWF_DOMAIN``, else ``swflow-local``).
        concurrency: activity tasks run at once per task list.
        codec: payload codec (default: the process-wide one).

    Attributes:
        client: a `WorkflowClient` on the embedded devserver.
        endpoint: the devserver's URL, for ``swflow`` commands (AWS_ENDPOINT_URL_SWF).
    """

    def __init__(
        self,
        *,
        time_skipping: bool = True,
        domain: str | None = None,
        concurrency: int = 4,
        codec: PayloadCodec | None = None,
    ) -> None:
        from swflow.devserver import DevServer  # the SWF engine loads only when run locally

        self.domain = domain or os.environ.get(DOMAIN_VARIABLE) or _LOCAL_DOMAIN
        self.codec = codec or default_codec()
        self.server = DevServer(time_skipping=time_skipping, poll_timeout=_POLL_TIMEOUT)
        self.server.clock.on_demand = True
        self.concurrency = concurrency

    def __enter__(self) -> LocalEnvironment:
        self.server.start()
        self.endpoint = self.server.endpoint
        swf = devserver_client(self.endpoint, connections=self.concurrency * 4 + 8)
        self.client = _LocalClient(self.domain, client=swf, codec=self.codec)
        self.client.clock = self.server.clock
        self.workers = _LocalWorkers(self.domain, swf, self.concurrency, self.codec)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.workers.stop()
        self.server.stop()
        self.workers.join()

    def start(
        self, decider: Any, *args: Any, workflow_id: str | None = None, **kwargs: Any
    ) -> WorkflowHandle:
        """Start a run of ``decider``; what it schedules is served as it appears."""
        definition = getattr(decider, "definition", decider)
        if not isinstance(definition, WorkflowDefinition):
            raise ConfigurationError(f"LocalEnvironment runs a @decision_task, got {decider!r}")
        self.workers.serve(definition)
        return self.client.start(decider, *args, workflow_id=workflow_id, kwargs=kwargs)


class _LocalHandle(WorkflowHandle):
    """A handle whose waits let the local clock skip (`Clock.waiting`)."""

    client: _LocalClient

    def promise(self, timeout: float | None = None) -> Promise[Any]:
        with self.client.clock.waiting():
            return super().promise(timeout)


class _LocalClient(WorkflowClient):
    clock: Clock

    def _handle(self, domain: str, workflow_id: str, run_id: str) -> WorkflowHandle:
        return _LocalHandle(self, domain, workflow_id, run_id)


class _ServingDecisionWorker(DistributedDecisionWorker):
    """A decision worker that also serves whatever its decisions schedule."""

    def __init__(self, workers: _LocalWorkers, definition: WorkflowDefinition) -> None:
        super().__init__(
            definition,
            domain=workers.domain,
            client=workers.client,
            codec=workers.codec,
            identity="local-decider",
        )
        self.workers = workers

    def scheduled(self, domain: str, definition: TaskDefinition) -> None:
        super().scheduled(domain, definition)
        self.workers.serve(definition)


class _LocalWorkers:
    """One decision worker and one activity worker, grown as the workflow needs."""

    def __init__(self, domain: str, client: Any, concurrency: int, codec: PayloadCodec) -> None:
        self.domain = domain
        self.client = client
        self.concurrency = concurrency
        self.codec = codec
        self.deciders: _ServingDecisionWorker | None = None
        self.activities: DistributedActivityWorker | None = None
        self._lock = threading.Lock()

    def serve(self, definition: TaskDefinition) -> None:
        with self._lock:
            if isinstance(definition, ActivityDefinition):
                if self.activities is None:
                    self.activities = DistributedActivityWorker(
                        definition,
                        domain=self.domain,
                        client=self.client,
                        codec=self.codec,
                        concurrency=self.concurrency,
                        identity="local-activities",
                    )
                    self.activities.start(block=False)
                else:
                    self.activities.serve(definition)
            elif isinstance(definition, WorkflowDefinition):
                if self.deciders is None:
                    self.deciders = _ServingDecisionWorker(self, definition)
                    self.deciders.start(block=False)
                else:
                    self.deciders.serve(definition)

    def stop(self) -> None:
        for worker in (self.deciders, self.activities):
            if worker is not None:
                worker.stop(wait=False)

    def join(self) -> None:
        for worker in (self.deciders, self.activities):
            if worker is not None:
                worker.stop(wait=True, timeout=5)
