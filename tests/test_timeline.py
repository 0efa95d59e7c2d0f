"""The timeline page for runs no server produced: open runs, signals, failures."""

from __future__ import annotations

from swflow.payloads import default_codec
from swflow.run_info import HistoryEvent
from swflow.swf.decisions import (
    RequestCancelExternalWorkflowExecution,
    SignalExternalWorkflowExecution,
)
from swflow.testing import HistoryBuilder
from swflow.timeline import render_timeline


def _events(history: HistoryBuilder) -> list[HistoryEvent]:
    return [HistoryEvent.from_swf(event, default_codec()) for event in history.events]


def test_an_open_run_with_a_signal_is_drawn_open() -> None:
    history = HistoryBuilder("waiting")
    history.signal("approval", {"ok": True})
    # SWF schedules no second decision task while one is pending: the signal is last.
    events = [e for e in _events(history) if e.event_id != history.events[-1]["eventId"]]
    assert events[-1].event_type == "WorkflowExecutionSignaled"
    page = render_timeline(events, title="w<1>")
    assert "still open" in page and "ended with" not in page
    assert 'class="point signal"' in page and "approval" in page
    assert 'class="bar workflow open"' in page
    assert "<title>w&lt;1&gt;: swflow timeline</title>" in page  # titles are escaped


def test_a_failed_activity_shows_its_reason() -> None:
    history = HistoryBuilder("failing")
    history.add(
        "ActivityTaskScheduled",
        activityType={"name": "charge", "version": "1"},
        activityId="a1",
        decisionTaskCompletedEventId=1,
    )
    history.add("ActivityTaskStarted", scheduledEventId=3)
    history.add("ActivityTaskFailed", scheduledEventId=3, startedEventId=4, reason="declined")
    page = render_timeline(_events(history))
    assert 'class="bar activity failed"' in page and "reason=declined" in page


def test_signals_and_cancel_requests_sent_to_other_runs_are_drawn_until_delivered() -> None:
    history = HistoryBuilder("talks")
    history.apply(
        [
            SignalExternalWorkflowExecution("order-1", "approve", control="s1"),
            RequestCancelExternalWorkflowExecution("order-2", control="x1"),
        ]
    )
    history.deliver_external("s1")
    history.deliver_external("x1", cause="UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION")
    history.request_cancel(by="operator")
    page = render_timeline(_events(history))
    assert "signal approve to order-1" in page and "cancel request to order-2" in page
    assert 'class="bar signal completed"' in page and 'class="bar signal failed"' in page
    assert "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION" in page  # the reason, not just a colour
    assert "WorkflowExecutionCancelRequested" in page
