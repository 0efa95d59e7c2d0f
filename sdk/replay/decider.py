"""The `Decider` seam: what answers one run's decision tasks, snapshot or sticky.

A decision worker chooses its runner once (`runner_for`): with sticky deciders off,
every task is a `SnapshotDecider` (the code replays from the start); on, a
`StickyDecider` is kept between a run's tasks and resumes where the code waited. The
worker treats both the same way: it folds the task's events into the run's state,
asks ``decide()``, and keeps the decider for the next task only while it is
``reusable``; ``close()`` lets it go.
"""

from __future__ import annotations

import functools
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
from .threads import DeciderThreads

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
    ``deadlock_timeout``, on a thread (from ``threads``, or one of its own), abandoned
    past that bound."""

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
        threads: DeciderThreads | None = None,
    ) -> None:
        self.state = state
        self.definition = workflow
        self.workflow_id, self.run_id = workflow_id, run_id
        self._codec = codec
        self.deadlock_timeout = deadlock_timeout
        self._threads = threads or DeciderThreads(keep=0)
        self._running: threading.Event | None = None  # set once an abandoned replay ends
        self._progress = Progress()

    @property
    def stuck(self) -> bool:
        return self._running is not None and not self._running.is_set()

    def decide(self) -> DecisionResult:
        if self.deadlock_timeout is None:
            return self._decide()
        answers: list[DecisionResult | BaseException] = []
        ended = threading.Event()

        def replay() -> None:
            try:
                answers.append(self._decide())
            except BaseException as exc:  # raised again in the worker's thread
                answers.append(exc)
            finally:
                ended.set()

        thread = self._threads.run(replay, f"decider {self.workflow_id}")
        if not self._progress.wait(ended.wait, self.deadlock_timeout):
            self._running = ended
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


def runner_for(sticky: bool, threads: DeciderThreads | None = None) -> DeciderFactory:
    """The kind of decider a worker uses for every run, its code on ``threads``."""
    return functools.partial(StickyDecider if sticky else SnapshotDecider, threads=threads)
