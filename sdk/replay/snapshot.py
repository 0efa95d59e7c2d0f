"""Snapshot replay: history in, decisions out.

Deterministic rather than pure: it never talks to SWF, but it reads a payload store
when the code reads an out-of-band value, and runs a ``@cached`` function the first
time its call site is reached. The same history and stores give the same decisions.

``decide(history, workflow)`` runs the decider from the start against the whole
history (snapshot replay). Every call site gets a deterministic id from a
per-execution sequence; what the history recorded under that id is checked against
what the code asks for now. The run of the function ends when it returns (complete),
raises (fail), calls `continue_as_new`, or reads a promise that is not ready (the
decisions so far go out and the next decision task replays again). `run_decider` and
`answer` are shared with `StickyDecider` (`swflow.replay.sticky`), which goes on
instead of replaying.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from swflow.calls import decode_call, encode_input
from swflow.errors import (
    CancelRequestedError,
    NonDeterministicWorkflowError,
    PayloadError,
    PayloadStoreError,
    SerializationError,
)
from swflow.failures import failure_details, failure_reason, is_interrupt
from swflow.payloads import Channel, PayloadCodec, default_codec
from swflow.swf.decisions import (
    CLOSE_DECISIONS,
    CancelWorkflowExecution,
    CompleteWorkflowExecution,
    ContinueAsNewWorkflowExecution,
    Decision,
    FailWorkflowExecution,
    RecordMarker,
    StartTimer,
)
from swflow.workflow.context import decider_context
from swflow.workflow.continuation import ContinueAsNew
from swflow.workflow.decorators import TaskDefinition, WorkflowDefinition, WorkflowTask
from swflow.workflow.options import decision_fields
from swflow.workflow.promise import (
    Blocked,
    Promise,
)

from .callsites import WAKEUP_PREFIX, CallSites
from .events import HistoryEvent
from .gcpause import paused_gc
from .progress import Progress
from .state import ExecutionState

__all__ = [
    "MAX_DECISIONS",
    "DecisionResult",
    "answer",
    "decide",
    "early_answer",
    "run_decider",
    "workflow_definition",
]

log = logging.getLogger("swflow.replay")

MAX_DECISIONS = 100
"""SWF's cap on decisions in one RespondDecisionTaskCompleted."""


@dataclass
class DecisionResult:
    """What one decision task answers.

    Attributes:
        decisions: at most `MAX_DECISIONS`, close decision last.
        closes: True when the run closes with these decisions.
        waiting_on: descriptions of what the decider is blocked on.
        tasks: the activities and child workflows these decisions start, so a worker
            can register (or, locally, serve) their types.
    """

    decisions: list[Decision] = field(default_factory=list)
    closes: bool = False
    waiting_on: list[str] = field(default_factory=list)
    tasks: list[TaskDefinition] = field(default_factory=list)

    def to_swf(self) -> list[dict[str, Any]]:
        return [decision.to_swf() for decision in self.decisions]


def decide(
    history: ExecutionState | Iterable[HistoryEvent],
    workflow: WorkflowTask | WorkflowDefinition,
    *,
    workflow_id: str = "",
    run_id: str = "",
    codec: PayloadCodec | None = None,
    max_decisions: int = MAX_DECISIONS,
    progress: Progress | None = None,
) -> DecisionResult:
    """Replay ``workflow`` against ``history`` and return the decisions to send.

    A run asked to cancel (RequestCancelWorkflowExecution) raises `CancelRequestedError`
    at the decider's next wait; left uncaught, the run closes canceled.

    Raises:
        NonDeterministicWorkflowError: the code no longer matches the history; answer
            nothing, so the decision task times out and is retried after a fix.
        PayloadStoreError: a store could not be reached; retry the decision task.
    """
    with paused_gc():  # resumed once the replay's objects are gone, not while they live
        return _replayed(
            history,
            workflow,
            workflow_id=workflow_id,
            run_id=run_id,
            codec=codec,
            max_decisions=max_decisions,
            progress=progress,
        )


def _replayed(
    history: ExecutionState | Iterable[HistoryEvent],
    workflow: WorkflowTask | WorkflowDefinition,
    *,
    workflow_id: str,
    run_id: str,
    codec: PayloadCodec | None,
    max_decisions: int,
    progress: Progress | None,
) -> DecisionResult:
    definition = workflow_definition(workflow)
    state = history if isinstance(history, ExecutionState) else ExecutionState.from_events(history)
    early = early_answer(state)
    if early is not None:
        return early
    replay = CallSites(
        state,
        definition,
        codec or default_codec(),
        workflow_id,
        run_id,
        marker_budget=max_decisions - 1,
        progress=progress,
    )
    token = decider_context.set(replay)
    try:
        outcome = run_decider(replay, definition)
        return answer(replay, outcome, max_decisions)
    finally:
        decider_context.reset(token)
        replay.let_go()


def workflow_definition(workflow: WorkflowTask | WorkflowDefinition) -> WorkflowDefinition:
    return workflow.definition if isinstance(workflow, WorkflowTask) else workflow


def early_answer(state: ExecutionState) -> DecisionResult | None:
    """The answer that needs no decider: nothing yet, or nothing any more."""
    if state.closed or not state.started:
        return DecisionResult()
    return None


def answer(replay: CallSites, outcome: Decision | None, max_decisions: int) -> DecisionResult:
    """The decisions of a decider that ran up to ``outcome`` (None: it is waiting)."""
    if replay.nondeterminism is not None:
        raise replay.nondeterminism
    # Histories only grow, so a decider replayed on a longer one reaches at least as
    # far as before: blocking or finishing short of a recorded call means new code.
    leftovers = replay.unvisited()
    if leftovers:
        doing = "finished" if outcome is not None and not replay.blocked else "blocked on "
        raise NonDeterministicWorkflowError(
            f"the decider {doing}{_listed(replay.blocked)} without reaching what the "
            f"history recorded: {_listed(leftovers)}"
        )
    decisions = replay.decisions
    if outcome is not None and not replay.blocked:
        decisions = [*decisions, outcome]
    result = DecisionResult(waiting_on=replay.blocked, tasks=list(replay.scheduled.values()))
    result.decisions = _within_limit(
        decisions, replay.state, max_decisions, wake_up=replay.out_of_budget
    )
    result.closes = bool(result.decisions) and isinstance(result.decisions[-1], CLOSE_DECISIONS)
    _warn_when_long(replay)
    return result


def _listed(items: list[str], shown: int = 10) -> str:
    """The first ``shown`` items, and how many more: a long history changed under its
    code must not make an error message (and its log line) of thousands of ids."""
    more = f", and {len(items) - shown:,} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def _warn_when_long(replay: CallSites) -> None:
    """Once per run: the decision task in which the history crossed the threshold."""
    state, threshold = replay.state, replay.definition.continue_as_new_after
    previous = state.task_starts[-1] - 1 if state.task_starts else 0
    if previous < threshold <= state.last_event_id - 1:
        log.warning(
            "workflow %s (run %s) has %d events, past continue_as_new_after=%d: call "
            "continue_as_new() (see continue_as_new_suggested()) before SWF terminates it "
            "at 25,000",
            replay.workflow_id,
            replay.run_id,
            state.last_event_id,
            threshold,
        )


def run_decider(replay: CallSites, definition: WorkflowDefinition) -> Decision | None:
    """Run the decider once; the close decision it leads to, or None when blocked."""
    try:
        args, kwargs = decode_call(
            replay.state.input,
            replay.codec,
            as_promises=True,
            expect=definition.input.serializer,
            exempt=replay.progress.exempted,
        )
        value = definition.function(*args, **kwargs)
        if isinstance(value, Promise):
            returned = value
            value = returned if returned.envelope else returned.result
    except Blocked:
        return None  # already noted by Blocked itself
    except ContinueAsNew as request:
        return _encoded(replay, _continue_as_new, replay, definition, request)
    except CancelRequestedError as exc:  # not caught, or raised again: the run is canceled
        return None if replay.blocked else _canceled(replay, exc)
    except (NonDeterministicWorkflowError, PayloadStoreError):
        raise
    except BaseException as exc:  # SystemExit and the like too: they fail this run only
        if is_interrupt(exc):
            raise
        return _failed(replay, exc)
    if replay.blocked:  # the user caught Blocked (bare except): still blocked
        return None
    return _encoded(replay, _completion, replay, definition.result, value)


def _encoded(replay: CallSites, close: Callable[..., Decision], *args: Any) -> Decision:
    """The close decision ``close(*args)`` builds, or a failure of the run when its
    payload cannot be encoded: no retry could fix that. An unreachable store may
    recover, so that raises and the task is retried."""
    try:
        return close(*args)
    except PayloadStoreError:
        raise
    except SerializationError as exc:
        if exc.type_name == "Promise":  # e.g. ``return {"total": add(1, 2)}``
            exc = SerializationError(
                f"{exc}: the decider returned a promise inside a value; return its .result "
                "instead (wait_all(*promises).result for several)",
                serializer=exc.serializer,
                type_name=exc.type_name,
                path=exc.path,
            )
        return _failed(replay, exc)
    except PayloadError as exc:
        return _failed(replay, exc)


def _canceled(replay: CallSites, error: CancelRequestedError) -> Decision:
    log.info("workflow %s canceled: %s", replay.workflow_id, error)
    return CancelWorkflowExecution(failure_details(error, replay.codec))


def _failed(replay: CallSites, error: BaseException) -> Decision:
    log.info("workflow %s failed: %s", replay.workflow_id, failure_reason(error))
    return FailWorkflowExecution(failure_reason(error), failure_details(error, replay.codec))


def _completion(replay: CallSites, channel: Channel, value: Any) -> Decision:
    return CompleteWorkflowExecution(_result(replay, channel, value))


def _result(replay: CallSites, channel: Channel, value: Any) -> str:
    if isinstance(value, Promise) and value.envelope is not None:
        return value.envelope  # a returned promise's payload is forwarded unread
    return replay.codec.encode(
        value,
        channel.serializer,
        channel.store,
        field="result",
        codecs=channel.codecs,
        owner=f"workflow {replay.definition.name}",
    )


def _continue_as_new(
    replay: CallSites, definition: WorkflowDefinition, request: ContinueAsNew
) -> Decision:
    options = definition.options
    return ContinueAsNewWorkflowExecution(
        input=encode_input(definition, request.call_args, request.call_kwargs, replay.codec),
        **{
            **decision_fields(options),
            "task_list": replay.state.task_list or options.task_list,  # the run's, first
            "tag_list": replay.state.tag_list or options.tag_list,
        },
        workflow_type_version=definition.version,
    )


def _within_limit(
    decisions: list[Decision], state: ExecutionState, limit: int, *, wake_up: bool = False
) -> list[Decision]:
    """At most ``limit`` decisions; the rest follow in the next decision task.

    Snapshot replay re-derives whatever was not sent, so nothing is lost; a zero-second
    timer makes sure that next decision task comes (``wake_up`` asks for it even when
    everything fits: cached calls are waiting for room). Markers go first, and cached
    calls stop once their markers would not fit, so a cached function never runs twice.
    """
    if len(decisions) <= limit and not wake_up:
        return decisions
    ordered = sorted(
        decisions, key=lambda d: (not isinstance(d, RecordMarker), isinstance(d, CLOSE_DECISIONS))
    )
    kept = [d for d in ordered if not isinstance(d, CLOSE_DECISIONS)][: limit - 1]
    return [*kept, StartTimer(f"{WAKEUP_PREFIX}{state.last_event_id}", 0)]
