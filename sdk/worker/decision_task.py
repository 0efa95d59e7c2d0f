"""A decision task as the decision worker hands it from `poll` to `handle`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from swflow.replay.decider import Decider
from swflow.replay.state import ExecutionState

__all__ = ["DecisionTask"]


@dataclass
class DecisionTask:
    """One decision task and what the worker already knows of its run.

    Attributes:
        domain: where it was polled.
        token: SWF's task token, for the answer.
        started_event_id: this task's DecisionTaskStarted event.
        workflow_id, run_id: the run.
        workflow_type: ``{"name": ..., "version": ...}``.
        events: the events ``history`` lacks, oldest first (all of them, cold): raw
            JSON (`msgspec.Raw`), structs or dicts, as the fold reads them
            (`swflow.replay.events.as_event`).
        history: the run's folded history from its last task here, if cached; once
            `DistributedDecisionWorker.history` ran, the whole history folded.
        decider: the run's decider kept from its last task, if any.
        task_list: the list it was polled from.
    """

    domain: str
    token: str
    started_event_id: int
    workflow_id: str
    run_id: str
    workflow_type: dict[str, str]
    events: list[Any]
    history: ExecutionState | None = None
    decider: Decider | None = None
    task_list: str = ""

    @property
    def run(self) -> tuple[str, str, str]:
        """The run's key in the history cache."""
        return self.domain, self.workflow_id, self.run_id

    @property
    def where(self) -> str:
        """The task, for log lines."""
        return f"{self.workflow_id} (run {self.run_id}, event {self.started_event_id})"
