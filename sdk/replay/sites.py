"""What every call site shares: the replay's state, its decisions, the promises left
pending, and the wait that reads a promise (see `swflow.replay.callsites`)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from swflow.calls import inline_promise, lazy_promise
from swflow.errors import (
    NonDeterministicWorkflowError,
)
from swflow.payloads import PayloadCodec
from swflow.replay.records import ActivityState, ChildState
from swflow.serializers import Serializer
from swflow.swf.decisions import (
    Decision,
)
from swflow.workflow.decorators import (
    TaskDefinition,
    WorkflowDefinition,
)
from swflow.workflow.promise import Blocked, Promise

from .determinism import mismatch, unclaimed
from .position import Position
from .progress import Progress
from .state import ExecutionState

__all__ = ["CancelableSite", "SiteBase", "decision_for", "waits_on_inputs"]


@dataclass(slots=True)
class CancelableSite:
    """An activity's or a child's call site: what the code asked, and its cancel.

    Held by its promise's settle and cancel functions, never by the replay: once the
    replay lets its pending promises go (`SiteBase.let_go`), a decision's objects are
    freed by reference counting alone (the collector is paused).

    Attributes:
        base_id: the activity id of the first attempt, or the child's workflow id.
        activity_id: the current attempt's activity id (activities).
        canceled: ``promise.cancel()`` was called.
    """

    base_id: str
    call: Any
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    activity_id: str | None = None
    canceled: bool = False


class SiteBase:
    """One replay of one decider over one history: the machinery its call sites share."""

    def __init__(
        self,
        state: ExecutionState,
        definition: WorkflowDefinition,
        codec: PayloadCodec,
        workflow_id: str,
        run_id: str,
        *,
        marker_budget: int = 99,
        suspend: Callable[[], bool] | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.state = state
        self.definition = definition
        self.codec = codec
        self.workflow_id = workflow_id
        self.run_id = run_id
        self.sequence = {"activity": 0, "timer": 0, "child": 0, "signal": 0, "cancel": 0}
        self.cached_calls: dict[str, int] = {}
        self.signal_calls: dict[str, int] = {}
        self.visited: set[str] = set()  # activity, timer and child ids the code asked for
        self.checked = (0, 0, 0, 0)  # activities, timers, children, externals visited
        self.position = Position(state, workflow_id, run_id)
        self.nondeterminism: NonDeterministicWorkflowError | None = None
        self.marker_budget = marker_budget  # markers one decision task can record
        self.pending: list[tuple[Promise[Any], Callable[[], None]]] = []  # in creation order
        self.suspend = suspend  # a sticky decider's wait; None: snapshot replay
        self.progress = progress or Progress()  # the clock of a deadlock bound
        self.begin_task()
        codec.trust(definition.input)  # read with the writer's configuration

    def begin_task(self) -> None:
        """Forget what the previous decision task decided (a sticky decider goes on)."""
        self.decisions: list[Decision] = []
        self.scheduled: dict[tuple[str, str, str], TaskDefinition] = {}  # kind, name, version
        self.blocked: list[str] = []
        self.out_of_budget = False  # a cached call waits for the next decision task
        self.new_markers = 0

    # Promises.

    def let_go(self) -> None:
        """The replay is over: drop the promises left pending and the sticky decider's
        wait. Both point back at the replay (a promise through its cancel function), so
        keeping them would leave the whole replay, state included, in a cycle that
        only the collector frees."""
        self.pending.clear()
        self.suspend = None

    def track(self, promise: Promise[Any], settle: Callable[..., None], *arguments: Any) -> None:
        """Settle ``promise`` from the history now (``settle(*arguments)``), and again
        while it stays pending."""
        self.progress.touch()
        settle(*arguments)
        if not promise.is_ready:  # only then is the settle kept, bound to its arguments
            again = functools.partial(settle, *arguments) if arguments else settle
            self.pending.append((promise, again))

    def refresh(self) -> None:
        """Settle the pending promises again against the history as it is now.

        In creation order, so a combinator sees its inputs settled first and decisions
        come out in the order a fresh replay would make them.
        """
        pending, self.pending = self.pending, []
        for promise, settle in pending:
            if not promise.is_ready:  # a timer canceled meanwhile is settled already
                self.track(promise, settle)

    def wait_for(self, promise: Promise[Any]) -> None:
        """The code reads a promise: its result, a pending one's wait (the replay stops,
        or the sticky decider waits for it to settle), or a cancel request's error."""
        position = self.position
        while True:  # on every read of every promise: kept cheap
            if self.state.cancel_event_id is not None and position.cancel_due(promise):
                raise position.deliver_cancel()
            if promise.is_ready:
                position.event = max(position.event, promise.completed_at)
                return
            if self.suspend is None:
                raise Blocked(promise)
            self.note_blocked(promise.description)
            if not self.suspend():  # the sticky decider is being let go: unwind
                raise Blocked(promise)

    # Shared.

    def _payload_promise(
        self,
        promise: Promise[Any],
        text: str | None,
        at: int,
        expect: Serializer | None = None,
        field: str = "result",
    ) -> Promise[Any]:
        if text is None:
            return promise._resolve(None, at=at)
        settled = inline_promise(promise, text, self.codec, at)  # most of a long replay's
        if settled is not None:
            return settled
        exempt = self.progress.exempted
        return lazy_promise(
            promise, text, self.codec, at, expect=expect, field=field, exempt=exempt
        )

    def decision_time(self) -> float | None:
        return self.state.decision_time

    def note_blocked(self, description: str) -> None:
        self.blocked.append(description)

    def _check(
        self,
        kind: str,
        item_id: str,
        asked: TaskDefinition,
        recorded: ActivityState | ChildState,
    ) -> None:
        """The history's item under this id must be what the code asks for now."""
        if asked.name == recorded.name and asked.version == recorded.version:
            return  # every site of a replay: answered without a call
        error = mismatch(kind, item_id, asked, recorded)
        self.nondeterminism = self.nondeterminism or error
        raise error

    def unvisited(self) -> list[str]:
        """History items no call site claimed: evidence the code changed.

        Only items added since the last clean check are looked at: the history's
        records only grow, at the end, and what was visited stays visited.
        """
        items = unclaimed(self.state, self.visited, self.checked, self.cached_calls)
        if not items:
            state = self.state
            self.checked = (
                len(state.activities),
                len(state.timers),
                len(state.children),
                len(state.externals),
            )
        return items


def decision_for(decisions: list[Decision], kind: type[Decision], **match: Any) -> Any:
    """The decision of this type made in this task whose fields match, or None."""
    for decision in decisions:
        if isinstance(decision, kind) and all(
            getattr(decision, key) == value for key, value in match.items()
        ):
            return decision
    return None


def waits_on_inputs(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """True when a promise among the arguments is not ready yet."""
    for value in args:  # a loop, not any(): called for every call site the replay meets
        if isinstance(value, Promise) and not value.is_ready:
            return True
    return bool(kwargs) and any(
        isinstance(value, Promise) and not value.is_ready for value in kwargs.values()
    )
