"""swflow: durable workflows on Amazon SWF.

Deciders are plain Python functions replayed against the SWF history; every payload
goes through a serializer and a data store chosen per decorator.
"""

from swflow.errors import (
    ActivityTaskError,
    CachedCallError,
    ChildWorkflowError,
    HistoryError,
    TaskError,
    TimerCanceled,
)
from swflow.replay.snapshot import DecisionResult, decide
from swflow.replay.sticky import StickyDecider
from swflow.worker.activity import DistributedActivityWorker
from swflow.worker.decision import DistributedDecisionWorker
from swflow.worker.history_cache import HistoryCache
from swflow.worker.local import LocalDecisionWorker, LocalEnvironment
from swflow.workflow.activity_context import ActivityInfo, current_activity, heartbeat
from swflow.workflow.clock import now
from swflow.workflow.continuation import continue_as_new
from swflow.workflow.decorators import RetryPolicy, activity_task, cached, decision_task
from swflow.workflow.promise import Promise, Signal, Timer, first_completed, wait_all

from .client import WorkflowClient, WorkflowHandle
from .errors import (
    ActivityCanceledError,
    ConfigurationError,
    DeserializationError,
    MissingDependencyError,
    NonDeterministicWorkflowError,
    PayloadCorruptError,
    PayloadError,
    PayloadNotFoundError,
    PayloadStoreError,
    PayloadTooLargeError,
    ResultTimeoutError,
    SerializationError,
    SwflowError,
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
)
from .payloads import Channel, Envelope, PayloadCodec, decode, default_codec, encode, parse_envelope
from .run_info import HistoryEvent, RunInfo

__all__ = [
    "ActivityCanceledError",
    "ActivityInfo",
    "ActivityTaskError",
    "CachedCallError",
    "Channel",
    "ChildWorkflowError",
    "ConfigurationError",
    "DecisionResult",
    "DeserializationError",
    "DistributedActivityWorker",
    "DistributedDecisionWorker",
    "Envelope",
    "HistoryCache",
    "HistoryError",
    "HistoryEvent",
    "LocalDecisionWorker",
    "LocalEnvironment",
    "MissingDependencyError",
    "NonDeterministicWorkflowError",
    "PayloadCodec",
    "PayloadCorruptError",
    "PayloadError",
    "PayloadNotFoundError",
    "PayloadStoreError",
    "PayloadTooLargeError",
    "Promise",
    "ResultTimeoutError",
    "RetryPolicy",
    "RunInfo",
    "SerializationError",
    "Signal",
    "StickyDecider",
    "SwflowError",
    "TaskError",
    "Timer",
    "TimerCanceled",
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
    "activity_task",
    "cached",
    "continue_as_new",
    "current_activity",
    "decide",
    "decision_task",
    "decode",
    "default_codec",
    "encode",
    "first_completed",
    "heartbeat",
    "now",
    "parse_envelope",
    "wait_all",
]
