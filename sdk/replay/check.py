"""Offline determinism check: does today's decider code still agree with a recorded run?

The whole recorded history is replayed once against the current code (as a decision
task would), so every recorded call site is matched against what the code asks for
now. A run that closed by a decision must, in addition, be closed by the same kind of
decision at the same point: the close event is set aside, and the code must answer
exactly that close. Runs that are open, terminated or timed out have no such check
at the end; what the code would decide next is reported.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from swflow.errors import HistoryError, NonDeterministicWorkflowError
from swflow.payloads import PayloadCodec
from swflow.swf.vocabulary import CLOSE_DECISIONS, CLOSE_EVENTS
from swflow.workflow.decorators import WorkflowDefinition, WorkflowTask

from .snapshot import decide

__all__ = ["ReplayReport", "check_replay", "load_history"]

_CLOSED_BY_DECISION = {event: decision for decision, event in CLOSE_DECISIONS.items()}


@dataclass
class ReplayReport:
    """What a replay check found (it raises on a mismatch).

    Attributes:
        events: how many events were replayed.
        closed_by: the close event type, or None for a run still open.
        next_decisions: decision types the code would send now (open runs).
        waiting_on: what the code is blocked on (open runs).
    """

    events: int
    closed_by: str | None
    next_decisions: list[str] = field(default_factory=list)
    waiting_on: list[str] = field(default_factory=list)


def load_history(path: str | Path) -> list[dict[str, Any]]:
    """Events from a JSON file: SWF's ``{"events": [...]}`` page, or a bare list.

    Raises:
        HistoryError: the file is not JSON, or not shaped like a history.
    """
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, UnicodeDecodeError) as exc:
        raise HistoryError(f"cannot read history {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise HistoryError(f"history {path} is not valid JSON: {exc}") from None
    except RecursionError:
        raise HistoryError(f"history {path} is JSON nested too deeply to be a history") from None
    events = data.get("events") if isinstance(data, dict) else data
    if not isinstance(events, list) or not events:
        raise HistoryError(
            f"{path} holds no history: expected a list of events or {{'events': [...]}}"
        )
    for index, event in enumerate(events):
        if not isinstance(event, dict) or not {"eventId", "eventType"} <= event.keys():
            raise HistoryError(f"{path}: item {index} is not an SWF event (eventId, eventType)")
    return events


def check_replay(
    events: Sequence[Mapping[str, Any]],
    decider: WorkflowTask | WorkflowDefinition,
    *,
    codec: PayloadCodec | None = None,
) -> ReplayReport:
    """Replay ``events`` with ``decider``'s current code.

    Raises:
        NonDeterministicWorkflowError: the first point where code and history disagree.
        HistoryError: the history is malformed.
    """
    definition = decider.definition if isinstance(decider, WorkflowTask) else decider
    ordered = sorted(events, key=lambda event: int(event["eventId"]))
    first: Mapping[str, Any] = ordered[0]
    if first["eventType"] != "WorkflowExecutionStarted":
        raise HistoryError(
            f"history starts with {first['eventType']}, not WorkflowExecutionStarted"
        )
    recorded = first["workflowExecutionStartedEventAttributes"]["workflowType"]
    if recorded["name"] != definition.name:
        raise NonDeterministicWorkflowError(
            f"the history is of workflow type {recorded['name']} {recorded['version']}, "
            f"not {definition.name} {definition.version}"
        )
    last = ordered[-1]
    closed_by = last["eventType"]
    if closed_by in CLOSE_EVENTS:  # by a decision, or from outside (terminated, timed out)
        ordered = ordered[:-1]
    else:
        closed_by = None
    result = decide(ordered, definition, codec=codec)
    now = [decision.to_swf()["decisionType"] for decision in result.decisions]
    expected = _CLOSED_BY_DECISION.get(closed_by or "")
    if expected is not None and now != [expected]:
        doing = ", ".join(now) if now else f"nothing (it waits on {', '.join(result.waiting_on)})"
        raise NonDeterministicWorkflowError(
            f"event {last['eventId']}: the recorded run ended with {closed_by}, but the "
            f"code now decides {doing}"
        )
    return ReplayReport(
        events=len(events),
        closed_by=closed_by,
        next_decisions=[] if expected else now,
        waiting_on=[] if expected else result.waiting_on,
    )
