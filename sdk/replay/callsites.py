"""A replay's call sites: what each activity, timer, signal, child and cached call is.

`CallSites` is the `DeciderContext` one replay offers the decorated functions: every
call gets its deterministic id, is matched against what the history recorded under
that id (and checked), and yields a promise or a new decision. Each site's logic is
a settle function: run when the code reaches the site, and for a sticky decider run
again on every later decision task while its promise is pending, so a site left
pending answers exactly as a fresh replay of it would.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from swflow.calls import encode_input
from swflow.errors import (
    TaskError,
    TimerCanceled,
)
from swflow.swf.decisions import (
    CancelTimer,
    RequestCancelActivityTask,
    RequestCancelExternalWorkflowExecution,
    ScheduleActivityTask,
    StartChildWorkflowExecution,
    StartTimer,
)
from swflow.workflow.decorators import (
    ActivityCall,
    ActivityDefinition,
    WorkflowCall,
)
from swflow.workflow.options import decision_fields
from swflow.workflow.promise import Promise, TimerPromise

from .cached_sites import CachedSites
from .call_errors import (
    activity_error,
    canceled_activity,
    canceled_child,
    child_error,
)
from .determinism import WAKEUP_PREFIX
from .records import ActivityState
from .run_sites import OtherRunSites
from .sites import CancelableSite, decision_for, waits_on_inputs

__all__ = ["WAKEUP_PREFIX", "CallSites"]

_UNSAFE_ID = re.compile(r"[:/|\x00-\x1f\x7f-\x9f]")


class CallSites(OtherRunSites, CachedSites):
    """One replay of one decider over one history: the `DeciderContext`."""

    # Activities.

    def schedule_activity(
        self, call: ActivityCall, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Promise[Any]:
        self.sequence["activity"] += 1
        site = self.sequence["activity"]
        definition = call.definition
        self.codec.trust(definition.result)
        promise: Promise[Any] = Promise(f"activity {definition.name} #{site}")
        activity_id = f"a{site}"
        record = self.state.activities.get(activity_id)
        if (
            record is not None
            and record.status == "completed"
            and not ((args or kwargs) and waits_on_inputs(args, kwargs))
        ):  # most sites of a long replay: the first attempt completed, nothing to keep
            self.progress.touch()
            return self._completed(promise, activity_id, definition, record)
        asked = CancelableSite(activity_id, call, args, kwargs)
        self.track(promise, self._settle_activity, promise, asked)
        if not promise.is_ready:  # canceling a settled activity does nothing
            promise._on_cancel = functools.partial(self._cancel_activity, asked)
        return promise

    def _settle_activity(self, promise: Promise[Any], asked: CancelableSite) -> None:
        call, args, kwargs = asked.call, asked.args, asked.kwargs
        definition = call.definition
        if (args or kwargs) and waits_on_inputs(args, kwargs):
            if asked.canceled:
                promise._fail(canceled_activity(definition.name, "scheduled"))
            return  # scheduled once its inputs are ready
        attempt = 1
        while True:
            activity_id = asked.base_id if attempt == 1 else f"{asked.base_id}.{attempt}"
            asked.activity_id = activity_id
            record = self.state.activities.get(activity_id)
            if record is None:
                if asked.canceled:
                    promise._fail(canceled_activity(definition.name, "scheduled"))
                else:
                    self._schedule(call, activity_id, args, kwargs)
                return
            if not self._retried(promise, asked, record, attempt):
                return
            attempt += 1

    def _completed(
        self,
        promise: Promise[Any],
        activity_id: str,
        definition: ActivityDefinition,
        record: ActivityState,
    ) -> Promise[Any]:
        """``promise`` settled from the completed attempt ``record``."""
        self.visited.add(activity_id)
        self._check("activity", activity_id, definition, record)
        expect = definition.result.serializer
        return self._payload_promise(promise, record.result, record.closed_event_id, expect)

    def _retried(
        self, promise: Promise[Any], asked: CancelableSite, record: ActivityState, attempt: int
    ) -> bool:
        """Settle ``promise`` from this attempt's record; True when another attempt follows."""
        activity_id = asked.activity_id or asked.base_id
        definition, retry = asked.call.definition, asked.call.options.retry
        if record.status == "completed":
            self._completed(promise, activity_id, definition, record)
            return False
        self.visited.add(activity_id)
        self._check("activity", activity_id, definition, record)
        if record.status in ("scheduled", "started"):
            return False
        if record.status in retry.retry_on and attempt < retry.max_attempts:
            backoff = f"{activity_id}.backoff"
            if asked.canceled:  # no further attempt
                self.visited.add(backoff)
                promise._fail(canceled_activity(definition.name, "retried"))
                return False
            delay = retry.delay_after(attempt)
            return not delay or self._timer_fired(backoff, delay)
        promise._fail(activity_error(record, attempt, self.codec), at=record.closed_event_id)
        return False

    def _cancel_activity(self, asked: CancelableSite, promise: Promise[Any]) -> None:
        if promise.is_ready:
            return
        asked.canceled = True
        activity_id = asked.activity_id
        unsent = decision_for(self.decisions, ScheduleActivityTask, activity_id=activity_id)
        if unsent is not None:  # scheduled in this very task: it never reaches SWF
            self.decisions.remove(unsent)
        self._settle_activity(promise, asked)
        if promise.is_ready or activity_id is None:
            return
        record = self.state.activities.get(activity_id)
        if (
            record is not None
            and record.status in ("scheduled", "started")
            and not record.cancel_requested
            and decision_for(self.decisions, RequestCancelActivityTask, activity_id=activity_id)
            is None
        ):
            self.decisions.append(RequestCancelActivityTask(activity_id))

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
            self._payload_promise(promise, signal.input, signal.event_id, field="input")

    # Child workflows.

    def start_child(
        self, call: WorkflowCall, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Promise[Any]:
        self.sequence["child"] += 1
        site = self.sequence["child"]
        definition, options = call.definition, call.options
        self.codec.trust(definition.result)
        workflow_id = (
            options.workflow_id
            or _UNSAFE_ID.sub("_", f"{self.workflow_id}.{self.run_id}.c{site}".replace("..", "."))[
                -256:
            ]
        )
        promise: Promise[Any] = Promise(f"child {definition.name} {workflow_id}")
        asked = CancelableSite(workflow_id, call, args, kwargs)
        promise._on_cancel = functools.partial(self._cancel_child, asked)
        self.track(promise, self._settle_child, promise, asked)
        return promise

    def _settle_child(self, promise: Promise[Any], asked: CancelableSite) -> None:
        workflow_id, call, args, kwargs = asked.base_id, asked.call, asked.args, asked.kwargs
        definition, options = call.definition, call.options
        if (args or kwargs) and waits_on_inputs(args, kwargs):
            if asked.canceled:
                promise._fail(canceled_child(definition.name, workflow_id))
            return  # started once its inputs are ready
        record = self.state.children.get(workflow_id)
        self.visited.add(f"child:{workflow_id}")
        if record is None:
            if asked.canceled:
                promise._fail(canceled_child(definition.name, workflow_id))
                return
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
        self._check("child workflow", workflow_id, definition, record)
        if record.status == "completed":
            expect = definition.result.serializer
            self._payload_promise(promise, record.result, record.closed_event_id, expect)
        elif record.status not in ("initiated", "started"):
            promise._fail(child_error(record, self.codec), at=record.closed_event_id)

    def _cancel_child(self, asked: CancelableSite, promise: Promise[Any]) -> None:
        workflow_id, name = asked.base_id, asked.call.definition.name
        control = f"c:{workflow_id}"
        self.visited.add(f"external:{control}")  # the request this call sent, if it did
        if promise.is_ready:
            return
        asked.canceled = True
        unsent = decision_for(self.decisions, StartChildWorkflowExecution, workflow_id=workflow_id)
        record = self.state.children.get(workflow_id)
        if unsent is not None or record is None:  # never reaches SWF
            if unsent is not None:
                self.decisions.remove(unsent)
            promise._fail(canceled_child(name, workflow_id))
            return
        if (
            record.status in ("initiated", "started")
            and control not in self.state.externals
            and decision_for(
                self.decisions, RequestCancelExternalWorkflowExecution, control=control
            )
            is None
        ):
            self.decisions.append(
                RequestCancelExternalWorkflowExecution(workflow_id, record.run_id, control=control)
            )
