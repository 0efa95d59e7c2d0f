"""User code that misbehaves fails its own run, with a reason, and nothing else: any
BaseException a decider raises, results and arguments no serializer takes, timers of
a fraction of a second."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from swflow import ConfigurationError, Timer, activity_task, continue_as_new, decision_task
from swflow.failures import failure_details, failure_reason
from swflow.payloads import PayloadCodec
from swflow.replay import decide
from swflow.serializers import MsgpackSerializer
from swflow.swf.decisions import FailWorkflowExecution, StartTimer
from swflow.testing import HistoryBuilder


class Custom(BaseException):
    """A BaseException of the user's own."""


RAISED: list[BaseException] = [SystemExit(3), GeneratorExit(), Custom("mine"), KeyboardInterrupt()]


@decision_task(swf_workflow_type="raises_base")
def raises_base(index: int) -> None:
    raise RAISED[index]


def _failure(result: Any) -> FailWorkflowExecution:
    assert result.closes
    failure = result.decisions[-1]
    assert isinstance(failure, FailWorkflowExecution), result.decisions
    return failure


@pytest.mark.parametrize("index", range(len(RAISED)), ids=[type(e).__name__ for e in RAISED])
def test_a_decider_raising_any_base_exception_fails_its_run(index: int) -> None:
    results: list[Any] = []
    # In a thread, as in a worker: Ctrl-C on the main thread still stops the process.
    worker = threading.Thread(
        target=lambda: results.append(
            decide(HistoryBuilder("raises_base", input=[index]).events, raises_base)
        )
    )
    worker.start()
    worker.join(30)
    failure = _failure(results[0])
    assert failure.reason is not None
    assert failure.reason.startswith(type(RAISED[index]).__name__)
    assert (
        PayloadCodec().decode(failure.details or "")["type"].endswith(type(RAISED[index]).__name__)
    )


class Sneaky:
    """A value no serializer takes."""


@decision_task(swf_workflow_type="returns_unencodable")
def returns_unencodable(kind: str) -> Any:
    if kind == "set":
        return {1, 2}
    if kind == "object":
        return Sneaky()
    return {"timer": Timer.get(seconds=0)}  # a promise nested in the result


@pytest.mark.parametrize("kind", ["set", "object", "promise"])
def test_a_result_no_serializer_takes_fails_the_run(kind: str) -> None:
    """Left to retry, it would be retried forever: no redeploy of the store fixes it."""
    result = decide(HistoryBuilder("returns_unencodable", input=[kind]).events, returns_unencodable)
    failure = _failure(result)
    assert failure.reason is not None and failure.reason.startswith("SerializationError")
    assert {"set": "set", "object": "Sneaky", "promise": "TimerPromise"}[kind] in failure.reason


@decision_task(swf_workflow_type="continues_with_unencodable")
def continues_with_unencodable() -> None:
    continue_as_new(Sneaky())


def test_continue_as_new_arguments_no_serializer_takes_fail_the_run() -> None:
    result = decide(HistoryBuilder("continues_with_unencodable").events, continues_with_unencodable)
    failure = _failure(result)
    assert failure.reason is not None and failure.reason.startswith("SerializationError")


DURATIONS: dict[str, Any] = {
    "fraction": 1.7,
    "negative": -1,
    "nan": float("nan"),
    "infinite": float("inf"),
    "text": "5",
    "bool": True,
    "none": None,
}


@decision_task(swf_workflow_type="short_sleep")
def short_sleep(duration: str) -> None:
    Timer.get(seconds=DURATIONS[duration]).result


def test_a_fractional_timer_rounds_up_to_whole_seconds() -> None:
    result = decide(HistoryBuilder("short_sleep", input=["fraction"]).events, short_sleep)
    (timer,) = [d for d in result.decisions if isinstance(d, StartTimer)]
    assert timer.start_to_fire_timeout == 2  # never early, never 1


@pytest.mark.parametrize("duration", [d for d in DURATIONS if d != "fraction"])
def test_a_timer_of_no_real_duration_is_a_configuration_error(duration: str) -> None:
    result = decide(HistoryBuilder("short_sleep", input=[duration]).events, short_sleep)
    failure = _failure(result)
    assert failure.reason is not None and failure.reason.startswith("ConfigurationError")


class Unprintable(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no")

    def __repr__(self) -> str:
        raise RuntimeError("no")


def test_an_exception_that_cannot_describe_itself_still_has_a_reason() -> None:
    error = Unprintable()
    assert failure_reason(error) == "Unprintable: <Unprintable.__str__ raised RuntimeError>"
    details = PayloadCodec().decode(failure_details(error, PayloadCodec()))
    assert details["type"].endswith("Unprintable")


def test_a_message_json_cannot_carry_still_gives_details() -> None:
    details = failure_details(ValueError("lone \ud800 surrogate"), PayloadCodec())
    assert PayloadCodec().decode(details)["type"] == "ValueError"


def test_timer_validation_outside_a_decider_too() -> None:
    with pytest.raises(ConfigurationError, match="seconds"):
        Timer.get(seconds=float("nan"))


@activity_task
def one(x: int) -> int:
    return x


@decision_task
def returns_nested_promises(serializer: str) -> Any:
    return {"totals": [one(1)]}


@decision_task(result_data_serializer=MsgpackSerializer())
def returns_nested_promises_packed(serializer: str) -> Any:
    return {"totals": [one(1)]}


@pytest.mark.parametrize("flow", [returns_nested_promises, returns_nested_promises_packed])
def test_a_promise_inside_a_returned_value_fails_the_run_saying_what_to_do(flow: Any) -> None:
    result = decide(HistoryBuilder(flow.definition.name, input=["x"]).events, flow)
    fail = result.decisions[-1]
    assert isinstance(fail, FailWorkflowExecution) and result.closes
    assert "Promise" in (fail.reason or "")
    assert "returned a promise inside a value; return its .result" in (fail.details or "")
