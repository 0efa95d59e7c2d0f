"""The `Decider` seam: what answers one run's decision tasks, snapshot or sticky.

A decision worker chooses its runner once (`runner_for`): with sticky deciders off,
every task is a `SnapshotDecider` (the code replays from the start); on, a
`StickyDecider` is kept between a run's tasks and resumes where the code waited. The
worker treats both the same way: it folds the task's events into the run's state,
asks ``decide()``, and keeps the decider for the next task only while it is
``reusable``; ``close()`` lets it go.
"""

from __future__ import annotations

from typing import Protocol

from swflow.payloads import PayloadCodec
from swflow.workflow.decorators import WorkflowDefinition

from .snapshot import DecisionResult, decide
from .state import ExecutionState
from .sticky import StickyDecider

__all__ = ["Decider", "DeciderFactory", "SnapshotDecider", "runner_for"]


class Decider(Protocol):
    """Answers the decision tasks of one run, against its folded history."""

    state: ExecutionState
    definition: WorkflowDefinition

    @property
    def reusable(self) -> bool:
        """Worth keeping for the run's next task (else the next task starts anew)."""
        ...

    def decide(self) -> DecisionResult:
        """The decisions for the task whose events ``state`` now holds."""
        ...

    def close(self) -> None:
        """Let the run go (a sticky decider's code unwinds)."""
        ...


class DeciderFactory(Protocol):
    def __call__(
        self,
        state: ExecutionState,
        workflow: WorkflowDefinition,
        *,
        workflow_id: str,
        run_id: str,
        codec: PayloadCodec | None,
    ) -> Decider: ...


class SnapshotDecider:
    """Replays the decider from the start on every decision task (`decide`)."""

    reusable = False  # nothing survives a task but the folded state

    def __init__(
        self,
        state: ExecutionState,
        workflow: WorkflowDefinition,
        *,
        workflow_id: str = "",
        run_id: str = "",
        codec: PayloadCodec | None = None,
    ) -> None:
        self.state = state
        self.definition = workflow
        self.workflow_id, self.run_id = workflow_id, run_id
        self._codec = codec

    def decide(self) -> DecisionResult:
        return decide(
            self.state,
            self.definition,
            codec=self._codec,
            workflow_id=self.workflow_id,
            run_id=self.run_id,
        )

    def close(self) -> None:
        """Nothing to let go."""


def runner_for(sticky: bool) -> DeciderFactory:
    """The kind of decider a worker uses for every run."""
    return StickyDecider if sticky else SnapshotDecider
