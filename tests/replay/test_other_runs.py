"""Talking to other runs from a decider: ``Signal.send`` and ``cancel_workflow``."""

from __future__ import annotations

import pytest

from swflow import (
    ConfigurationError,
    ExternalWorkflowError,
    NonDeterministicWorkflowError,
    Signal,
    cancel_workflow,
    decision_task,
)
from swflow.payloads import default_codec
from swflow.replay import decide
from swflow.serializers import MsgpackSerializer
from swflow.swf.decisions import (
    RequestCancelExternalWorkflowExecution,
    SignalExternalWorkflowExecution,
)
from swflow.testing import HistoryBuilder
from tests.replay.outcomes import completed_with


@decision_task
def notifies(target: str) -> str:
    try:
        Signal.send(target, "approve", {"by": "bot"}).result
    except ExternalWorkflowError as error:
        return f"failed: {error.cause}"
    return "delivered"


def test_a_signal_is_sent_with_its_value_and_resolves_once_delivered() -> None:
    history = HistoryBuilder("notifies", input=["order-7"])
    first = decide(history.events, notifies)
    [send] = first.decisions
    assert isinstance(send, SignalExternalWorkflowExecution)
    assert (send.workflow_id, send.signal_name, send.run_id, send.control) == (
        "order-7",
        "approve",
        None,
        "s1",
    )
    assert default_codec().decode(send.input or "") == {"by": "bot"}
    history.apply(first)
    assert decide(history.events, notifies).decisions == []  # not delivered yet
    history.apply([])
    history.deliver_external("s1")
    assert completed_with(decide(history.events, notifies)) == "delivered"


def test_a_signal_that_cannot_be_delivered_fails_with_swfs_cause() -> None:
    history = HistoryBuilder("notifies", input=["nobody"])
    history.apply(decide(history.events, notifies))
    history.deliver_external("s1", cause="UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION")
    assert (
        completed_with(decide(history.events, notifies))
        == "failed: UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION"
    )


@decision_task
def sends_packed() -> None:
    Signal.send("other", "data", [1, 2], run_id="run-9", serializer=MsgpackSerializer())


def test_a_signal_takes_a_run_id_and_a_serializer() -> None:
    [send, _close] = decide(HistoryBuilder("sends_packed").events, sends_packed).decisions
    assert isinstance(send, SignalExternalWorkflowExecution)
    assert send.run_id == "run-9" and (send.input or "").startswith("swflow/1 msgpack ")
    assert default_codec().decode(send.input or "") == [1, 2]


@decision_task
def cancels_other(target: str) -> str:
    try:
        cancel_workflow(target).result
    except ExternalWorkflowError as error:
        return f"failed: {error.cause}"
    return "asked"


@pytest.mark.parametrize("cause", [None, "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION"])
def test_a_cancel_request_to_another_run(cause: str | None) -> None:
    history = HistoryBuilder("cancels_other", input=["order-8"])
    first = decide(history.events, cancels_other)
    assert first.decisions == [RequestCancelExternalWorkflowExecution("order-8", None, "x1")]
    history.apply(first)
    history.deliver_external("x1", cause=cause)
    expected = "asked" if cause is None else f"failed: {cause}"
    assert completed_with(decide(history.events, cancels_other)) == expected


@decision_task
def sends_to(target: str) -> None:
    Signal.send(target, "approve").result


def test_sending_elsewhere_than_the_history_recorded_is_nondeterministic() -> None:
    history = HistoryBuilder("sends_to", input=["a"])
    history.apply(decide(history.events, sends_to))
    changed = HistoryBuilder("sends_to", input=["b"])
    changed.events[1:] = history.events[1:]  # the same history, but the code now says "b"
    with pytest.raises(NonDeterministicWorkflowError, match=r"signal 'approve' to b .* to a"):
        decide(changed.events, sends_to)


@decision_task
def sends_nothing(target: str) -> None:
    return None


def test_a_recorded_signal_the_code_no_longer_sends_is_nondeterministic() -> None:
    history = HistoryBuilder("sends_to", input=["a"])
    history.apply(decide(history.events, sends_to))
    with pytest.raises(NonDeterministicWorkflowError, match="sent signal s1"):
        decide(history.events, sends_nothing)


@decision_task
def sends_badly(target: str, name: str) -> None:
    Signal.send(target, name)


@pytest.mark.parametrize(("target", "name"), [("a:b", "ok"), ("ok", ""), ("", "ok")])
def test_bad_targets_and_names_are_refused_where_sent(target: str, name: str) -> None:
    [fail] = decide(
        HistoryBuilder("sends_badly", input=[target, name]).events, sends_badly
    ).decisions
    assert (
        "ConfigurationError" in fail.to_swf()["failWorkflowExecutionDecisionAttributes"]["reason"]
    )


def test_outside_a_decider_sending_is_refused() -> None:
    with pytest.raises(RuntimeError, match="inside a decider"):
        Signal.send("x", "y")
    with pytest.raises(ConfigurationError, match="workflow id"):
        cancel_workflow("a|b")
