"""The timeline page for runs no server produced: open runs, signals, failures."""

from __future__ import annotations

from datetime import timedelta

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


def _timer_dwarfs_activities() -> list[HistoryEvent]:
    """One-second activities around an hour's timer: a linear axis makes them slivers."""
    history = HistoryBuilder("sleepy")
    kind = {"activityType": {"name": "fetch", "version": "1"}, "decisionTaskCompletedEventId": 1}
    first = history.add("ActivityTaskScheduled", activityId="a1", **kind)
    started = history.add("ActivityTaskStarted", scheduledEventId=first)
    history.add("ActivityTaskCompleted", scheduledEventId=first, startedEventId=started)
    timer = history.add(
        "TimerStarted", timerId="t1", startToFireTimeout="3600", decisionTaskCompletedEventId=1
    )
    history.add("TimerFired", timerId="t1", startedEventId=timer)
    second = history.add("ActivityTaskScheduled", activityId="a2", **kind)
    started = history.add("ActivityTaskStarted", scheduledEventId=second)
    history.add(
        "ActivityTaskFailed",
        scheduledEventId=second,
        startedEventId=started,
        reason="card declined",
    )
    for event in history.events[timer:]:  # everything after the timer started: an hour on
        event["eventTimestamp"] += timedelta(hours=1)
    return _events(history)


def _bar_widths(page: str, kind: str) -> list[float]:
    import re

    bars = re.findall(rf'<g class="bar {kind} [a-z]+">.*?</g>', page)
    return [float(w) for bar in bars for w in re.findall(r'width="([0-9.]+)" height="14" rx', bar)]


def test_an_hour_long_timer_does_not_shrink_the_activities_to_slivers() -> None:
    page = render_timeline(_timer_dwarfs_activities())
    assert 'class="break"' in page and "60 min quiet" in page  # the hour is a labelled break
    assert all(width > 100 for width in _bar_widths(page, "activity"))  # one second, readable
    assert ">card declined</text>" in page  # the failure reason, without hovering


def test_long_labels_are_cut_to_the_label_column_with_the_full_text_as_tooltip() -> None:
    history = HistoryBuilder("labels")
    history.add(
        "ActivityTaskScheduled",
        activityType={"name": "x" * 120, "version": "1"},
        activityId="a1",
        decisionTaskCompletedEventId=1,
    )
    page = render_timeline(_events(history))
    assert "x" * 120 + " 1" in page.split("<title>", 2)[2]  # the full label, as a tooltip
    assert ("x" * 43 + "…") in page
