"""What decider and activity code is written with: decorators and their options,
promises (timers, signals, combinators), the decider's clock, continue-as-new, what the
code may ask about its run (cancellation, patches, history length, randomness), and what
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
from .promise import Promise, Signal, Timer, cancel_workflow, first_completed, wait_all
from .run import (
    cancel_requested,
    continue_as_new_suggested,
    deprecate_patch,
    history_length,
    patched,
    random,
    uuid4,
)
from .workflow_logger import workflow_logger

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
    "cancel_requested",
    "cancel_workflow",
    "continue_as_new",
    "continue_as_new_suggested",
    "current_activity",
    "decision_task",
    "deprecate_patch",
    "first_completed",
    "heartbeat",
    "history_length",
    "now",
    "patched",
    "random",
    "uuid4",
    "wait_all",
    "workflow_logger",
]
