"""Sticky deciders: a run's decider kept suspended between its decision tasks.

Snapshot replay (`decide`) runs the decider from the start on every decision task:
O(steps) per task, O(steps²) over a run's life. A `StickyDecider` runs it once, in a
thread of its own, against the run's `ExecutionState`. Where the code reads a pending
promise the thread waits instead of unwinding. The next decision task folds its new
events into that same state; the pending promises are settled again (each call
site's logic runs as a fresh replay of it would), and the thread goes on from where
it stopped. Its first decision task is a snapshot replay.

The engine and the decider's thread never run at once: each hands over to the other
and waits. A sticky decider is only worth keeping when every decision it made reached
SWF (`reusable`, then the worker's word that the answer was accepted); otherwise it
is closed, and the run's next task is a snapshot replay, which loses nothing.
"""

from __future__ import annotations

import logging
import threading

from swflow.errors import DeciderStuckError
from swflow.failures import thread_stack
from swflow.payloads import PayloadCodec, default_codec
from swflow.swf.decisions import Decision
from swflow.workflow.context import decider_context
from swflow.workflow.decorators import WorkflowDefinition, WorkflowTask

from .callsites import CallSites
from .gcpause import paused_gc
from .progress import Progress
from .snapshot import (
    MAX_DECISIONS,
    DecisionResult,
    answer,
    early_answer,
    run_decider,
    workflow_definition,
)
from .state import ExecutionState
from .threads import DeciderThreads

__all__ = ["StickyDecider"]

log = logging.getLogger("swflow.replay")

UNWIND_SECONDS = 5.0
"""How long `close` waits for the code's ``finally`` blocks before leaving the thread."""


class StickyDecider:
    """One run's decider, run once and resumed on each of the run's decision tasks.

    Example:

    ```python
    decider = StickyDecider(state, order_workflow, workflow_id=w, run_id=r)
    result = decider.decide()    # the first task: a snapshot replay
    state.extend(new_events)     # the next task's events
    result = decider.decide()    # goes on from where the code waited
    ```

    Its code runs on a thread from ``threads`` (a worker's `DeciderThreads`), by
    default on one of its own.

    Attributes:
        state: the run's history, folded; the caller extends it between tasks.
        reusable: True when the last decision task left the code waiting and every
            decision it made was answered (none held back for a later task).
    """

    def __init__(
        self,
        state: ExecutionState,
        workflow: WorkflowTask | WorkflowDefinition,
        *,
        workflow_id: str = "",
        run_id: str = "",
        codec: PayloadCodec | None = None,
        max_decisions: int = MAX_DECISIONS,
        deadlock_timeout: float | None = None,
        threads: DeciderThreads | None = None,
    ) -> None:
        self.state = state
        self._threads = threads or DeciderThreads(keep=0)  # a thread of its own
        self.definition = workflow_definition(workflow)
        self.deadlock_timeout = deadlock_timeout
        self.abandoned = False
        self.max_decisions = max_decisions
        self.sites = CallSites(
            state,
            self.definition,
            codec or default_codec(),
            workflow_id,
            run_id,
            marker_budget=max_decisions - 1,
            suspend=self._suspend,
            progress=Progress(),
        )
        self.reusable = False
        self._resume = _taken_lock()  # released by the engine: the code goes on
        self._paused = _taken_lock()  # released by the code: it waits, or it ended
        self._thread: threading.Thread | None = None
        self._finished = False
        self._closing = False
        self._outcome: Decision | None = None
        self._error: BaseException | None = None

    def decide(self) -> DecisionResult:
        """The decisions answering the run's decision task, against ``state`` as it is.

        Raises what `decide` raises; the decider is then closed.
        """
        if self._finished or self._closing:
            raise RuntimeError("this sticky decider has ended; start a new one")
        with paused_gc():
            early = early_answer(self.state)
            if early is not None:
                self.close()
                return early
            try:
                self.sites.begin_task()
                if self._thread is None:
                    name = f"decider {self.sites.workflow_id}"
                    self._thread = self._threads.run(self._main, name)
                else:
                    self._resume.release()  # the code settles its promises, then goes on
                self._wait_for_the_code()
                if self._error is not None:
                    raise self._error
                result = answer(self.sites, self._outcome, self.max_decisions)
            except BaseException:
                self.close()
                raise
        # Cached calls waiting for room wait suspended, inside the call: nothing is held
        # back but the wake-up timer, so the decider goes on; more decisions than fit
        # would be held back, and then it cannot.
        self.reusable = not self._finished and len(self.sites.decisions) <= self.max_decisions
        return result

    def _wait_for_the_code(self) -> None:
        """Until the code waits on a promise or ends; past the bound, abandon it."""
        if self.deadlock_timeout is None:
            self._paused.acquire()
            return
        if self.sites.progress.wait(
            lambda step: self._paused.acquire(timeout=step), self.deadlock_timeout
        ):
            return
        self.abandoned = self._closing = True  # if it ever gets to a wait, it unwinds there
        self.reusable = False
        raise DeciderStuckError(
            f"the decider of {self.sites.workflow_id} (run {self.sites.run_id}) did not reach "
            f"its next wait within {self.deadlock_timeout} s",
            stack=thread_stack(self._thread),
        )

    @property
    def stuck(self) -> bool:
        """Abandoned, and its code still runs."""
        return self.abandoned and self._thread is not None and not self._finished

    def close(self) -> None:
        """Let the decider go: its thread unwinds (``finally`` blocks run) and ends."""
        if self._closing:
            return
        self._closing, self.reusable = True, False
        if self._thread is not None and not self._finished:
            self._resume.release()
            if not self._paused.acquire(timeout=UNWIND_SECONDS):
                log.warning(
                    "decider of %s did not unwind; its thread is left", self.sites.workflow_id
                )
                return  # its code may still read its promises
        self.sites.let_go()  # freed now, not at the collector's next full pass

    # The decider's thread.

    def _main(self) -> None:
        decider_context.set(self.sites)  # a new thread starts with an empty context
        try:
            self._outcome = run_decider(self.sites, self.definition)
        except BaseException as exc:  # handed to the engine's thread, raised there
            self._error = exc
        finally:
            self._finished = True
            self._paused.release()

    def _suspend(self) -> bool:
        """Wait for the next decision task; False when the decider is being closed.

        The pending promises are settled here, in the code's thread: what settling
        raises (a call's input that cannot be encoded) is raised in the code, as a
        replay would raise it there.
        """
        if not self._closing:  # hand over, and wait to be resumed (or closed)
            self._paused.release()
            self._resume.acquire()
        if self._closing:
            return False
        self.sites.refresh()
        return True


def _taken_lock() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock
