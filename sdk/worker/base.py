"""What the decision and activity workers share: polling threads, registration, stopping.

A worker serves decorated functions. Each function's type lives in a domain and is
polled on a task list (the worker's override, else the decorator's, else the type's
name); the worker runs ``concurrency`` polling threads per (domain, task list), each
taking one task at a time, so at most that many tasks run at once per list.

Stopping is graceful: polls in flight are let finish (a task they bring is still
handled: dropping it would leave it to time out), no new poll starts, and running
tasks complete. On SIGTERM or SIGINT a blocking `start()` does exactly that; a second
signal exits at once.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, Generic, TypeVar

from swflow.errors import ConfigurationError
from swflow.failures import is_interrupt
from swflow.payloads import PayloadCodec, default_codec
from swflow.registration import Registrar
from swflow.swf.connection import resolve_domain, swf_client
from swflow.workflow.decorators import TaskDefinition

__all__ = ["Worker"]

log = logging.getLogger("swflow.worker")

D = TypeVar("D", bound=TaskDefinition)
T = TypeVar("T")  # what poll hands to handle
Target = tuple[str, str]  # (domain, task list)

_RETRY_AFTER_ERROR = (0.5, 30.0)  # seconds: first and longest wait after a failed poll


class Worker(Generic[D, T]):
    """Polls task lists for the types of ``functions`` and hands each task to `handle`."""

    definition_type: type[TaskDefinition] = TaskDefinition
    decorator = "a swflow decorator"
    default_concurrency = 1

    def __init__(
        self,
        *functions: Any,
        domain: str | None = None,
        task_list: str | None = None,
        identity: str | None = None,
        client: Any = None,
        concurrency: int | None = None,
        codec: PayloadCodec | None = None,
    ) -> None:
        concurrency = self.default_concurrency if concurrency is None else concurrency
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ConfigurationError(f"concurrency must be an int >= 1, got {concurrency!r}")
        self.domain = domain
        self.task_list = task_list
        self.identity = (identity or f"{socket.gethostname()}:{os.getpid()}")[:256]
        self.concurrency = concurrency
        self.client = swf_client(client, connections=concurrency * 2 + 4)
        self.codec = codec or default_codec()
        self.registrar = Registrar(self.client)
        self.connected()
        self.definitions: dict[tuple[str, str, str], D] = {}  # (domain, name, version)
        self._targets: dict[Target, list[threading.Thread]] = {}
        self._lock = threading.Lock()
        self._running = False
        self.stopping = threading.Event()
        for function in functions:
            self._remember(self._definition(function))
        if not self.definitions:
            raise ConfigurationError(f"{type(self).__name__} needs at least one function")

    # What is served, and where.

    def _definition(self, function: Any) -> D:
        definition = getattr(function, "definition", function)
        if not isinstance(definition, self.definition_type):
            raise ConfigurationError(
                f"{type(self).__name__} serves functions decorated with {self.decorator}, "
                f"got {function!r}"
            )
        return definition  # type: ignore[return-value]

    def target(self, definition: TaskDefinition) -> Target:
        """The (domain, task list) where tasks of ``definition`` are polled."""
        domain = resolve_domain(self.domain, definition.domain, f"{definition.name}")
        declared = definition.options.task_list  # type: ignore[attr-defined]
        return domain, self.task_list or declared or definition.name

    def _remember(self, definition: D) -> Target:
        domain, task_list = self.target(definition)
        for channel in (definition.input, definition.result):
            self.codec.trust(channel)  # read with the writer's configuration
        self.definitions[(domain, definition.name, definition.version)] = definition
        return domain, task_list

    def serve(self, function: Any) -> None:
        """Serve one more function; on a running worker, register it and poll its list."""
        definition = self._definition(function)
        with self._lock:
            known = (self.target(definition)[0], definition.name, definition.version)
            if known in self.definitions:
                return
            target = self._remember(definition)
            if self._running:
                self.registrar.task_type(target[0], definition, target[1])
                self._poll(target)

    def lookup(self, domain: str, kind: dict[str, str]) -> D | None:
        """The definition serving the SWF type ``kind`` in ``domain``, if any."""
        return self.definitions.get((domain, kind["name"], kind["version"]))

    def describe(self, domain: str) -> str:
        """The types this worker serves in ``domain``, for messages."""
        served = sorted(f"{n} {v}" for d, n, v in self.definitions if d == domain)
        return ", ".join(served) or "nothing"

    # Running.

    def start(self, *, block: bool = True) -> None:
        """Register the domain and types, then poll until stopped.

        With ``block`` (the default) this returns once the worker has stopped: on
        `stop()`, SIGTERM or SIGINT. Without, the polling threads run in the
        background and this returns at once.
        """
        with self._lock:
            if self._running:
                raise ConfigurationError(f"{type(self).__name__} is already running")
            self.stopping.clear()
            targets: dict[Target, None] = {}  # ordered, unique
            for (domain, _, _), definition in self.definitions.items():
                target = self.target(definition)
                self.registrar.task_type(domain, definition, target[1])
                targets[target] = None
            self._running = True
            for target in targets:
                self._poll(target)
        log.info(
            "%s %s polling %s",
            type(self).__name__,
            self.identity,
            ", ".join(f"{d}/{t}" for d, t in targets),
        )
        if block:
            self._wait_for_stop()

    def stop(self, *, wait: bool = True, timeout: float | None = None) -> None:
        """Stop polling; with ``wait``, return when in-flight polls and tasks are done."""
        self.stopping.set()
        if wait:
            with self._lock:
                threads = [t for group in self._targets.values() for t in group]
            for thread in threads:
                thread.join(timeout)
        with self._lock:
            if wait:
                self._targets.clear()
            self._running = False

    def _poll(self, target: Target) -> None:
        threads = self._targets.setdefault(target, [])
        for number in range(self.concurrency - len(threads)):
            thread = threading.Thread(
                target=self._loop,
                args=target,
                name=f"swflow-{target[1]}-{number}",
                daemon=True,  # a second signal may exit without waiting for long polls
            )
            threads.append(thread)
            thread.start()

    def _loop(self, domain: str, task_list: str) -> None:
        wait = _RETRY_AFTER_ERROR[0]
        while not self.stopping.is_set():
            try:
                task = self.poll(domain, task_list)
            except Exception as exc:
                if self.stopping.is_set():
                    break  # the server went away as we stopped: nothing to report
                log.warning(
                    "polling %s/%s failed (%s); retrying in %.1fs", domain, task_list, exc, wait
                )
                self.stopping.wait(wait)
                wait = min(wait * 2, _RETRY_AFTER_ERROR[1])
                continue
            wait = _RETRY_AFTER_ERROR[0]
            if task is not None:
                try:
                    self.handle(domain, task)
                except BaseException as exc:  # nothing a task raises ends the polling thread
                    if is_interrupt(exc):
                        raise
                    log.exception("%s: unexpected error handling a task", type(self).__name__)

    def _wait_for_stop(self) -> None:
        restore = _install_signal_handlers(self._on_signal)
        try:
            while True:
                with self._lock:
                    threads = [t for group in self._targets.values() for t in group]
                alive = [t for t in threads if t.is_alive()]
                if not alive:
                    break
                alive[0].join(0.2)
        finally:
            restore()
        self.stop()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping.is_set():
            raise KeyboardInterrupt  # second signal: leave now
        log.warning(
            "%s: %s received; finishing in-flight tasks (signal again to exit now)",
            type(self).__name__,
            signal.Signals(signum).name,
        )
        self.stopping.set()

    # What each worker does.

    def connected(self) -> None:
        """Set-up that needs ``self.client``; called once from ``__init__``."""

    def poll(self, domain: str, task_list: str) -> T | None:
        """One long poll: a task, or None when the poll came back empty."""
        raise NotImplementedError

    def handle(self, domain: str, task: T) -> None:
        """Run one task and respond to SWF."""
        raise NotImplementedError


def _install_signal_handlers(
    handler: Callable[[int, FrameType | None], None],
) -> Callable[[], None]:
    """Route SIGTERM and SIGINT to ``handler``; returns what puts the old ones back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # only the main thread may set handlers
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, old in previous.items():
            signal.signal(sig, old)

    return restore
