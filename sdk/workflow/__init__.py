"""What decider and activity code is written with: decorators and their options,
promises (timers, signals, combinators), the decider's clock, continue-as-new, and what
a running activity can learn (heartbeats, cancellation).

May import: ``swflow.errors``, ``swflow.swf``, ``swflow.payloads`` and the leaf packages;
never ``swflow.replay``, the workers, the client or the devserver.
"""

from .activity_context import ActivityInfo, current_activity, heartbeat
from .clock import now
from .continuation import continue_as_new
from .decorators import (
    ActivityOptions,
    RetryPolicy,
    WorkflowOptions,
    activity_task,
    cached,
    decision_task,
)
from .promise import Promise, Signal, Timer, first_completed, wait_all

__all__ = [
    "ActivityInfo",
    "ActivityOptions",
    "Promise",
    "RetryPolicy",
    "Signal",
    "Timer",
    "WorkflowOptions",
    "activity_task",
    "cached",
    "continue_as_new",
    "current_activity",
    "decision_task",
    "first_completed",
    "heartbeat",
    "now",
    "wait_all",
]
