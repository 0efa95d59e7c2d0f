"""The devserver as a whole: engine, scheduler and HTTP front, started and stopped."""

from __future__ import annotations

from typing import Any

from .clock import Clock
from .engine import EVENT_LIMIT, Engine
from .faults import Fault
from .http import SwfHttpFront
from .operations.executions import Executions, close_run
from .operations.registry import Registry
from .operations.tasks import Tasks
from .regions import DEFAULT_REGION, regional
from .scheduler import Scheduler
from .store import Store
from .validation import operation_names

__all__ = ["DevServer"]


class DevServer:
    """An SWF-compatible server on SQLite, in this process.

    Example:

    ```python
    with DevServer(time_skipping=True) as server:
        swf = boto3.client("swf", endpoint_url=server.endpoint, region_name="us-east-1")
    ```

    Args:
        host, port: where to listen (port 0: a free one).
        db: SQLite file, or ``":memory:"``.
        time_skipping: jump time to the next timer whenever nothing runs (never to a
            timeout: docs/devserver.md).
        poll_timeout: how long a long poll waits for a task (SWF: 60 s).
        event_limit: events per run before SWF's EVENT_LIMIT_EXCEEDED termination.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        db: str = ":memory:",
        time_skipping: bool = False,
        poll_timeout: float = 60.0,
        event_limit: int = EVENT_LIMIT,
    ) -> None:
        self.clock = Clock(skipping=time_skipping)
        self.engine = Engine(
            Store(db),
            self.clock,
            close_run=close_run,
            poll_timeout=poll_timeout,
            event_limit=event_limit,
        )
        handlers = (Registry(self.engine), Executions(self.engine), Tasks(self.engine))
        self.operations: dict[str, Any] = {}
        for name in operation_names():
            owner = next((h for h in handlers if hasattr(h, name)), None)
            if owner is None:
                raise RuntimeError(f"devserver does not implement {name}")
            self.operations[name] = getattr(owner, name)
        self.http = SwfHttpFront((host, port), self.dispatch, self.engine)
        self.scheduler = Scheduler(self.engine)

    def dispatch(
        self, operation: str, params: dict[str, Any], region: str = DEFAULT_REGION
    ) -> dict[str, Any] | None:
        handler = self.operations.get(operation)
        if handler is None:
            raise Fault("UnknownOperationException", f"Unknown operation {operation}")
        result: dict[str, Any] | None = handler(regional(operation, params, region))
        return result

    @property
    def endpoint(self) -> str:
        host, port = self.http.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> DevServer:
        self.http.start()
        self.scheduler.start()
        return self

    def stop(self) -> None:
        """Stop serving: release long polls, finish the clock thread, close the file."""
        with self.engine.lock:
            self.engine.stopping = True
            self.engine.changed.notify_all()
        self.http.stop()
        self.scheduler.join(5)
        with self.engine.lock:
            self.engine.store.close()

    def __enter__(self) -> DevServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
