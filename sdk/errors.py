"""Every error swflow raises, under one root.

The tree::

    SwflowError
    ├── ConfigurationError          a bad decorator or worker option (also a ValueError)
    ├── NonDeterministicWorkflowError   the code no longer matches the recorded history
    ├── HistoryError                a history swflow cannot read (unknown events, broken ids)
    ├── UnknownWorkflowTypeError    a decision task for a type the worker does not serve
    ├── DeciderStuckError           a decider ran past its bound without reaching a wait
    ├── MissingDependencyError      an optional extra is not installed (also an ImportError)
    ├── CancelRequestedError        (in a decider) this run was asked to cancel: clean up
    ├── TaskError                   (in a decider) a task waited on gave no result
    │   ├── ActivityTaskError           an activity failed, timed out, was canceled
    │   │   └── ActivityTaskCanceledError   it was canceled (promise.cancel())
    │   ├── ChildWorkflowError          a child run did not complete
    │   ├── ExternalWorkflowError       a signal or cancel request to another run failed
    │   └── TimerCanceled               the timer was canceled before it fired
    ├── CachedCallError             (in a decider) a @cached function raised, recorded once
    ├── WorkflowError               a workflow run ended without a result (client side)
    │   ├── WorkflowFailedError         the decider raised, or it was failed (reason, details)
    │   ├── WorkflowCanceledError       it was canceled on request
    │   ├── WorkflowTerminatedError     it was terminated (reason, details)
    │   └── WorkflowTimedOutError       it outlived its execution timeout
    ├── WorkflowNotFoundError       no such workflow execution (also a LookupError)
    ├── WorkflowAlreadyStartedError an open run already has this workflow id
    ├── ActivityCanceledError       SWF asked the running activity to stop (from heartbeat())
    ├── ResultTimeoutError          waited for a result longer than asked (also a TimeoutError)
    ├── SwfFault                    SWF refused a call (botocore's ClientError, mapped once
    │   │                           in swflow.swf.faults; the ClientError is its __cause__)
    │   ├── UnknownResourceFault        no such domain, type or run; a task timed out or closed
    │   ├── DomainAlreadyExistsFault, TypeAlreadyExistsFault
    │   ├── WorkflowExecutionAlreadyStartedFault
    │   ├── DomainDeprecatedFault, TypeDeprecatedFault, DefaultUndefinedFault
    │   ├── LimitExceededFault, OperationNotPermittedFault
    │   └── ThrottlingFault, ValidationFault   (ThrottlingException, ValidationException)
    └── PayloadError                anything on the value <-> bytes <-> location path
        ├── PayloadTooLargeError    an inline payload would not fit its SWF field
        ├── PayloadNotFoundError    a reference points at nothing (object, file or bucket gone)
        ├── PayloadStoreError       the store could not be reached or refused the operation
        ├── PayloadCorruptError     bytes or envelope do not match what was written
        │   └── UnsafeReferenceError    a reference that would resolve outside its store
        ├── UnsupportedEnvelopeError    an envelope from a newer swflow
        ├── UnknownSerializerError  an envelope or spec names a serializer nobody registered
        ├── UnknownStoreError       an envelope or spec names a store scheme nobody registered
        └── SerializationError      a value the serializer cannot take (names type and path)
            └── DeserializationError    bytes the serializer cannot read back

Every ``SwflowError`` subclass is defined here. This module imports only the standard
library: the leaf packages (``swflow.serializers``, ``swflow.stores``) and
``swflow.swf`` share it without depending on the core.
"""

from __future__ import annotations

__all__ = [
    "ActivityCanceledError",
    "ActivityTaskCanceledError",
    "ActivityTaskError",
    "CachedCallError",
    "CancelRequestedError",
    "ChildWorkflowError",
    "ConfigurationError",
    "DeciderStuckError",
    "DefaultUndefinedFault",
    "DeserializationError",
    "DomainAlreadyExistsFault",
    "DomainDeprecatedFault",
    "ExternalWorkflowError",
    "HistoryError",
    "LimitExceededFault",
    "MissingDependencyError",
    "NonDeterministicWorkflowError",
    "OperationNotPermittedFault",
    "PayloadCorruptError",
    "PayloadError",
    "PayloadNotFoundError",
    "PayloadStoreError",
    "PayloadTooLargeError",
    "ResultTimeoutError",
    "SerializationError",
    "SwfFault",
    "SwflowError",
    "TaskError",
    "ThrottlingFault",
    "TimerCanceled",
    "TypeAlreadyExistsFault",
    "TypeDeprecatedFault",
    "UnknownResourceFault",
    "UnknownSerializerError",
    "UnknownStoreError",
    "UnknownWorkflowTypeError",
    "UnsafeReferenceError",
    "UnsupportedEnvelopeError",
    "ValidationFault",
    "WorkflowAlreadyStartedError",
    "WorkflowCanceledError",
    "WorkflowError",
    "WorkflowExecutionAlreadyStartedFault",
    "WorkflowFailedError",
    "WorkflowNotFoundError",
    "WorkflowTerminatedError",
    "WorkflowTimedOutError",
]


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


class SwfFault(SwflowError):
    """SWF refused a call. Raised in place of botocore's ``ClientError`` (its cause).

    Attributes:
        code: SWF's fault name, e.g. ``UnknownResourceFault``.
        operation: the API operation, e.g. ``RespondDecisionTaskCompleted``.
    """

    def __init__(self, message: str, *, code: str, operation: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.operation = operation


class UnknownResourceFault(SwfFault):
    """No such domain, type or run; or the task timed out, was answered, or its run closed."""


class DomainAlreadyExistsFault(SwfFault):
    """The domain is registered already."""


class TypeAlreadyExistsFault(SwfFault):
    """The activity or workflow type is registered already."""


class WorkflowExecutionAlreadyStartedFault(SwfFault):
    """An open run already has this workflow id."""


class DomainDeprecatedFault(SwfFault):
    """The domain is deprecated."""


class TypeDeprecatedFault(SwfFault):
    """The activity or workflow type is deprecated."""


class DefaultUndefinedFault(SwfFault):
    """A setting the call left out has no default on its type."""


class LimitExceededFault(SwfFault):
    """An SWF quota was reached."""


class OperationNotPermittedFault(SwfFault):
    """The caller may not do this (IAM, or SWF's own rules)."""


class ThrottlingFault(SwfFault):
    """SWF's ``ThrottlingException``: too many requests (botocore already retried)."""


class ValidationFault(SwfFault):
    """SWF's ``ValidationException``: a parameter SWF refuses."""


class PayloadError(SwflowError):
    """A payload could not be encoded, stored, fetched or decoded."""


class PayloadTooLargeError(PayloadError):
    """An encoded payload exceeds the SWF field it must travel in."""

    def __init__(self, *, field: str, size: int, limit: int, owner: str = "") -> None:
        where = f"{owner} {field}" if owner else field
        super().__init__(
            f"{where}: encoded payload is {size:,} characters but SWF allows {limit:,}. "
            "Store it out of band: give the decorator a result/input data store such as "
            "S3DataStore(bucket=...) or LocalDataStore(root), or "
            "ThresholdDataStore(S3DataStore(...)) to spill only large values."
        )
        self.field = field
        self.size = size
        self.limit = limit
        self.owner = owner


class PayloadNotFoundError(PayloadError):
    """The referenced payload does not exist in its store."""


class PayloadStoreError(PayloadError):
    """The store failed for a reason other than a missing payload."""


class PayloadCorruptError(PayloadError):
    """Size or checksum mismatch, or an envelope that cannot be parsed."""


class UnsafeReferenceError(PayloadCorruptError):
    """A reference that tries to leave its store (``..``, absolute paths, symlinks)."""


class UnsupportedEnvelopeError(PayloadError):
    """The envelope was written by a newer swflow with a format this one cannot read."""


class UnknownSerializerError(PayloadError):
    """No serializer is registered under the given name."""


class UnknownStoreError(PayloadError):
    """No data store is registered under the given scheme."""


class SerializationError(PayloadError):
    """A value the serializer cannot represent.

    Attributes:
        serializer: the serializer's name.
        type_name: the offending value's type, when known.
        path: where it sits in the value, e.g. ``$.rows[3].blob``.
    """

    def __init__(
        self, message: str, *, serializer: str = "", type_name: str = "", path: str = ""
    ) -> None:
        super().__init__(message)
        self.serializer = serializer
        self.type_name = type_name
        self.path = path


class DeserializationError(SerializationError):
    """Bytes that the named serializer cannot turn back into a value."""
