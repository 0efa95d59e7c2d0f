"""Where a decider's code is in its history, and what it may know there.

The code's position is the newest completion event among the promises it has read.
Code at that position first ran in the first decision task that started after it
(`ExecutionState.seen_by`), and saw only the events before that task started; so
whatever the code asks about its run (a cancel request, a patch marker, the history
length) is answered as of that task, and every replay, snapshot or sticky, answers
as the first run did. No completed task after the position: the code runs at the
head of the history, for the first time.
"""

from __future__ import annotations

import random
from typing import Any

from swflow.errors import CancelRequestedError

from .state import ExecutionState

__all__ = ["PATCH_MARKER", "Position"]

PATCH_MARKER = "swflow.patch:"


class Position:
    """The code's point in one run's history (one per replay, kept by a sticky decider)."""

    def __init__(self, state: ExecutionState, workflow_id: str, run_id: str) -> None:
        self.state = state
        self.event = 0
        self.cancel_delivered = False
        self.patches: dict[str, bool] = {}
        self.seed = f"{workflow_id}/{run_id}"
        self._random: random.Random | None = None

    def reached(self, event_id: int) -> None:
        self.event = max(self.event, event_id)

    def replaying(self) -> bool:
        """True when the code at this point ran before, in an earlier decision task."""
        return self.state.seen_by(self.event) is not None

    def cancel_visible(self, upto: int = 0) -> bool:
        """The run's cancel request, as of the task the code runs in (or reaches ``upto``)."""
        cancel = self.state.cancel_event_id
        if cancel is None:
            return False
        start = self.state.seen_by(max(self.event, upto))
        return start is None or cancel < start

    def cancel_due(self, promise: Any) -> bool:
        """The wait on ``promise`` is where `CancelRequestedError` is raised, once."""
        if self.cancel_delivered or self.state.cancel_event_id is None:
            return False
        if not promise.is_ready:  # a wait at the head, where the request is known
            return True
        return self.cancel_visible(promise.completed_at)

    def deliver_cancel(self) -> CancelRequestedError:
        self.cancel_delivered = True
        self.reached(self.state.cancel_event_id or 0)
        return CancelRequestedError(f"the run was asked to cancel{self.state.cancel_by}")

    def history_length(self) -> int:
        """Events before the decision task the code runs in started."""
        start = self.state.seen_by(self.event)
        if start is not None:
            return start - 1
        last = self.state.last_event_id
        return last - 1 if self.state.ends_with_task_start else last

    def patched(self, change_id: str) -> tuple[bool, bool]:
        """(the answer, whether a marker must be recorded now) for ``patched(change_id)``."""
        if change_id in self.patches:
            return self.patches[change_id], False
        recorded = PATCH_MARKER + change_id in self.state.markers
        answer = recorded or not self.replaying()
        self.patches[change_id] = answer
        return answer, answer and not recorded

    def random(self) -> random.Random:
        if self._random is None:
            self._random = random.Random(self.seed)  # a str seed is hashed: stable anywhere
        return self._random
