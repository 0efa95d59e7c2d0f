"""Every replay test runs twice: with snapshot `decide`, and with sticky deciders.

The sticky run answers each ``decide(history.events, workflow)`` the way the decision
worker does: one `StickyDecider` per growing history, the new events folded into its
state and the suspended code resumed; a new decider (a snapshot replay) whenever the
last one cannot go on. Both must pass the same assertions.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import pytest

import swflow.testing.histories
from swflow.replay import decide
from swflow.replay.events import HistoryEvent
from swflow.replay.snapshot import DecisionResult
from swflow.replay.state import ExecutionState
from swflow.replay.sticky import StickyDecider


class StickyReplays:
    """A drop-in `decide` answering through sticky deciders."""

    def __init__(self) -> None:
        self.runs: dict[tuple[int, int], tuple[list[HistoryEvent], StickyDecider]] = {}
        self.resumed = 0  # decisions answered by a decider that went on

    def __call__(
        self, history: ExecutionState | Iterable[HistoryEvent], workflow: Any, **options: Any
    ) -> DecisionResult:
        if not isinstance(history, list):
            return decide(history, workflow, **options)
        key = (id(history), id(workflow))
        events, decider = self.runs.pop(key, (None, None))
        new = len(history) - decider.state.last_event_id if decider is not None else 0
        if decider is not None and events is history and new > 0 and decider.reusable:
            decider.state.extend(history[-new:])
            self.resumed += 1
        else:
            if decider is not None:
                decider.close()
            decider = StickyDecider(ExecutionState.from_events(history), workflow, **options)
        result = decider.decide()  # closes itself when it raises
        if decider.reusable:
            self.runs[key] = (history, decider)
        return result

    def close(self) -> None:
        for _, decider in self.runs.values():
            decider.close()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Both engines for modules that call decide(); the others once."""
    engines = ["snapshot", "sticky"] if hasattr(metafunc.module, "decide") else ["snapshot"]
    metafunc.parametrize("replay_engine", engines, indirect=True)


@pytest.fixture(autouse=True)
def replay_engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Which engine answers the test's decide() calls (and run_workflow's)."""
    if request.param == "snapshot":
        yield "snapshot"
        return
    sticky = StickyReplays()
    if hasattr(request.module, "decide"):
        monkeypatch.setattr(request.module, "decide", sticky)
    monkeypatch.setattr(swflow.testing.histories, "decide", sticky)
    try:
        yield "sticky"
    finally:
        sticky.close()
