"""A decision task's pages: a small first page (the run is not known yet: its events
stay raw until read), then, for a cold run, the whole history by
GetWorkflowExecutionHistory, decoded whole in one pass (its newest page in place of the
poll's); a warm run far behind reads only the events it lacks, raw; without a cache the
poll pages itself. A page that does not decode whole is read raw, so a malformed event
fails its decision task when the history is folded, never the poll."""

from __future__ import annotations

import json
import logging
from typing import Any

import msgspec
import pytest

from swflow import DistributedDecisionWorker, activity_task, decision_task
from swflow.replay.events import Event
from swflow.replay.state import ExecutionState
from swflow.swf.connection import devserver_client
from swflow.swf.decisions import ScheduleActivityTask
from swflow.testing import run_workflow
from swflow.worker.pages import event_id, read_page


@activity_task(swf_task_type="Step", swf_task_version="1", swf_task_list="cold-acts")
def step(i: int) -> int:
    return i + 1


@decision_task(swf_workflow_type="ColdChain", swf_workflow_version="1", swf_task_list="cold")
def chain(n: int) -> int:
    total = 0
    for i in range(n):
        total += step(i).result
    return total


class Pages:
    """SWF's answers for one run: PollForDecisionTask's pages and GetWorkflowExecutionHistory's,
    newest first, as many events a page as asked (at most ``cap``), read by `read_page` the
    way `RawPolls` reads them; records how each page was asked for."""

    def __init__(self, events: list[dict[str, Any]], cap: int = 1000) -> None:
        self.events, self.cap = events, cap
        self.asked: list[tuple[str, bool]] = []  # (operation, lazy) per request

    def poll(self, *, lazy: bool = False, **params: Any) -> dict[str, Any]:
        self.asked.append(("poll", lazy))
        head = {
            "taskToken": "token",
            "startedEventId": len(self.events),
            "workflowExecution": {"workflowId": "w", "runId": "r"},
            "workflowType": {"name": "ColdChain", "version": "1"},
        }
        return self._page(head, params, lazy)

    def history(self, *, lazy: bool = False, **params: Any) -> dict[str, Any]:
        self.asked.append(("history", lazy))
        assert params["execution"] == {"workflowId": "w", "runId": "r"}
        return self._page({}, params, lazy)

    def _page(self, head: dict[str, Any], params: dict[str, Any], lazy: bool) -> dict[str, Any]:
        assert params["reverseOrder"] is True
        newest = int(params.get("nextPageToken", len(self.events)))
        oldest = max(0, newest - min(params["maximumPageSize"], self.cap))
        page = {**head, "events": self.events[oldest:newest][::-1]}
        if oldest:
            page["nextPageToken"] = str(oldest)
        return read_page(json.dumps(page, default=lambda value: value.timestamp()), lazy=lazy)


def _history(steps: int) -> list[dict[str, Any]]:
    """A ColdChain run after ``steps`` completed steps, its next decision task started."""
    _, built = run_workflow(chain, steps + 1, activities=(step,))
    starts = [i for i, e in enumerate(built.events) if e["eventType"] == "DecisionTaskStarted"]
    return built.events[: starts[steps] + 1]


def _worker(pages: Pages, **options: Any) -> DistributedDecisionWorker:
    worker = DistributedDecisionWorker(
        chain, domain="d", client=devserver_client("http://127.0.0.1:9"), **options
    )
    worker.polls = pages  # type: ignore[assignment]  # the answers, without the network
    return worker


def test_a_cold_run_reads_a_small_first_page_then_the_rest_of_its_history_whole() -> None:
    pages = Pages(_history(60))  # ~365 events
    worker = _worker(pages)
    task = worker.poll("d", "cold")
    assert task is not None and task.history is None  # cold
    assert pages.asked == [("poll", True), ("history", False)]  # 100 events, then the rest
    assert [event_id(e) for e in task.events] == list(range(1, len(pages.events) + 1))
    # the history's newest page, decoded whole, in place of the poll's raw one
    assert all(isinstance(event, Event) for event in task.events)
    result = worker.decide("d", task)
    (schedule,) = result.decisions
    assert isinstance(schedule, ScheduleActivityTask) and schedule.activity_id == "a61"
    assert task.history == ExecutionState.from_events(pages.events)  # as the dicts fold


def test_a_cold_run_answers_its_history_as_the_poll_gave_it() -> None:
    seen, later = _history(60), _history(61)  # the run went on between the two requests

    class Growing(Pages):
        def poll(self, *, lazy: bool = False, **params: Any) -> dict[str, Any]:
            page = super().poll(lazy=lazy, **params)
            self.events = later
            return page

    pages = Growing(seen)
    worker = _worker(pages)
    task = worker.poll("d", "cold")
    assert task is not None and pages.asked == [("poll", True), ("history", False)]
    assert [event_id(e) for e in task.events] == list(range(1, len(seen) + 1))
    (schedule,) = worker.decide("d", task).decisions
    assert isinstance(schedule, ScheduleActivityTask) and schedule.activity_id == "a61"


def test_a_cache_far_behind_reads_only_the_events_it_lacks_from_the_history() -> None:
    events = _history(60)
    pages = Pages(events[: len(_history(10))], cap=100)  # a server that answers 100 a page
    worker = _worker(pages)
    task = worker.poll("d", "cold")
    assert task is not None
    worker.remember(task, worker.decide("d", task), answered=True)
    known = len(pages.events)
    pages.events, pages.asked = events, []  # ~300 events later (another worker decided them)
    task = worker.poll("d", "cold")
    assert task is not None and task.history is not None  # warm, but far behind
    # 100 events; then the history's newest 100 (held already), 100 more, and the page
    # that reaches what the cache knows: never the older ones
    assert pages.asked == [("poll", True)] + [("history", True)] * 3
    assert [event_id(e) for e in task.events] == list(range(known + 1, len(events) + 1))
    (schedule,) = worker.decide("d", task).decisions
    assert isinstance(schedule, ScheduleActivityTask) and schedule.activity_id == "a61"
    assert task.history == ExecutionState.from_events(events)


def test_without_a_cache_every_task_pages_the_poll_itself_in_full_pages() -> None:
    pages = Pages(_history(60), cap=100)  # a server that answers 100 events a page
    worker = _worker(pages, history_cache_events=0)
    task = worker.poll("d", "cold")
    assert task is not None
    assert pages.asked == [("poll", True), ("poll", False), ("poll", False), ("poll", False)]
    assert [event_id(e) for e in task.events] == list(range(1, len(pages.events) + 1))
    (schedule,) = worker.decide("d", task).decisions
    assert isinstance(schedule, ScheduleActivityTask) and schedule.activity_id == "a61"


def test_a_malformed_event_on_an_older_page_fails_its_task_not_the_poll(
    caplog: pytest.LogCaptureFixture,
) -> None:
    events = _history(60)
    events[10] = {**events[10], "eventType": "WorkflowExecutionTeleported"}
    pages = Pages(events)
    worker = _worker(pages)
    task = worker.poll("d", "cold")  # the page that holds it is read raw, not refused
    assert task is not None and pages.asked == [("poll", True), ("history", False)]
    assert type(task.events[10]) is msgspec.Raw
    with caplog.at_level(logging.ERROR, logger="swflow.worker"):
        assert worker.handle("d", task) is None  # answers nothing: SWF retries the task
    assert "unreadable history" in caplog.text and "WorkflowExecutionTeleported" in caplog.text
