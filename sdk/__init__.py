"""swflow: durable workflows on Amazon SWF.

Deciders are plain Python functions replayed against the SWF history; every payload
goes through a serializer and a data store chosen per decorator.
"""

from .clock import now
from .decorators import RetryPolicy, activity_task, cached, decision_task
from .errors import (
    ConfigurationError,
    DeserializationError,
    MissingDependencyError,
    NonDeterministicWorkflowError,
    PayloadCorruptError,
    PayloadError,
    PayloadNotFoundError,
    PayloadStoreError,
    PayloadTooLargeError,
    SerializationError,
    SwflowError,
    UnknownSerializerError,
    UnknownStoreError,
    UnsafeReferenceError,
    UnsupportedEnvelopeError,
)
from .history import HistoryError
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

__all__ = [
    "ActivityTaskError",
    "CachedCallError",
    "Channel",
    "ChildWorkflowError",
    "ConfigurationError",
    "DecisionResult",
    "DeserializationError",
    "Envelope",
    "HistoryError",
    "MissingDependencyError",
    "NonDeterministicWorkflowError",
    "PayloadCodec",
    "PayloadCorruptError",
    "PayloadError",
    "PayloadNotFoundError",
    "PayloadStoreError",
    "PayloadTooLargeError",
    "Promise",
    "RetryPolicy",
    "SerializationError",
    "Signal",
    "SwflowError",
    "TaskError",
    "Timer",
    "TimerCanceled",
    "UnknownSerializerError",
    "UnknownStoreError",
    "UnsafeReferenceError",
    "UnsupportedEnvelopeError",
    "activity_task",
    "cached",
    "continue_as_new",
    "decide",
    "decision_task",
    "decode",
    "default_codec",
    "encode",
    "first_completed",
    "now",
    "parse_envelope",
    "wait_all",
]
