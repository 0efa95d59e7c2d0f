"""The `Decider` seam: what answers one run's decision tasks, snapshot or sticky.

A decision worker chooses its runner once (`runner_for`): with sticky deciders off,
every task is a `SnapshotDecider` (the code replays from the start); on, a
`StickyDecider` is kept between a run's tasks and resumes where the code waited. The
worker treats both the same way: it folds the task's events into the run's state,
asks ``decide()``, and keeps the decider for the next task only while it is
``reusable``; ``close()`` lets it go.
"""

from __future__ import annotations

import threading
from typing import Protocol

from swflow.errors import DeciderStuckError
from swflow.failures import thread_stack
from swflow.payloads import PayloadCodec
from swflow.workflow.decorators import WorkflowDefinition

from .progress import Progress
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

    @property
    def stuck(self) -> bool:
        """Abandoned past its deadlock bound, and its code still runs."""
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
        deadlock_timeout: float | None,
    ) -> Decider: ...


class SnapshotDecider:
    """Replays the decider from the start on every decision task (`decide`); with a
    ``deadlock_timeout``, on a thread of its own, abandoned past that bound."""

    reusable = False  # nothing survives a task but the folded state

    def __init__(
        self,
        state: ExecutionState,
        workflow: WorkflowDefinition,
        *,
        workflow_id: str = "",
        run_id: str = "",
        codec: PayloadCodec | None = None,
        deadlock_timeout: float | None = None,
    ) -> None:
        self.state = state
        self.definition = workflow
        self.workflow_id, self.run_id = workflow_id, run_id
        self._codec = codec
        self.deadlock_timeout = deadlock_timeout
        self._thread: threading.Thread | None = None
        self._progress = Progress()

    @property
    def stuck(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def decide(self) -> DecisionResult:
        if self.deadlock_timeout is None:
            return self._decide()
        answers: list[DecisionResult | BaseException] = []

        def replay() -> None:
            try:
                answers.append(self._decide())
            except BaseException as exc:  # raised again in the worker's thread
                answers.append(exc)

        thread = threading.Thread(target=replay, name=f"decider {self.workflow_id}", daemon=True)
        thread.start()
        if not self._progress.wait(lambda step: _joined(thread, step), self.deadlock_timeout):
            self._thread = thread
            raise DeciderStuckError(
                f"the decider of {self.workflow_id} (run {self.run_id}) did not reach its "
                f"next wait within {self.deadlock_timeout} s",
                stack=thread_stack(thread),
            )
        if isinstance(answers[0], BaseException):
            raise answers[0]
        return answers[0]

    def _decide(self) -> DecisionResult:
        return decide(
            self.state,
            self.definition,
            codec=self._codec,
            workflow_id=self.workflow_id,
            run_id=self.run_id,
            progress=self._progress,
        )

    def close(self) -> None:
        """Nothing to let go."""


def _joined(thread: threading.Thread, timeout: float) -> bool:
    thread.join(timeout)
    return not thread.is_alive()


def runner_for(sticky: bool) -> DeciderFactory:
    """The kind of decider a worker uses for every run."""
    return StickyDecider if sticky else SnapshotDecider
