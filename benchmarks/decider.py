"""Decider benchmark: swflow's decision worker beside simpleflow 0.36, in one run.

    python3 -m uv run --all-extras python benchmarks/decider.py [--runs 5] [--rounds 3]

(a) One decision on 1,000 / 10,000 / 24,000-event sequential histories, from the raw
    HTTP body of PollForDecisionTask to the decisions. simpleflow reads the body the way
    its boto3 client does (botocore's SWF response parser, then its History and
    Executor.replay); a column with the standard library's json instead shows how much
    of its time is botocore. swflow cold is a fresh decider as the decision worker runs
    one: `DistributedDecisionWorker.poll` and `.decide` with an empty cache, fed the
    bodies SWF would send (the poll's 100-event page, then GetWorkflowExecutionHistory's
    1,000-event pages, built before the clock starts), plus encoding the
    RespondDecisionTaskCompleted body; swflow warm is the same worker with the run in
    its `HistoryCache`: the newest-first page, only the new events folded, the decider
    replayed.
(b) The total decider time over the whole life of an N-step sequential workflow
    (N + 1 decision tasks). swflow's is measured: every decision task of the life goes
    through `DistributedDecisionWorker.poll` and `.decide` (its cache included), fed
    the page bodies SWF would send, plus encoding the RespondDecisionTaskCompleted body;
    the process's CPU time (a sticky decider runs in a thread of its own). simpleflow's
    is estimated: decisions sampled at 7 points of the life and integrated
    (trapezoids), because running its ~3,000 decisions takes most of an hour.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from replay import (
    SIMPLEFLOW_DIALECT,
    SWFLOW,
    poll_response,
    seq,
    simpleflow_python,
    time_simpleflow,
)

from swflow import DistributedDecisionWorker
from swflow.swf.connection import devserver_client
from swflow.swf.decisions import CompleteWorkflowExecution
from swflow.worker.pages import read_page
from swflow.worker.task_pages import FIRST_PAGE, FULL_PAGE


class Pages:
    """SWF's answers for one run, from its events (JSON text each): PollForDecisionTask's
    pages and GetWorkflowExecutionHistory's, newest first, as many events as asked."""

    def __init__(self, head: dict[str, Any], events: list[str]) -> None:
        self.head = head
        self.events = events
        self.started = 0  # the decision task being handed out: its DecisionTaskStarted id
        self.first: bytes = b""
        self.older: dict[str | None, bytes] = {}

    def hand_out(self, started: int) -> None:
        """The next poll brings the task started at event ``started`` (its pages built
        now, outside the timed part: building them is SWF's work, not the decider's)."""
        self.started = started
        self.first = self.body(dict(self.head, startedEventId=started), None, FIRST_PAGE)
        self.older, token = {}, None
        while token != "0":  # GetWorkflowExecutionHistory's pages, newest first
            self.older[token] = self.body({}, token, FULL_PAGE)
            token = str(max(0, (int(token) if token else started) - FULL_PAGE))

    def body(self, head: dict[str, Any], token: str | None, size: int) -> bytes:
        newest = int(token) if token else self.started
        oldest = max(1, newest - size + 1)
        page = dict(head)
        if oldest > 1:
            page["nextPageToken"] = str(oldest - 1)
        chunk = ",".join(reversed(self.events[oldest - 1 : newest]))
        text = json.dumps(page)[:-1] + f'{", " if page else ""}"events": [{chunk}]}}'
        return text.encode()

    def poll(self, *, lazy: bool = False, **params: Any) -> dict[str, Any]:
        assert params["reverseOrder"] is True and params["maximumPageSize"] == FIRST_PAGE
        assert "nextPageToken" not in params  # the rest comes by history
        return read_page(self.first, lazy=lazy)

    def history(self, *, lazy: bool = False, **params: Any) -> dict[str, Any]:
        assert params["reverseOrder"] is True
        assert params["maximumPageSize"] == FULL_PAGE
        return read_page(self.older[params.get("nextPageToken")], lazy=lazy)


def _worker(pages: Pages) -> DistributedDecisionWorker:
    worker = DistributedDecisionWorker(
        seq, domain="bench", client=devserver_client("http://127.0.0.1:9")
    )
    worker.polls = pages  # type: ignore[assignment]  # SWF's answers, without the network
    return worker


def _pages(steps: int, done: int | None = None) -> tuple[Pages, list[int]]:
    """A run's pages and the DecisionTaskStarted event ids of its life."""
    page = json.loads(poll_response("seq", steps, SWFLOW, done=done))
    events = [json.dumps(event) for event in page.pop("events")]
    starts = [i for i, text in enumerate(events, start=1) if '"DecisionTaskStarted"' in text]
    return Pages(page, events), starts


def _timed_decision(worker: DistributedDecisionWorker) -> tuple[float, Any, Any]:
    """One decision task: poll (pages parsed, cache used), replay, respond body built."""
    begin = time.process_time()  # all threads: the sticky decider runs in its own
    task = worker.poll("bench", "decisions")
    assert task is not None
    result = worker.decide("bench", task)
    worker.remember(task, result, answered=True)  # as handle() does once SWF accepted it
    json.dumps({"taskToken": task.token, "decisions": result.to_swf()})
    return time.process_time() - begin, task, result.decisions


def run_life(steps: int) -> list[float]:
    """Per decision task of a ``steps``-step life: the decider's CPU seconds."""
    pages, starts = _pages(steps)
    worker = _worker(pages)
    costs = []
    for started in starts:
        pages.hand_out(started)
        costs.append(_timed_decision(worker)[0])
    assert worker.histories.hits == len(starts) - 1  # every task after the first was warm
    worker.histories.clear()
    return costs


def one_decision(steps: int, runs: int) -> tuple[list[float], list[float], int]:
    """swflow cold and warm seconds for the decision after ``steps`` steps."""
    pages, starts = _pages(steps)
    cold = []
    worker = _worker(pages)  # a worker that has decided before, meeting a run it lacks
    pages.hand_out(starts[-1])
    _timed_decision(worker)
    worker.histories.clear()
    for _ in range(runs):
        pages.hand_out(starts[-1])
        cost, task, decisions = _timed_decision(worker)
        assert task.decider is not None and worker.histories.hits == 0  # cold: folded whole
        assert len(decisions) == 1 and isinstance(decisions[0], CompleteWorkflowExecution)
        cold.append(cost)
        worker.histories.clear()
    warm = []
    for _ in range(runs):
        worker = _worker(pages)
        pages.hand_out(starts[-2])  # the previous decision task warms the cache
        _timed_decision(worker)
        pages.hand_out(starts[-1])
        cost, task, _ = _timed_decision(worker)
        assert worker.histories.hits == 1 and task.decider is not None
        warm.append(cost)
        worker.histories.clear()  # its decider thread would keep the whole run alive
    return cold, warm, starts[-1]


def table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(c).rjust(w) for c, w in zip(row, widths, strict=True)))


def part_a(python: Path | None, runs: int, rounds: int) -> None:
    print(
        "\n(a) one decision, raw PollForDecisionTask body -> decisions "
        f"(medians of {rounds} interleaved rounds, ms)"
    )
    rows = []
    for steps in (166, 1666, 4000):
        text = poll_response("seq", steps, SIMPLEFLOW_DIALECT)
        colds, warms, theirs, plains = [], [], [], []
        for _ in range(rounds):  # both sides in every round: bursts of noise hit both
            cold_runs, warm_runs, events = one_decision(steps, runs)
            colds += cold_runs
            warms += warm_runs
            if python is not None:
                theirs.append(time_simpleflow(python, text, "seq", runs, parser="botocore"))
                plains.append(time_simpleflow(python, text, "seq", runs))
        cold, warm = statistics.median(colds), statistics.median(warms)
        row = [f"{events:,}", f"{cold * 1e3:.1f}", f"{warm * 1e3:.2f}"]
        if python is not None:
            botocore, plain = statistics.median(theirs), statistics.median(plains)
            row += [
                f"{botocore * 1e3:,.1f}",
                f"{plain * 1e3:,.1f}",
                f"{botocore / cold:.1f}x",
                f"{botocore / warm:,.0f}x",
            ]
        rows.append(row)
    header = ["events", "swflow cold", "swflow warm"]
    if python is not None:
        header += ["simpleflow", "(json only)", "vs cold", "vs warm"]
    table(header, rows)


def part_b(python: Path | None, steps: int, runs: int) -> None:
    print(f"\n(b) the whole life of a {steps:,}-step sequential workflow ({steps + 1:,} decisions)")
    costs = run_life(steps)
    cumulative = [0.0]
    for cost in costs:
        cumulative.append(cumulative[-1] + cost)
    marks = [steps // 4, steps // 2, steps]
    ours = {mark: cumulative[mark + 1] for mark in marks}  # decisions 0..mark
    theirs: dict[int, float] = {}
    if python is not None:
        samples = sorted(
            {0, steps // 6, steps // 3, steps // 2, 2 * steps // 3, 5 * steps // 6, steps}
        )
        measured = []
        for k in samples:
            text = poll_response("seq", steps, SIMPLEFLOW_DIALECT, done=k)
            expect = "CompleteWorkflowExecution" if k == steps else "ScheduleActivityTask"
            measured.append(
                time_simpleflow(python, text, "seq", runs, parser="botocore", expect=expect)
            )
        for mark in marks:  # trapezoids over the decisions 0..mark
            theirs[mark] = _integrate(samples, measured, mark)
    rows = []
    for mark in marks:
        row = [f"{mark:,}", f"{ours[mark]:.2f}", f"{costs[mark] * 1e3:.2f}"]
        if python is not None:
            row += [f"{theirs[mark]:,.1f}", f"{theirs[mark] / ours[mark]:,.0f}x"]
        rows.append(row)
    header = ["steps", "swflow total s", "swflow last ms"]
    if python is not None:
        header += ["simpleflow total s (est.)", "ratio"]
    table(header, rows)
    growth = math.log(ours[steps] / ours[steps // 2], 2)
    line = f"growth from {steps // 2:,} to {steps:,} steps: swflow x{2**growth:.2f}"
    line += f" (exponent {growth:.2f}"
    if python is not None:
        line += f"; simpleflow exponent {math.log(theirs[steps] / theirs[steps // 2], 2):.2f}"
    print(line + "; 1 = linear, 2 = quadratic)")


def _integrate(samples: list[int], seconds: list[float], mark: int) -> float:
    """Sum over decisions 0..mark of the linearly interpolated per-decision cost."""
    total = 0.0
    for k in range(mark + 1):
        i = max(j for j, s in enumerate(samples) if s <= k)
        if samples[i] == k or i == len(samples) - 1:
            total += seconds[i]
            continue
        left, right = samples[i], samples[i + 1]
        total += seconds[i] + (seconds[i + 1] - seconds[i]) * (k - left) / (right - left)
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--no-simpleflow", action="store_true")
    args = parser.parse_args()
    python = None if args.no_simpleflow else simpleflow_python()
    print(f"decider benchmark, Python {sys.version.split()[0]}, simpleflow 0.36 beside swflow")
    part_a(python, args.runs, args.rounds)
    part_b(python, args.steps, min(args.runs, 3))


if __name__ == "__main__":
    main()
