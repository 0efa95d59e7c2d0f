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
from typing import Any

from swflow.swf.connection import fault_code
from swflow.swf.decisions import duration
from swflow.workflow.decorators import ActivityDefinition, TaskDefinition, WorkflowDefinition

__all__ = ["RETENTION_DAYS", "Registrar"]

log = logging.getLogger("swflow.worker")

RETENTION_DAYS = "7"
"""How long SWF keeps closed histories in a domain swflow creates."""

_ALREADY = {"DomainAlreadyExistsFault", "TypeAlreadyExistsFault"}


class Registrar:
    """Registers domains and types through ``client``, each at most once."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._done: set[tuple[str, ...]] = set()
        self._lock = threading.Lock()

    def domain(self, name: str) -> None:
        self._once(
            ("domain", name),
            self.client.register_domain,
            name=name,
            workflowExecutionRetentionPeriodInDays=RETENTION_DAYS,
            description="created by swflow",
        )

    def task_type(self, domain: str, definition: TaskDefinition, task_list: str) -> None:
        """Register ``definition``'s type (and its domain) with ``task_list`` as default."""
        self.domain(domain)
        kind = "activity type" if isinstance(definition, ActivityDefinition) else "workflow type"
        key = (domain, kind, definition.name, definition.version)
        if isinstance(definition, ActivityDefinition):
            options = definition.options
            self._once(
                key,
                self.client.register_activity_type,
                domain=domain,
                name=definition.name,
                version=definition.version,
                defaultTaskList={"name": task_list},
                **_defaults(
                    defaultTaskStartToCloseTimeout=duration(options.start_to_close_timeout),
                    defaultTaskScheduleToStartTimeout=duration(options.schedule_to_start_timeout),
                    defaultTaskScheduleToCloseTimeout=duration(options.schedule_to_close_timeout),
                    defaultTaskHeartbeatTimeout=duration(options.heartbeat_timeout),
                    defaultTaskPriority=_text(options.priority),
                ),
            )
        elif isinstance(definition, WorkflowDefinition):
            workflow = definition.options
            self._once(
                key,
                self.client.register_workflow_type,
                domain=domain,
                name=definition.name,
                version=definition.version,
                defaultTaskList={"name": task_list},
                defaultChildPolicy=workflow.child_policy,
                **_defaults(
                    defaultExecutionStartToCloseTimeout=duration(
                        workflow.execution_start_to_close_timeout
                    ),
                    defaultTaskStartToCloseTimeout=duration(workflow.task_start_to_close_timeout),
                    defaultTaskPriority=_text(workflow.priority),
                ),
            )

    def _once(self, key: tuple[str, ...], call: Any, **params: Any) -> None:
        with self._lock:
            if key in self._done:
                return
        try:
            call(**params)
            log.info("registered %s", " ".join(key))
        except Exception as exc:
            if fault_code(exc) not in _ALREADY:
                raise
        with self._lock:
            self._done.add(key)


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)


def _defaults(**values: str | None) -> dict[str, str]:
    """The defaults that are set; SWF leaves the others undefined."""
    return {key: value for key, value in values.items() if value is not None}
