"""A replay's call sites: what each activity, timer, signal, child and cached call is.

`CallSites` is the `DeciderContext` one replay offers the decorated functions: every
call gets its deterministic id, is matched against what the history recorded under
that id (and checked), and yields a promise or a new decision. Each site's logic is
a settle function: run when the code reaches the site, and for a sticky decider run
again on every later decision task while its promise is pending, so a site left
pending answers exactly as a fresh replay of it would.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from swflow.calls import encode_input, resolved_promise
from swflow.errors import (
    CachedCallError,
    NonDeterministicWorkflowError,
    TaskError,
    TimerCanceled,
)
from swflow.failures import qualified
from swflow.payloads import PayloadCodec
from swflow.replay.records import ActivityState, ChildState
from swflow.serializers import Serializer
from swflow.swf.decisions import (
    CancelTimer,
    Decision,
    RecordMarker,
    ScheduleActivityTask,
    StartChildWorkflowExecution,
    StartTimer,
)
from swflow.workflow.decorators import (
    ActivityCall,
    CachedDefinition,
    TaskDefinition,
    WorkflowCall,
    WorkflowDefinition,
)
from swflow.workflow.options import decision_fields
from swflow.workflow.promise import Blocked, Promise, TimerPromise

from .call_errors import activity_error, child_error
from .determinism import WAKEUP_PREFIX, mismatch, unclaimed
from .progress import Progress
from .state import ExecutionState

__all__ = ["WAKEUP_PREFIX", "CallSites"]

_UNSAFE_ID = re.compile(r"[:/|\x00-\x1f\x7f-\x9f]")


class CallSites:
    """One replay of one decider over one history: the `DeciderContext`."""

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
        self.sequence = {"activity": 0, "timer": 0, "child": 0}
        self.cached_calls: dict[str, int] = {}
        self.signal_calls: dict[str, int] = {}
        self.visited: set[str] = set()  # activity, timer and child ids the code asked for
        self.checked = (0, 0, 0)  # activities, timers, children all visited at the last check
        self.nondeterminism: NonDeterministicWorkflowError | None = None
        self.marker_budget = marker_budget  # markers one decision task can record
        self.pending: list[tuple[Promise[Any], Callable[[], None]]] = []  # in creation order
        self.suspend = suspend  # a sticky decider's wait; None: snapshot replay
        self.progress = progress or Progress()  # the clock of a deadlock bound
        self.begin_task()
        codec.register_store(definition.input.store)  # read with the writer's configuration

    def begin_task(self) -> None:
        """Forget what the previous decision task decided (a sticky decider goes on)."""
        self.decisions: list[Decision] = []
        self.scheduled: dict[tuple[str, str, str], TaskDefinition] = {}  # kind, name, version
        self.blocked: list[str] = []
        self.out_of_budget = False  # a cached call waits for the next decision task
        self.new_markers = 0

    # Promises.

    def track(self, promise: Promise[Any], settle: Callable[[], None]) -> None:
        """Settle ``promise`` from the history now, and again while it stays pending."""
        self.progress.touch()
        settle()
        if not promise.is_ready:
            self.pending.append((promise, settle))

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
        """The code reads a pending promise: stop the replay, or wait for it to settle."""
        if self.suspend is None:
            raise Blocked(promise)
        while not promise.is_ready:
            self.note_blocked(promise.description)
            if not self.suspend():  # the sticky decider is being let go: unwind
                raise Blocked(promise)

    # Activities.

    def schedule_activity(
        self, call: ActivityCall, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Promise[Any]:
        self.sequence["activity"] += 1
        site = self.sequence["activity"]
        self.codec.register_store(call.definition.result.store)
        promise: Promise[Any] = Promise(f"activity {call.definition.name} #{site}")
        self.track(promise, lambda: self._settle_activity(promise, site, call, args, kwargs))
        return promise

    def _settle_activity(
        self,
        promise: Promise[Any],
        site: int,
        call: ActivityCall,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        if (args or kwargs) and _waits_on_inputs(args, kwargs):
            return  # scheduled once its inputs are ready
        definition, retry = call.definition, call.options.retry
        attempt = 1
        while True:
            activity_id = f"a{site}" if attempt == 1 else f"a{site}.{attempt}"
            record = self.state.activities.get(activity_id)
            if record is None:
                self._schedule(call, activity_id, args, kwargs)
                return
            self.visited.add(activity_id)
            self._check(f"activity {activity_id}", definition, record)
            if record.status in ("scheduled", "started"):
                return
            if record.status == "completed":
                expect = definition.result.serializer
                self._payload_promise(promise, record.result, record.closed_event_id, expect)
                return
            kind = "timed_out" if record.status == "timed_out" else record.status
            if kind in retry.retry_on and attempt < retry.max_attempts:
                delay = retry.delay_after(attempt)
                if delay and not self._timer_fired(f"{activity_id}.backoff", delay):
                    return
                attempt += 1
                continue
            promise._fail(activity_error(record, attempt, self.codec), at=record.closed_event_id)
            return

    def _schedule(
        self, call: ActivityCall, activity_id: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        definition, options = call.definition, call.options
        self.scheduled[("activity", definition.name, definition.version)] = definition
        self.decisions.append(
            ScheduleActivityTask(
                activity_id=activity_id,
                activity_type=definition.kind,
                input=encode_input(definition, args, kwargs, self.codec),
                **decision_fields(options),
            )
        )

    # Timers.

    def start_timer(self, seconds: int) -> TimerPromise:
        self.sequence["timer"] += 1
        promise = TimerPromise(f"t{self.sequence['timer']}")
        self.track(promise, lambda: self._settle_timer(promise, seconds))
        return promise

    def _settle_timer(self, promise: TimerPromise, seconds: int) -> None:
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
        self.track(promise, lambda: self._settle_signal(promise, name, count))
        return promise

    def _settle_signal(self, promise: Promise[Any], name: str, count: int) -> None:
        received = self.state.signals.get(name, [])
        if len(received) >= count:
            signal = received[count - 1]
            self._payload_promise(promise, signal.input, signal.event_id)

    # Child workflows.

    def start_child(
        self, call: WorkflowCall, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Promise[Any]:
        self.sequence["child"] += 1
        site = self.sequence["child"]
        definition, options = call.definition, call.options
        self.codec.register_store(definition.result.store)
        workflow_id = (
            options.workflow_id
            or _UNSAFE_ID.sub("_", f"{self.workflow_id}.{self.run_id}.c{site}".replace("..", "."))[
                -256:
            ]
        )
        promise: Promise[Any] = Promise(f"child {definition.name} {workflow_id}")
        self.track(promise, lambda: self._settle_child(promise, workflow_id, call, args, kwargs))
        return promise

    def _settle_child(
        self,
        promise: Promise[Any],
        workflow_id: str,
        call: WorkflowCall,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        if (args or kwargs) and _waits_on_inputs(args, kwargs):
            return  # started once its inputs are ready
        definition, options = call.definition, call.options
        record = self.state.children.get(workflow_id)
        self.visited.add(f"child:{workflow_id}")
        if record is None:
            self.scheduled[("workflow", definition.name, definition.version)] = definition
            self.decisions.append(
                StartChildWorkflowExecution(
                    workflow_id=workflow_id,
                    workflow_type=definition.kind,
                    input=encode_input(definition, args, kwargs, self.codec),
                    **decision_fields(options),
                )
            )
            return
        self._check(f"child workflow {workflow_id}", definition, record)
        if record.status == "completed":
            expect = definition.result.serializer
            self._payload_promise(promise, record.result, record.closed_event_id, expect)
        elif record.status not in ("initiated", "started"):
            promise._fail(child_error(record, self.codec), at=record.closed_event_id)

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
            self.codec.register_store(definition.result.store)  # trusted: its own store
            with self.progress.exempted():  # a fetch is swflow's I/O, not the decider's time
                return self.codec.decode(text, expect=definition.result.serializer)
        while self.new_markers >= self.marker_budget:
            # Its marker could not go out with this decision task: run it in the next one,
            # never now (a value computed but not recorded would be computed again). A
            # sticky decider waits here for that task; a replay stops.
            self.out_of_budget = True
            waiting = f"cached {name} #{count} (decision budget full)"
            self.note_blocked(waiting)
            if self.suspend is None or not self.suspend():
                raise Blocked(Promise(waiting))
        self.new_markers += 1
        try:
            with self.progress.exempted():
                value = definition.function(*args, **kwargs)
        except Exception as exc:
            error = {"type": qualified(exc), "message": str(exc)[:20_000]}
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

    def _payload_promise(
        self, promise: Promise[Any], text: str | None, at: int, expect: Serializer | None = None
    ) -> Promise[Any]:
        if text is None:
            return promise._resolve(None, at=at)
        return resolved_promise(
            text, self.codec, at=at, promise=promise, expect=expect, exempt=self.progress.exempted
        )

    def decision_time(self) -> float | None:
        return self.state.decision_time

    def note_blocked(self, description: str) -> None:
        self.blocked.append(description)

    def _check(
        self,
        label: str,
        asked: TaskDefinition,
        recorded: ActivityState | ChildState,
    ) -> None:
        """The history's item under this id must be what the code asks for now."""
        error = mismatch(label, asked, recorded)
        if error is not None:
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
            self.checked = (len(state.activities), len(state.timers), len(state.children))
        return items


def _waits_on_inputs(args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """True when a promise among the arguments is not ready yet."""
    return any(isinstance(a, Promise) and not a.is_ready for a in (*args, *kwargs.values()))


def _nth_in_order(values: list[Any], errors: list[Any], count: int) -> Any:
    """The count-th marker of a cached function, value and error markers interleaved."""
    if not errors:  # the usual case, in O(1): a run of 40,000 calls must stay linear
        return values[count - 1] if len(values) >= count else None
    merged = sorted((*values, *errors), key=lambda marker: marker.event_id)
    return merged[count - 1] if len(merged) >= count else None
