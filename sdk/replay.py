"""The replay engine: history in, decisions out. A pure function.

``decide(history, workflow)`` runs the decider from the start against the whole
history (snapshot replay). Every call site gets a deterministic id from a
per-execution sequence; what the history recorded under that id is checked against
what the code asks for now. The run of the function ends when it returns (complete),
raises (fail), calls `continue_as_new`, or reads a promise that is not ready (the
decisions so far go out and the next decision task replays again).
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from swflow.serializers import JsonSerializer
from swflow.stores import InlineDataStore

from .calls import decode_call, encode_call, resolved_promise
from .context import decider_context
from .decisions import (
    CLOSE_DECISIONS,
    CancelTimer,
    CancelWorkflowExecution,
    CompleteWorkflowExecution,
    ContinueAsNewWorkflowExecution,
    Decision,
    FailWorkflowExecution,
    RecordMarker,
    ScheduleActivityTask,
    StartChildWorkflowExecution,
    StartTimer,
)
from .decorators import (
    CACHED_ERROR_MARKER,
    CACHED_VALUE_MARKER,
    ActivityCall,
    CachedDefinition,
    TaskDefinition,
    WorkflowCall,
    WorkflowDefinition,
    WorkflowTask,
)
from .errors import NonDeterministicWorkflowError, PayloadError, PayloadStoreError
from .gcpause import paused_gc
from .history import ActivityState, ChildState, Event, ExecutionState
from .limits import DATA, REASON
from .payloads import Channel, PayloadCodec, default_codec
from .promise import (
    ActivityTaskError,
    Blocked,
    CachedCallError,
    ChildWorkflowError,
    Promise,
    TaskError,
    TimerCanceled,
    TimerPromise,
)

__all__ = ["MAX_DECISIONS", "ContinueAsNew", "DecisionResult", "continue_as_new", "decide"]

log = logging.getLogger("swflow.replay")

MAX_DECISIONS = 100
"""SWF's cap on decisions in one RespondDecisionTaskCompleted."""
_WAKEUP_PREFIX = "swflow.more."
_UNSAFE_ID = re.compile(r"[:/|\x00-\x1f\x7f-\x9f]")


class ContinueAsNew(BaseException):  # control flow, like Blocked
    """Internal: the decider asked to continue as a new run."""

    def __init__(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        super().__init__("continue as new")
        self.call_args = args
        self.call_kwargs = kwargs


def continue_as_new(*args: Any, **kwargs: Any) -> NoReturn:
    """End this run and start a fresh one of the same workflow with these arguments.

    The new run has a new run id, the same workflow id, and an empty history: the way
    to keep cron-like and long-looping workflows under SWF's history limits.
    """
    raise ContinueAsNew(args, kwargs)


@dataclass
class DecisionResult:
    """What one decision task answers.

    Attributes:
        decisions: at most `MAX_DECISIONS`, close decision last.
        closes: True when the run closes with these decisions.
        waiting_on: descriptions of what the decider is blocked on.
    """

    decisions: list[Decision] = field(default_factory=list)
    closes: bool = False
    waiting_on: list[str] = field(default_factory=list)

    def to_swf(self) -> list[dict[str, Any]]:
        return [decision.to_swf() for decision in self.decisions]


def _failure_details(error: BaseException, codec: PayloadCodec) -> str:
    """Failure details for SWF: an inline JSON envelope, trimmed to fit the field."""
    trace = "".join(traceback.format_exception(error))
    for keep in (len(trace), 20_000, 2_000, 0):
        details = {
            "type": _qualified(error),
            "message": str(error)[:10_000],
            "traceback": trace[-keep:] if keep else "",
        }
        text = codec.encode(
            details, JsonSerializer(), InlineDataStore(), field="details", limit=1 << 30
        )
        if len(text) <= DATA:
            return text
    return json.dumps({"type": _qualified(error)})


def _qualified(error: BaseException) -> str:
    kind = type(error)
    return (
        kind.__qualname__
        if kind.__module__ == "builtins"
        else f"{kind.__module__}.{kind.__qualname__}"
    )


def _reason(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:REASON]


class _Replay:
    """One replay of one decider over one history: the `DeciderContext`."""

    def __init__(
        self,
        state: ExecutionState,
        definition: WorkflowDefinition,
        codec: PayloadCodec,
        workflow_id: str,
        run_id: str,
    ) -> None:
        self.state = state
        self.definition = definition
        self.codec = codec
        self.workflow_id = workflow_id
        self.run_id = run_id
        self.decisions: list[Decision] = []
        self.sequence = {"activity": 0, "timer": 0, "child": 0}
        self.cached_calls: dict[str, int] = {}
        self.signal_calls: dict[str, int] = {}
        self.visited: set[str] = set()  # activity, timer and child ids the code asked for
        self.blocked: list[str] = []
        self.nondeterminism: NonDeterministicWorkflowError | None = None

    # Activities.

    def schedule_activity(
        self, call: ActivityCall, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Promise[Any]:
        self.sequence["activity"] += 1
        site = self.sequence["activity"]
        definition, retry = call.definition, call.options.retry
        promise: Promise[Any] = Promise(f"activity {definition.name} #{site}")
        if (args or kwargs) and _waits_on_inputs(args, kwargs):
            return promise  # scheduled once its inputs are ready
        attempt = 1
        while True:
            activity_id = f"a{site}" if attempt == 1 else f"a{site}.{attempt}"
            record = self.state.activities.get(activity_id)
            if record is None:
                self._schedule(call, activity_id, args, kwargs)
                return promise
            self.visited.add(activity_id)
            self._check(f"activity {activity_id}", definition, record)
            if record.status in ("scheduled", "started"):
                return promise
            if record.status == "completed":
                return self._payload_promise(promise, record.result, record.closed_event_id)
            kind = "timed_out" if record.status == "timed_out" else record.status
            if kind in retry.retry_on and attempt < retry.max_attempts:
                delay = retry.delay_after(attempt)
                if delay and not self._timer_fired(f"{activity_id}.backoff", delay):
                    return promise
                attempt += 1
                continue
            return promise._fail(self._activity_error(record, attempt), at=record.closed_event_id)

    def _schedule(
        self, call: ActivityCall, activity_id: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        definition, options = call.definition, call.options
        owner = f"activity {definition.name} {definition.version}"
        self.decisions.append(
            ScheduleActivityTask(
                activity_id=activity_id,
                activity_type=definition.kind,
                input=encode_call(
                    args, kwargs, definition.input, self.codec, field="input", owner=owner
                ),
                task_list=options.task_list,
                task_priority=options.priority,
                schedule_to_start_timeout=options.schedule_to_start_timeout,
                start_to_close_timeout=options.start_to_close_timeout,
                schedule_to_close_timeout=options.schedule_to_close_timeout,
                heartbeat_timeout=options.heartbeat_timeout,
            )
        )

    def _activity_error(self, record: ActivityState, attempts: int) -> ActivityTaskError:
        reason = record.failure
        return ActivityTaskError(
            f"activity {record.name} {record.status} after {attempts} attempt(s): {reason}",
            reason=reason,
            details=self._details(record.details),
            attempts=attempts,
        )

    def _details(self, text: str | None) -> Any:
        if text is None:
            return None
        try:
            return self.codec.decode(text)
        except PayloadError:
            return text  # details are free text when not written by swflow

    # Timers.

    def start_timer(self, seconds: int) -> TimerPromise:
        self.sequence["timer"] += 1
        promise = TimerPromise(f"t{self.sequence['timer']}")
        record = self.state.timers.get(promise.timer_id)
        self.visited.add(promise.timer_id)
        if record is None:
            self.decisions.append(StartTimer(promise.timer_id, int(seconds)))
        elif record.status == "fired":
            promise._resolve(None, at=record.closed_event_id)
        elif record.status == "canceled":
            promise._fail(
                TimerCanceled(f"timer {promise.timer_id} was canceled"), at=record.closed_event_id
            )
        elif record.status == "start_failed":
            promise._fail(
                TaskError(
                    f"timer {promise.timer_id} could not start: {record.cause}",
                    reason=record.cause or "",
                ),
                at=record.closed_event_id,
            )
        return promise

    def cancel_timer(self, promise: TimerPromise) -> None:
        if promise.is_ready:
            return
        start = next(
            (
                d
                for d in self.decisions
                if isinstance(d, StartTimer) and d.timer_id == promise.timer_id
            ),
            None,
        )
        if start is not None:  # started in this very batch: simply never start it
            self.decisions.remove(start)
        else:
            self.decisions.append(CancelTimer(promise.timer_id))
        promise._fail(TimerCanceled(f"timer {promise.timer_id} was canceled"))

    def _timer_fired(self, timer_id: str, seconds: int) -> bool:
        """An internal timer (retry backoff): start it once, say whether it fired."""
        self.visited.add(timer_id)
        record = self.state.timers.get(timer_id)
        if record is None:
            self.decisions.append(StartTimer(timer_id, seconds))
            return False
        return record.status == "fired"

    # Signals.

    def wait_signal(self, name: str) -> Promise[Any]:
        count = self.signal_calls[name] = self.signal_calls.get(name, 0) + 1
        promise: Promise[Any] = Promise(f"signal {name!r} #{count}")
        received = self.state.signals.get(name, [])
        if len(received) >= count:
            signal = received[count - 1]
            if signal.input is None:
                return promise._resolve(None, at=signal.event_id)
            return self._payload_promise(promise, signal.input, signal.event_id)
        return promise

    # Child workflows.

    def start_child(
        self, call: WorkflowCall, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Promise[Any]:
        self.sequence["child"] += 1
        site = self.sequence["child"]
        definition, options = call.definition, call.options
        workflow_id = (
            options.workflow_id
            or _UNSAFE_ID.sub("_", f"{self.workflow_id}.{self.run_id}.c{site}".replace("..", "."))[
                -256:
            ]
        )
        promise: Promise[Any] = Promise(f"child {definition.name} {workflow_id}")
        if (args or kwargs) and _waits_on_inputs(args, kwargs):
            return promise
        record = self.state.children.get(workflow_id)
        self.visited.add(f"child:{workflow_id}")
        if record is None:
            self.decisions.append(
                StartChildWorkflowExecution(
                    workflow_id=workflow_id,
                    workflow_type=definition.kind,
                    input=encode_call(
                        args,
                        kwargs,
                        definition.input,
                        self.codec,
                        field="input",
                        owner=f"workflow {definition.name} {definition.version}",
                    ),
                    task_list=options.task_list,
                    task_priority=options.priority,
                    execution_start_to_close_timeout=options.execution_start_to_close_timeout,
                    task_start_to_close_timeout=options.task_start_to_close_timeout,
                    child_policy=options.child_policy,
                )
            )
            return promise
        self._check(f"child workflow {workflow_id}", definition, record)
        if record.status in ("initiated", "started"):
            return promise
        if record.status == "completed":
            return self._payload_promise(promise, record.result, record.closed_event_id)
        return promise._fail(self._child_error(record), at=record.closed_event_id)

    def _child_error(self, record: ChildState) -> ChildWorkflowError:
        reason = record.failure
        return ChildWorkflowError(
            f"child workflow {record.name} ({record.workflow_id}) {record.status}: {reason}",
            reason=reason,
            details=self._details(record.details),
        )

    # @cached.

    def call_cached(
        self, definition: CachedDefinition, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        name = definition.name
        count = self.cached_calls[name] = self.cached_calls.get(name, 0) + 1
        recorded = self.state.markers.get(definition.marker_name, [])
        failures = self.state.markers.get(definition.error_marker_name, [])
        marker = _nth_in_order(recorded, failures, count)
        if marker is not None:
            text = marker.details or ""
            if marker.name == definition.error_marker_name:
                error = json.loads(text)
                raise CachedCallError(name, error["type"], error["message"])
            return self.codec.decode(text)
        try:
            value = definition.function(*args, **kwargs)
        except Exception as exc:
            error = {"type": _qualified(exc), "message": str(exc)[:20_000]}
            self.decisions.append(RecordMarker(definition.error_marker_name, json.dumps(error)))
            raise CachedCallError(name, error["type"], error["message"]) from exc
        details = self.codec.encode(
            value,
            definition.result.serializer,
            definition.result.store,
            field="marker details",
            owner=f"cached {name}",
        )
        self.decisions.append(RecordMarker(definition.marker_name, details))
        return self.codec.decode(details)  # the replays' value, exactly, from the first run

    # Shared.

    def _payload_promise(self, promise: Promise[Any], text: str | None, at: int) -> Promise[Any]:
        if text is None:
            return promise._resolve(None, at=at)
        return resolved_promise(text, self.codec, at=at, promise=promise)

    def note_blocked(self, description: str) -> None:
        self.blocked.append(description)

    def _check(
        self,
        label: str,
        asked: TaskDefinition,
        recorded: ActivityState | ChildState,
    ) -> None:
        """The history's item under this id must be what the code asks for now."""
        if asked.name != recorded.name or asked.version != recorded.version:
            error = NonDeterministicWorkflowError(
                f"{label}: the code now asks for {asked.name} {asked.version} where the "
                f"history recorded {recorded.name} {recorded.version}"
            )
            self.nondeterminism = self.nondeterminism or error
            raise error

    def unvisited(self) -> list[str]:
        """History items no call site claimed: evidence the code changed."""
        items = [
            *(i for i in self.state.activities if i not in self.visited),
            *(
                i
                for i in self.state.timers
                if i not in self.visited and not i.startswith(_WAKEUP_PREFIX)
            ),
            *(f"child {i}" for i in self.state.children if f"child:{i}" not in self.visited),
        ]
        recorded: dict[str, int] = {}
        for name, markers in self.state.markers.items():
            for prefix in (CACHED_VALUE_MARKER, CACHED_ERROR_MARKER):
                if name.startswith(prefix):
                    function = name.removeprefix(prefix)
                    recorded[function] = recorded.get(function, 0) + len(markers)
        items += [
            f"cached {function} call {self.cached_calls.get(function, 0) + 1} of {total}"
            for function, total in recorded.items()
            if total > self.cached_calls.get(function, 0)
        ]
        return sorted(set(items))


def _waits_on_inputs(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """True when a promise among the arguments is not ready yet."""
    return any(isinstance(a, Promise) and not a.is_ready for a in (*args, *kwargs.values()))


def _nth_in_order(values: list[Any], errors: list[Any], count: int) -> Any:
    """The count-th marker of a cached function, value and error markers interleaved."""
    merged = sorted((*values, *errors), key=lambda marker: marker.event_id)
    return merged[count - 1] if len(merged) >= count else None


def decide(
    history: ExecutionState | Iterable[Event],
    workflow: WorkflowTask | WorkflowDefinition,
    *,
    workflow_id: str = "",
    run_id: str = "",
    codec: PayloadCodec | None = None,
    max_decisions: int = MAX_DECISIONS,
) -> DecisionResult:
    """Replay ``workflow`` against ``history`` and return the decisions to send.

    A run whose cancellation was requested (RequestCancelWorkflowExecution) is
    canceled at its next decision.

    Raises:
        NonDeterministicWorkflowError: the code no longer matches the history; answer
            nothing, so the decision task times out and is retried after a fix.
        PayloadStoreError: a store could not be reached; retry the decision task.
    """
    with paused_gc():
        definition = workflow.definition if isinstance(workflow, WorkflowTask) else workflow
        state = (
            history if isinstance(history, ExecutionState) else ExecutionState.from_events(history)
        )
        if state.closed or not state.started:
            return DecisionResult()
        if state.cancel_requested:  # someone asked to cancel the run: honour it
            return DecisionResult([CancelWorkflowExecution("cancel requested")], closes=True)
        replay = _Replay(state, definition, codec or default_codec(), workflow_id, run_id)
        result = DecisionResult()
        token = decider_context.set(replay)
        try:
            outcome = _run(replay, definition)
        finally:
            decider_context.reset(token)
        if replay.nondeterminism is not None:
            raise replay.nondeterminism
        if outcome is not None and not replay.blocked:
            leftovers = replay.unvisited()
            if leftovers:
                raise NonDeterministicWorkflowError(
                    f"the decider finished without reaching what the history recorded: {leftovers}"
                )
            replay.decisions.append(outcome)
        result.waiting_on = replay.blocked
        result.decisions = _within_limit(replay.decisions, state, max_decisions)
        result.closes = bool(result.decisions) and isinstance(result.decisions[-1], CLOSE_DECISIONS)
        return result


def _run(replay: _Replay, definition: WorkflowDefinition) -> Decision | None:
    """Run the decider once; the close decision it leads to, or None when blocked."""
    try:
        args, kwargs = decode_call(replay.state.input, replay.codec, as_promises=True)
    except PayloadStoreError:
        raise
    except PayloadError as exc:
        return FailWorkflowExecution(_reason(exc), _failure_details(exc, replay.codec))
    try:
        value = definition.function(*args, **kwargs)
        if isinstance(value, Promise):
            returned = value
            value = returned if returned.envelope else returned.result
    except Blocked:
        return None  # already noted by Blocked itself
    except ContinueAsNew as request:
        return _continue_as_new(replay, definition, request)
    except (NonDeterministicWorkflowError, PayloadStoreError):
        raise
    except Exception as exc:
        log.info("workflow %s failed: %s", replay.workflow_id, _reason(exc))
        return FailWorkflowExecution(_reason(exc), _failure_details(exc, replay.codec))
    if replay.blocked:  # the user caught Blocked (bare except): still blocked
        return None
    return CompleteWorkflowExecution(_result(replay, definition.result, value))


def _result(replay: _Replay, channel: Channel, value: Any) -> str:
    if isinstance(value, Promise) and value.envelope is not None:
        return value.envelope  # a returned promise's payload is forwarded unread
    return replay.codec.encode(
        value,
        channel.serializer,
        channel.store,
        field="result",
        owner=f"workflow {replay.definition.name}",
    )


def _continue_as_new(
    replay: _Replay, definition: WorkflowDefinition, request: ContinueAsNew
) -> Decision:
    options = definition.options
    return ContinueAsNewWorkflowExecution(
        input=encode_call(
            request.call_args,
            request.call_kwargs,
            definition.input,
            replay.codec,
            field="input",
            owner=f"workflow {definition.name}",
        ),
        execution_start_to_close_timeout=options.execution_start_to_close_timeout,
        task_list=replay.state.task_list or options.task_list,
        task_priority=options.priority,
        task_start_to_close_timeout=options.task_start_to_close_timeout,
        child_policy=options.child_policy,
        tag_list=replay.state.tag_list or None,
        workflow_type_version=definition.version,
    )


def _within_limit(decisions: list[Decision], state: ExecutionState, limit: int) -> list[Decision]:
    """At most ``limit`` decisions; the rest follow in the next decision task.

    Snapshot replay re-derives whatever was not sent, so nothing is lost; a zero-second
    timer makes sure that next decision task comes. Markers go first, so a cached
    function never runs twice because its marker was held back.
    """
    if len(decisions) <= limit:
        return decisions
    ordered = sorted(
        decisions, key=lambda d: (not isinstance(d, RecordMarker), isinstance(d, CLOSE_DECISIONS))
    )
    kept = [d for d in ordered if not isinstance(d, CLOSE_DECISIONS)][: limit - 1]
    return [*kept, StartTimer(f"{_WAKEUP_PREFIX}{state.last_event_id}", 0)]
