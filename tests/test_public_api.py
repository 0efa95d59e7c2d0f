"""The public face, frozen: every package's ``__all__`` as it is meant to be.

A name added, removed or renamed fails here, so each change of the API is a deliberate
edit of this file (and of docs/reference.md), never a side effect of moving code.
"""

from __future__ import annotations

import importlib

import pytest

FROZEN = {
    "swflow": [
        "ActivityCanceledError",
        "ActivityInfo",
        "ActivityTaskCanceledError",
        "ActivityTaskError",
        "CachedCallError",
        "CancelRequestedError",
        "ChildWorkflowError",
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
    ],
    "swflow.errors": [
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
    ],
    "swflow.payloads": [
        "ENVELOPE_VERSION",
        "Channel",
        "Envelope",
        "PayloadCodec",
        "decode",
        "default_codec",
        "encode",
        "parse_envelope",
    ],
    "swflow.workflow": [
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
    ],
    "swflow.replay": [
        "DecisionResult",
        "ExecutionState",
        "ReplayReport",
        "StickyDecider",
        "check_replay",
        "decide",
        "load_history",
    ],
    "swflow.swf": [
        "DATA",
        "DOMAIN_VARIABLE",
        "FIELD_LIMITS",
        "REASON",
        "Decision",
        "devserver_client",
        "duration",
        "resolve_domain",
        "swf_client",
    ],
    "swflow.worker": [
        "DistributedActivityWorker",
        "DistributedDecisionWorker",
        "HistoryCache",
        "LocalDecisionWorker",
        "LocalEnvironment",
        "Worker",
    ],
    "swflow.devserver": [
        "Clock",
        "DevServer",
        "Fault",
    ],
    "swflow.testing": [
        "HistoryBuilder",
        "OutOfBandStoreConformance",
        "SerializerCase",
        "SerializerConformance",
        "StoreConformance",
        "run_workflow",
    ],
    "swflow.serializers": [
        "SERIALIZERS",
        "JsonSerializer",
        "MsgpackSerializer",
        "ProtobufSerializer",
        "Serializer",
        "register_serializer",
        "serializer_from_spec",
    ],
    "swflow.stores": [
        "STORES",
        "DataStore",
        "InlineDataStore",
        "LocalDataStore",
        "Ref",
        "S3DataStore",
        "ThresholdDataStore",
        "register_store",
        "store_class",
        "store_for_ref",
    ],
    "swflow.cli": [
        "EXIT_ERROR",
        "EXIT_FAILED",
        "EXIT_NOT_FOUND",
        "EXIT_USAGE",
        "CliError",
        "cli",
        "main",
    ],
}


@pytest.mark.parametrize("package", sorted(FROZEN))
def test_the_public_names_of_each_package_are_frozen(package: str) -> None:
    module = importlib.import_module(package)
    assert list(module.__all__) == FROZEN[package]
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    assert missing == []


def test_every_package_of_swflow_is_frozen() -> None:
    from pathlib import Path

    root = Path(importlib.import_module("swflow").__file__ or "").parent
    packages = {
        "swflow." + ".".join(path.parent.relative_to(root).parts)
        for path in root.rglob("__init__.py")
        if path.parent != root and "operations" not in path.parts  # devserver internals
    }
    assert packages - set(FROZEN) == set()


def test_internals_stay_off_the_top_level_face() -> None:
    import swflow

    for internal in ("decide", "StickyDecider", "HistoryCache", "encode", "decode"):
        assert internal not in swflow.__all__
