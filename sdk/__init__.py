"""swflow: durable workflows on Amazon SWF.

Deciders are plain Python functions replayed against the SWF history; every payload
goes through a serializer and a data store chosen per decorator.
"""

from .activity_context import ActivityInfo, current_activity, heartbeat
from .activity_worker import DistributedActivityWorker
from .client import WorkflowClient, WorkflowHandle
from .clock import now
from .decision_worker import DistributedDecisionWorker
from .decorators import RetryPolicy, activity_task, cached, decision_task
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
from .history import HistoryError
from .history_cache import HistoryCache
from .local import LocalDecisionWorker, LocalEnvironment
from .payloads import Channel, Envelope, PayloadCodec, decode, default_codec, encode, parse_envelope
from .promise import (
    ActivityTaskError,
    CachedCallError,
    ChildWorkflowError,
    Promise,
    Signal,
    TaskError,
    Timer,
    TimerCanceled,
    first_completed,
    wait_all,
)
from .replay import DecisionResult, continue_as_new, decide
from .run_info import HistoryEvent, RunInfo
from .sticky import StickyDecider

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
