"""A cold run's older pages: every event of them is needed, so they decode whole, in
one pass; the first page (the run is not known yet) and a warm run's pages stay raw
until read. A page that does not decode whole is read raw, so a malformed event fails
its decision task when the history is folded, never the poll."""

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
from swflow.worker.pages import read_page


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
    """PollForDecisionTask's answers for one run, ``size`` events a page, as bodies read
    by `read_page` the way `RawPolls` reads them; records how each page was asked for."""

    def __init__(self, events: list[dict[str, Any]], size: int) -> None:
        self.events, self.size = events, size
        self.asked_lazy: list[bool] = []

    def poll(self, *, lazy: bool = False, **params: Any) -> dict[str, Any]:
        assert params["reverseOrder"] is True
        self.asked_lazy.append(lazy)
        newest = int(params.get("nextPageToken", len(self.events)))
        oldest = max(0, newest - self.size)
        page: dict[str, Any] = {
            "taskToken": "token",
            "startedEventId": len(self.events),
            "workflowExecution": {"workflowId": "w", "runId": "r"},
            "workflowType": {"name": "ColdChain", "version": "1"},
            "events": self.events[oldest:newest][::-1],
        }
        if oldest:
            page["nextPageToken"] = str(oldest)
        return read_page(json.dumps(page, default=lambda value: value.timestamp()), lazy=lazy)


def _history(steps: int) -> list[dict[str, Any]]:
    """A ColdChain run after ``steps`` completed steps, its next decision task started."""
    _, built = run_workflow(chain, steps + 1, activities=(step,))
    starts = [i for i, e in enumerate(built.events) if e["eventType"] == "DecisionTaskStarted"]
    return built.events[: starts[steps] + 1]


def _worker(pages: Pages) -> DistributedDecisionWorker:
    worker = DistributedDecisionWorker(
        chain, domain="d", client=devserver_client("http://127.0.0.1:9")
    )
    worker.polls = pages  # type: ignore[assignment]  # the answers, without the network
    return worker


def test_a_cold_runs_older_pages_decode_whole_and_decide_the_same() -> None:
    pages = Pages(_history(60), size=100)
    worker = _worker(pages)
    task = worker.poll("d", "cold")
    assert task is not None and task.history is None  # cold
    assert pages.asked_lazy == [True, False, False, False]  # 4 pages of 100 (~365 events)
    newest_page = task.events[-100:]
    assert all(type(event) is msgspec.Raw for event in newest_page)
    assert all(isinstance(event, Event) for event in task.events[:-100])
    result = worker.decide("d", task)
    (schedule,) = result.decisions
    assert isinstance(schedule, ScheduleActivityTask) and schedule.activity_id == "a61"
    assert task.history == ExecutionState.from_events(pages.events)  # as the dicts fold


def test_a_malformed_event_on_an_older_page_fails_its_task_not_the_poll(
    caplog: pytest.LogCaptureFixture,
) -> None:
    events = _history(60)
    events[10] = {**events[10], "eventType": "WorkflowExecutionTeleported"}
    pages = Pages(events, size=100)
    worker = _worker(pages)
    task = worker.poll("d", "cold")  # the page that holds it is read raw, not refused
    assert task is not None and pages.asked_lazy == [True, False, False, False]
    assert type(task.events[10]) is msgspec.Raw
    with caplog.at_level(logging.ERROR, logger="swflow.worker"):
        assert worker.handle("d", task) is None  # answers nothing: SWF retries the task
    assert "unreadable history" in caplog.text and "WorkflowExecutionTeleported" in caplog.text
