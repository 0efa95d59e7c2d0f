"""``swflow.workflow_logger``: log lines a replay does not repeat.

A decider's code runs again on every replay; a plain logger would write its lines
again each time. `workflow_logger` writes a line only when the code runs past what
the history already recorded (the decision task it runs in is the current one), and
adds the workflow and run ids to the record (``workflow_id``, ``run_id``). Outside a
decider it is a plain logger.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, MutableMapping
from typing import Any

from .context import current_context

__all__ = ["WorkflowLogger", "workflow_logger"]


class WorkflowLogger(logging.LoggerAdapter):  # type: ignore[type-arg]
    """A `logging.LoggerAdapter` that stays silent while a decider replays."""

    def isEnabledFor(self, level: int) -> bool:  # logging's own name
        context = current_context()
        if context is not None and context.replaying():
            return False
        enabled: bool = self.logger.isEnabledFor(level)
        return enabled

    def process(
        self, msg: Any, kwargs: MutableMapping[str, Any]
    ) -> tuple[Any, MutableMapping[str, Any]]:
        context = current_context()
        if context is not None:
            workflow_id, run_id = context.run_ids()
            extra: Mapping[str, Any] = kwargs.get("extra") or {}
            kwargs["extra"] = {"workflow_id": workflow_id, "run_id": run_id, **extra}
        return msg, kwargs


workflow_logger = WorkflowLogger(logging.getLogger("swflow.workflow"), {})
"""Log from decider code with this; each line appears once per run, not per replay."""
