"""The root, and the errors of workflows, tasks and the client."""

from __future__ import annotations


class SwflowError(Exception):
    """Root of every error raised by swflow."""


class ConfigurationError(SwflowError, ValueError):
    """A decorator or worker option that cannot work; raised when it is given."""


class NonDeterministicWorkflowError(SwflowError):
    """The decider asked for something other than what the history recorded.

    The decision task is left uncompleted (it times out and is retried), so the
    workflow is never corrupted; deploy code that matches the history to continue.
    """


class HistoryError(SwflowError):
    """A history swflow cannot read: unknown event types or broken references."""


class UnknownWorkflowTypeError(SwflowError, LookupError):
    """A decision task for a workflow type this worker does not serve."""


class DeciderStuckError(SwflowError):
    """A decider ran past its bound (``deadlock_timeout``) without reaching its next wait:
    a busy loop, a blocking call, a deadlock. Its task is left unanswered and its thread
    abandoned; SWF hands the task out again after its start-to-close timeout.

    Attributes:
        stack: where the decider's code was when it was abandoned.
    """

    def __init__(self, message: str, *, stack: str = "") -> None:
        super().__init__(message)
        self.stack = stack


class MissingDependencyError(SwflowError, ImportError):
    """An optional dependency is needed; the message says which extra installs it."""

    def __init__(self, package: str, extra: str, purpose: str) -> None:
        super().__init__(
            f"{purpose} needs the {package!r} package, which is not installed. "
            f"Install it with: pip install 'swflow[{extra}]'"
        )
        self.package = package
        self.extra = extra


class WorkflowError(SwflowError):
    """A workflow run ended without a result.

    Attributes:
        workflow_id, run_id: the run (the last one, after continue-as-new).
        reason: SWF's reason, when there is one.
        details: the decoded details (for failures swflow wrote: a dict with
            ``type``, ``message`` and ``traceback``), else None.
    """

    def __init__(
        self,
        message: str,
        *,
        workflow_id: str = "",
        run_id: str = "",
        reason: str | None = None,
        details: object = None,
    ) -> None:
        super().__init__(message)
        self.workflow_id = workflow_id
        self.run_id = run_id
        self.reason = reason
        self.details = details


class WorkflowFailedError(WorkflowError):
    """The run failed: its decider raised, or a decision failed it."""


class WorkflowCanceledError(WorkflowError):
    """The run was canceled on request."""


class WorkflowTerminatedError(WorkflowError):
    """The run was terminated (by a person, a parent's child policy, or SWF's limits)."""


class WorkflowTimedOutError(WorkflowError):
    """The run exceeded its execution start-to-close timeout."""


class WorkflowNotFoundError(SwflowError, LookupError):
    """No workflow execution with this id (and run id) exists in the domain."""


class WorkflowAlreadyStartedError(SwflowError):
    """An open run already has this workflow id in the domain."""


class ActivityCanceledError(SwflowError):
    """SWF asked to cancel the running activity task, or no longer knows it."""


class ResultTimeoutError(SwflowError, TimeoutError):
    """The run was still open when the caller stopped waiting for its result."""


class TaskError(SwflowError):
    """A task the decider waited on did not produce a result.

    Attributes:
        reason: SWF's reason (or the timeout type / failure cause).
        details: the failure details, decoded where they are an envelope.
        attempts: how many attempts were made.
    """

    def __init__(
        self, message: str, *, reason: str = "", details: object = None, attempts: int = 1
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.details = details
        self.attempts = attempts


class ActivityTaskError(TaskError):
    """An activity failed, timed out, was canceled or could not be scheduled."""


class ActivityTaskCanceledError(ActivityTaskError):
    """The activity was canceled (``promise.cancel()``) before it completed."""


class ChildWorkflowError(TaskError):
    """A child workflow failed, timed out, was canceled or terminated, or did not start."""


class ExternalWorkflowError(TaskError):
    """A signal (``Signal.send``) or a cancel request (``cancel_workflow``) did not reach
    the other run.

    Attributes:
        cause: SWF's cause, e.g. ``UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION`` (also ``reason``).
        workflow_id: the run it was sent to.
    """

    def __init__(self, message: str, *, cause: str, workflow_id: str) -> None:
        super().__init__(message, reason=cause)
        self.cause = cause
        self.workflow_id = workflow_id


class CancelRequestedError(SwflowError):
    """Raised once, at the decider's next wait, when its run was asked to cancel.

    A plain ``Exception``: ``except``/``finally`` may schedule cleanup and wait for it.
    Left uncaught (or raised again) it closes the run as canceled; returning instead
    completes the run.
    """


class TimerCanceled(TaskError):
    """The timer was canceled before it fired."""


class CachedCallError(SwflowError):
    """A ``@cached`` function raised; recorded once and raised the same way on every replay.

    Attributes:
        type_name: the original exception's qualified type name.
        message: its message.
    """

    def __init__(self, function: str, type_name: str, message: str) -> None:
        super().__init__(f"cached {function} raised {type_name}: {message}")
        self.function = function
        self.type_name = type_name
        self.message = message
