"""History in, decisions out: the folded execution state, the replay context (call
sites), the snapshot and sticky deciders, and the offline replay check.

May import: ``swflow.errors``, ``swflow.swf`` (vocabulary and decisions, not the
connection), ``swflow.workflow``, ``swflow.payloads``, ``swflow.calls``,
``swflow.failures``; never boto3, the workers, the client or the devserver.
"""

from .check import ReplayReport, check_replay, load_history
from .snapshot import DecisionResult, decide
from .state import ExecutionState
from .sticky import StickyDecider
from .threads import DeciderThreads

__all__ = [
    "DeciderThreads",
    "DecisionResult",
    "ExecutionState",
    "ReplayReport",
    "StickyDecider",
    "check_replay",
    "decide",
    "load_history",
]
