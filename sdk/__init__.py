"""swflow: durable workflows on Amazon SWF.

Deciders are plain Python functions replayed against the SWF history; every payload
goes through a serializer and a data store chosen per decorator.

This is the public face: what decider and activity code is written with, the workers,
the client and every error. The parts have their own packages (docs/architecture.md):
``swflow.workflow``, ``swflow.replay`` (history in, decisions out), ``swflow.swf``
(SWF's vocabulary and wire), ``swflow.worker``, ``swflow.devserver``, ``swflow.testing``,
``swflow.serializers``, ``swflow.stores``, ``swflow.payloads``.
"""

from swflow.errors import (
    ActivityTaskCanceledError,
    ActivityTaskError,
    CachedCallError,
    CancelRequestedError,
    ChildWorkflowError,
    ExternalWorkflowError,
    HistoryError,
    TaskError,
    TimerCanceled,
)
from swflow.worker.activity import DistributedActivityWorker
from swflow.worker.decision import DistributedDecisionWorker
from swflow.worker.local import LocalDecisionWorker, LocalEnvironment
from swflow.workflow.activity_context import ActivityInfo, current_activity, heartbeat
from swflow.workflow.clock import now
from swflow.workflow.continuation import continue_as_new
from swflow.workflow.decorators import RetryPolicy, activity_task, cached, decision_task
from swflow.workflow.promise import (
    Promise,
    Signal,
    Timer,
    cancel_workflow,
    first_completed,
    wait_all,
)
from swflow.workflow.run import (
    cancel_requested,
    continue_as_new_suggested,
    deprecate_patch,
    history_length,
    patched,
    random,
    uuid4,
)
from swflow.workflow.workflow_logger import workflow_logger

from .client import WorkflowClient, WorkflowHandle
from .errors import (
    ActivityCanceledError,
    CompressedPayloadCorruptError,
    ConfigurationError,
    DeserializationError,
    MissingDependencyError,
    MissingKeyError,
    NonDeterministicWorkflowError,
    PayloadCodecError,
    PayloadCorruptError,
    PayloadError,
    PayloadNotFoundError,
    PayloadStoreError,
    PayloadTamperedError,
    PayloadTooLargeError,
    ResultTimeoutError,
    SerializationError,
    SwflowError,
    UnknownCodecError,
    UnknownSerializerError,
    UnknownStoreError,
    UnsafeReferenceError,
    UnsupportedEnvelopeError,
    WorkflowAlreadyStartedError,
    WorkflowCanceledError,
    WorkflowError,
    WorkflowFailedError,
    WorkflowNotFoundError,
    WorkflowTerminatedError,
    WorkflowTimedOutError,
    WrongKeyError,
)
from .payloads import PayloadCodec
from .run_info import HistoryEvent, RunInfo

__all__ = [
    "ActivityCanceledError",
    "ActivityInfo",
    "ActivityTaskCanceledError",
    "ActivityTaskError",
    "CachedCallError",
    "CancelRequestedError",
    "ChildWorkflowError",
    "CompressedPayloadCorruptError",
    "ConfigurationError",
    "DeserializationError",
    "DistributedActivityWorker",
    "DistributedDecisionWorker",
    "ExternalWorkflowError",
    "HistoryError",
    "HistoryEvent",
    "LocalDecisionWorker",
    "LocalEnvironment",
    "MissingDependencyError",
    "MissingKeyError",
    "NonDeterministicWorkflowError",
    "PayloadCodec",
    "PayloadCodecError",
    "PayloadCorruptError",
    "PayloadError",
    "PayloadNotFoundError",
    "PayloadStoreError",
    "PayloadTamperedError",
    "PayloadTooLargeError",
    "Promise",
    "ResultTimeoutError",
    "RetryPolicy",
    "RunInfo",
    "SerializationError",
    "Signal",
    "SwflowError",
    "TaskError",
    "Timer",
    "TimerCanceled",
    "UnknownCodecError",
    "UnknownSerializerError",
    "UnknownStoreError",
    "UnsafeReferenceError",
    "UnsupportedEnvelopeError",
    "WorkflowAlreadyStartedError",
    "WorkflowCanceledError",
    "WorkflowClient",
    "WorkflowError",
    "WorkflowFailedError",
    "WorkflowHandle",
    "WorkflowNotFoundError",
    "WorkflowTerminatedError",
    "WorkflowTimedOutError",
    "WrongKeyError",
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
