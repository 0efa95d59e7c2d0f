"""Every error swflow raises, under one root.

The tree::

    SwflowError
    ├── ConfigurationError          a bad decorator or worker option (also a ValueError)
    ├── NonDeterministicWorkflowError   the code no longer matches the recorded history
    ├── MissingDependencyError      an optional extra is not installed (also an ImportError)
    ├── WorkflowError               a workflow run ended without a result (client side)
    │   ├── WorkflowFailedError         the decider raised, or it was failed (reason, details)
    │   ├── WorkflowCanceledError       it was canceled on request
    │   ├── WorkflowTerminatedError     it was terminated (reason, details)
    │   └── WorkflowTimedOutError       it outlived its execution timeout
    ├── WorkflowNotFoundError       no such workflow execution (also a LookupError)
    ├── WorkflowAlreadyStartedError an open run already has this workflow id
    ├── ActivityCanceledError       SWF asked the running activity to stop (from heartbeat())
    ├── ResultTimeoutError          waited for a result longer than asked (also a TimeoutError)
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

This module imports only the standard library: the leaf packages
(``swflow.serializers``, ``swflow.stores``) share it without depending on the core.
"""

from __future__ import annotations

__all__ = [
    "ActivityCanceledError",
    "ConfigurationError",
    "DeserializationError",
    "MissingDependencyError",
    "NonDeterministicWorkflowError",
    "PayloadCorruptError",
    "PayloadError",
    "PayloadNotFoundError",
    "PayloadStoreError",
    "PayloadTooLargeError",
    "ResultTimeoutError",
    "SerializationError",
    "SwflowError",
    "UnknownSerializerError",
    "UnknownStoreError",
    "UnsafeReferenceError",
    "UnsupportedEnvelopeError",
    "WorkflowAlreadyStartedError",
    "WorkflowCanceledError",
    "WorkflowError",
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
