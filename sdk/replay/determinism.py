"""What makes a replay nondeterministic: a recorded item of another type under a call
site's id, or recorded items no call site claims any more (the code changed)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from typing import Any

from swflow.errors import NonDeterministicWorkflowError
from swflow.workflow.decorators import CACHED_ERROR_MARKER, CACHED_VALUE_MARKER, TaskDefinition

from .records import ActivityState, ChildState, ExternalState
from .state import ExecutionState

__all__ = ["WAKEUP_PREFIX", "external_mismatch", "mismatch", "unclaimed"]

_DIGITS = re.compile(r"(\d+)")

WAKEUP_PREFIX = "swflow.more."
"""Timers that only make SWF hand out the next decision task (see snapshot._within_limit)."""


def mismatch(
    kind: str, item_id: str, asked: TaskDefinition, recorded: ActivityState | ChildState
) -> NonDeterministicWorkflowError:
    """The error for a history whose ``kind`` under ``item_id`` is not the type the code
    asks for (the caller compares the two, at every call site: the message is built
    only on a mismatch)."""
    return NonDeterministicWorkflowError(
        f"{kind} {item_id}: the code now asks for {asked.name} {asked.version} where the "
        f"history recorded {recorded.name} {recorded.version}"
    )


def external_mismatch(
    control: str, asked: ExternalState, recorded: ExternalState
) -> NonDeterministicWorkflowError | None:
    """The error when the signal or cancel request recorded under ``control`` is not
    the one the code sends now."""
    if (asked.kind, asked.workflow_id, asked.signal_name) == (
        recorded.kind,
        recorded.workflow_id,
        recorded.signal_name,
    ):
        return None

    def describe(item: ExternalState) -> str:
        what = f"signal {item.signal_name!r}" if item.kind == "signal" else "a cancel request"
        return f"{what} to {item.workflow_id}"

    return NonDeterministicWorkflowError(
        f"{control}: the code now sends {describe(asked)} where the history recorded "
        f"{describe(recorded)}"
    )


def unclaimed(
    state: ExecutionState,
    visited: set[str],
    checked: tuple[int, int, int, int],
    cached_calls: dict[str, int],
) -> list[str]:
    """History items no call site claimed: evidence the code changed.

    Only items added since the last clean check (``checked``: activities, timers,
    children and signals or cancel requests sent then) are looked at: the history's
    records only grow, at the end, and what was visited stays visited.
    """
    activities, timers, children, externals = checked
    items = [
        *(i for i in _added(state.activities, activities) if i not in visited),
        *(
            i
            for i in _added(state.timers, timers)
            if i not in visited and not i.startswith(WAKEUP_PREFIX)
        ),
        *(f"child {i}" for i in _added(state.children, children) if f"child:{i}" not in visited),
        *(
            f"sent {state.externals[i].kind} {i}"
            for i in _added(state.externals, externals)
            if f"external:{i}" not in visited
        ),
    ]
    recorded: dict[str, int] = {}
    for name, markers in state.markers.items():
        for prefix in (CACHED_VALUE_MARKER, CACHED_ERROR_MARKER):
            if name.startswith(prefix):
                function = name.removeprefix(prefix)
                recorded[function] = recorded.get(function, 0) + len(markers)
    items += [
        f"cached {function} call {cached_calls.get(function, 0) + 1} of {total}"
        for function, total in recorded.items()
        if total > cached_calls.get(function, 0)
    ]
    return sorted(set(items), key=_natural)


def _natural(item: str) -> list[Any]:
    """Sorts a2 before a10, so that a message names the first items first."""
    return [int(part) if part.isdigit() else part for part in _DIGITS.split(item)]


def _added(records: dict[str, Any], checked: int) -> Iterator[str]:
    """The ids of all but the first ``checked`` records (dicts keep insertion order)."""
    return islice(reversed(records), len(records) - checked)
