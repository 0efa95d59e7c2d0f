"""Every error swflow raises, under one root.

The tree:

```text
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
    ├── UnknownCodecError       an envelope or spec names a codec nobody registered
    ├── PayloadCodecError       a codec could not undo what it did (swflow.codecs)
    │   ├── MissingKeyError         encrypted under a key this process was not given
    │   ├── WrongKeyError           the key held under that id is not the one that wrote it
    │   ├── PayloadTamperedError    authentication failed: ciphertext or header changed
    │   └── CompressedPayloadCorruptError   a frame that does not decompress, or too big
    └── SerializationError      a value the serializer cannot take (names type and path)
        └── DeserializationError    bytes the serializer cannot read back
```

Every ``SwflowError`` subclass is defined in this package (the root and the errors of
workflows and tasks in ``core``, SWF's faults in ``swf_faults``, the payload path's in
``payload``) and imported from here. It imports only the standard library: the leaf
packages (``swflow.serializers``, ``swflow.stores``, ``swflow.codecs``) and ``swflow.swf``
share it without depending on the core.
"""

from __future__ import annotations

from .core import (
    ActivityCanceledError,
    ActivityTaskCanceledError,
    ActivityTaskError,
    CachedCallError,
    CancelRequestedError,
    ChildWorkflowError,
    ConfigurationError,
    DeciderStuckError,
    ExternalWorkflowError,
    HistoryError,
    MissingDependencyError,
    NonDeterministicWorkflowError,
    ResultTimeoutError,
    SwflowError,
    TaskError,
    TimerCanceled,
    UnknownWorkflowTypeError,
    WorkflowAlreadyStartedError,
    WorkflowCanceledError,
    WorkflowError,
    WorkflowFailedError,
    WorkflowNotFoundError,
    WorkflowTerminatedError,
    WorkflowTimedOutError,
)
from .payload import (
    CompressedPayloadCorruptError,
    DeserializationError,
    MissingKeyError,
    PayloadCodecError,
    PayloadCorruptError,
    PayloadError,
    PayloadNotFoundError,
    PayloadStoreError,
    PayloadTamperedError,
    PayloadTooLargeError,
    SerializationError,
    UnknownCodecError,
    UnknownSerializerError,
    UnknownStoreError,
    UnsafeReferenceError,
    UnsupportedEnvelopeError,
    WrongKeyError,
)
from .swf_faults import (
    DefaultUndefinedFault,
    DomainAlreadyExistsFault,
    DomainDeprecatedFault,
    LimitExceededFault,
    OperationNotPermittedFault,
    SwfFault,
    ThrottlingFault,
    TypeAlreadyExistsFault,
    TypeDeprecatedFault,
    UnknownResourceFault,
    ValidationFault,
    WorkflowExecutionAlreadyStartedFault,
)

__all__ = [
    "ActivityCanceledError",
    "ActivityTaskCanceledError",
    "ActivityTaskError",
    "CachedCallError",
    "CancelRequestedError",
    "ChildWorkflowError",
    "CompressedPayloadCorruptError",
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
    "MissingKeyError",
    "NonDeterministicWorkflowError",
    "OperationNotPermittedFault",
    "PayloadCodecError",
    "PayloadCorruptError",
    "PayloadError",
    "PayloadNotFoundError",
    "PayloadStoreError",
    "PayloadTamperedError",
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
    "UnknownCodecError",
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
    "WrongKeyError",
]

# Errors are named by where users import them from: failure details and logs say
# "swflow.errors.ActivityTaskError", whichever file of this package defines it.
for _name in __all__:
    globals()[_name].__module__ = __name__
