"""Registering the domain and the types a worker serves or schedules, once each.

Registration is idempotent on SWF's side (an existing domain or type is a
``*AlreadyExistsFault``, ignored here) and remembered per `Registrar`, so a worker
pays one call per type per process. A type's defaults come from its decorator; SWF
freezes them at first registration, which is why every decision swflow sends also
states its timeouts explicitly.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from swflow.errors import DomainAlreadyExistsFault, TypeAlreadyExistsFault
from swflow.workflow.decorators import ActivityDefinition, TaskDefinition, WorkflowDefinition
from swflow.workflow.options import registration_defaults

__all__ = ["RETENTION_DAYS", "Registrar"]

log = logging.getLogger("swflow.worker")

RETENTION_DAYS = "7"
"""How long SWF keeps closed histories in a domain swflow creates."""


class Registrar:
    """Registers domains and types through ``client``, each at most once."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._done: set[tuple[str, ...]] = set()
        self._lock = threading.Lock()

    def domain(self, name: str) -> None:
        self._once(
            ("domain", name),
            lambda: self.client.register_domain(
                name=name,
                workflowExecutionRetentionPeriodInDays=RETENTION_DAYS,
                description="created by swflow",
            ),
        )

    def task_type(self, domain: str, definition: TaskDefinition, task_list: str) -> None:
        """Register ``definition``'s type (and its domain) with ``task_list`` as default."""
        self.domain(domain)
        kind = "activity type" if isinstance(definition, ActivityDefinition) else "workflow type"
        if isinstance(definition, ActivityDefinition | WorkflowDefinition):

            def register() -> Any:
                call = (
                    self.client.register_activity_type
                    if isinstance(definition, ActivityDefinition)
                    else self.client.register_workflow_type
                )
                return call(
                    domain=domain,
                    name=definition.name,
                    version=definition.version,
                    **registration_defaults(definition.options, task_list),
                )

            self._once((domain, kind, definition.name, definition.version), register)

    def _once(self, key: tuple[str, ...], register: Callable[[], Any]) -> None:
        """Call ``register`` unless ``key`` is registered (every scheduled task asks: the
        call and its parameters are built only when it is not)."""
        with self._lock:
            if key in self._done:
                return
        try:
            register()
            log.info("registered %s", " ".join(key))
        except (DomainAlreadyExistsFault, TypeAlreadyExistsFault):
            pass  # registered before: registration is idempotent
        with self._lock:
            self._done.add(key)
