"""Small inline JSON results, the cold replay's common case: decoded as the promise
settles, because nothing about them can fail later; every other payload still waits
for the first read of ``result``, so a bad one fails the code that reads it, only."""

from __future__ import annotations

from typing import Any

import pytest

from swflow import activity_task, decision_task
from swflow.payloads import PayloadCodec, encode
from swflow.replay import decide
from swflow.serializers import JsonSerializer
from swflow.stores import InlineDataStore
from swflow.swf.decisions import FailWorkflowExecution
from swflow.testing import HistoryBuilder
from tests.replay.outcomes import completed_with

LATER = object()


def _inline(body: str, size: int | None = None, digest: str = "-") -> str:
    return f"swflow/1 json inline {len(body) if size is None else size} {digest}\n{body}"


@pytest.mark.parametrize(
    "value", [7, "text", [1, {"a": None}], {"nested": {"deep": [True, 1.5]}}, None]
)
def test_a_small_inline_json_payload_decodes_at_once_as_decode_reads_it(value: Any) -> None:
    codec = PayloadCodec()
    text = encode(value, JsonSerializer(), InlineDataStore(), field="result")
    assert codec.decode_inline(text, LATER) == value == codec.decode(text)


@pytest.mark.parametrize(
    "text",
    [
        _inline("{"),  # not JSON
        _inline(""),  # nothing at all
        _inline(" 7"),  # whitespace first: never written so
        _inline("[1] [2]"),  # JSON, then more
        _inline("[1]", size=4),  # the size says otherwise
        _inline('"\\ud800"'),  # an escape that could be a lone surrogate
        _inline('"é"'),  # not ASCII: decode checks the UTF-8 size
        _inline("[1]", digest="ab" * 32),  # a digest to verify
        "swflow/1 json base64 2 -\nMTI=",
        "swflow/1 msgpack inline 1 -\n\x07",
        "7",  # legacy plain JSON
    ],
)
def test_anything_else_is_left_to_decode(text: str) -> None:
    assert PayloadCodec().decode_inline(text, LATER) is LATER


@activity_task
def fetch(x: int) -> int:
    return x


@decision_task
def ignores_the_result() -> str:
    fetch(1)  # its result is never read
    fetch(2).result
    return "done"


@decision_task
def reads_the_result() -> str:
    first = fetch(1)
    fetch(2).result
    return str(first.result)


@pytest.mark.parametrize("body", ["{", '"\\ud800"', "[1] [2]"])
def test_a_malformed_inline_result_fails_only_the_code_that_reads_it(body: str) -> None:
    for workflow, expect_failure in ((ignores_the_result, False), (reads_the_result, True)):
        history = HistoryBuilder(workflow.definition.name)
        history.apply(decide(history.events, workflow))
        history.complete_activity("a1", raw_result=_inline(body))
        history.complete_activity("a2", 2)
        result = decide(history.events, workflow)
        if expect_failure:
            [close] = result.decisions
            assert isinstance(close, FailWorkflowExecution), result.decisions
        else:
            assert completed_with(result) == "done"


class CountingCodec(PayloadCodec):
    """Counts the payloads decoded the slow way (`PayloadCodec.decode`)."""

    decodes = 0

    def decode(self, *args: Any, **kwargs: Any) -> Any:
        self.decodes += 1
        return super().decode(*args, **kwargs)


@pytest.mark.parametrize(
    ("raw_result", "value", "decodes"),
    [
        (_inline("12"), "12", 0),  # settled decoded: no decode to run on the read
        ("swflow/1 json base64 2 -\nMTI=", "12", 1),  # decoded on its first read
    ],
)
def test_only_small_inline_json_results_settle_decoded(
    raw_result: str, value: str, decodes: int
) -> None:
    codec = CountingCodec()
    history = HistoryBuilder(reads_the_result.definition.name)
    history.apply(decide(history.events, reads_the_result, codec=codec))
    history.complete_activity("a1", raw_result=raw_result)
    history.complete_activity("a2", 2)
    assert completed_with(decide(history.events, reads_the_result, codec=codec)) == value
    assert codec.decodes == decodes  # a2's result is small inline JSON too
