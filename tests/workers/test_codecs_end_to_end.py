"""Codecs end to end on the devserver: compressed and encrypted inputs, results and
@cached values leave no plaintext in the history or the store, a process-wide chain
applies to every decorator that names none, and a wrong key fails only its task."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from swflow import (
    DistributedActivityWorker,
    DistributedDecisionWorker,
    PayloadCodec,
    WorkflowClient,
    WorkflowFailedError,
    activity_task,
    cached,
    decision_task,
)
from swflow.codecs import AesGcmCodec, ZstdCodec
from swflow.payloads import parse_envelope
from swflow.stores import LocalDataStore

from .conftest import DOMAIN, serving

KEYS = {"2026-12": os.urandom(32)}
SEALED = [ZstdCodec(), AesGcmCodec(KEYS)]
SECRET = "4111-1111-1111-1111"
STORE = LocalDataStore(tempfile.mkdtemp(prefix="swflow-codecs-"))


@pytest.fixture(autouse=True, scope="module")
def _remove_store() -> Iterator[None]:
    yield
    shutil.rmtree(STORE.root, ignore_errors=True)


@activity_task(
    swf_task_list="payments",
    input_data_codecs=SEALED,
    result_data_codecs=SEALED,
    result_data_store=STORE,
)
def charge(card: str, cents: int) -> dict[str, Any]:
    return {"card": card, "cents": cents, "receipt": [card] * 200}  # compressible


@cached(result_data_codecs=SEALED)
def card_on_file() -> str:
    return SECRET


@decision_task(
    swf_task_list="checkout", input_data_codecs=SEALED, result_data_codecs=[AesGcmCodec(KEYS)]
)
def checkout(order: str) -> dict[str, Any]:
    receipt = charge(card_on_file(), 1250).result
    return {"order": order, "card": receipt["card"], "lines": len(receipt["receipt"])}


def _plaintext_in(events: list[dict[str, Any]]) -> bool:
    return SECRET in json.dumps(events, default=str)


def test_sealed_payloads_round_trip_and_leave_no_plaintext(swf: Any) -> None:
    client = WorkflowClient(DOMAIN, client=swf)
    workers = (
        DistributedDecisionWorker(checkout, domain=DOMAIN, client=swf),
        DistributedActivityWorker(charge, domain=DOMAIN, client=swf),
    )
    with serving(*workers):
        run = client.start(checkout, f"order {SECRET}")
        assert run.result(timeout=60) == {"order": f"order {SECRET}", "card": SECRET, "lines": 200}
    events = run.events()
    assert not _plaintext_in(events)  # inputs, results and the marker alike
    chains = {
        parse_envelope(text).codecs.partition(":")[0]
        for event in events
        for attributes in event.values()
        if isinstance(attributes, dict)
        for key in ("input", "result", "details")
        if isinstance(text := attributes.get(key), str) and text.startswith("swflow/")
    }
    assert chains == {"zstd,aesgcm", "aesgcm"}  # the small result was not worth compressing
    stored = [path.read_bytes() for path in Path(STORE.root).rglob("*") if path.is_file()]
    assert stored and not any(SECRET.encode() in blob for blob in stored)


@activity_task(swf_task_list="plain-steps")
def echo(value: str) -> str:
    return value


@decision_task(swf_task_list="plain")
def plain(value: str) -> str:
    return echo(value).result


@activity_task(swf_task_list="open-steps", input_data_codecs=[], result_data_codecs=[])
def echo_open(value: str) -> str:
    return value


@decision_task(swf_task_list="open")
def plain_open(value: str) -> str:
    return echo_open(value).result


def _sealing(key: bytes) -> PayloadCodec:
    return PayloadCodec(codecs=(AesGcmCodec({"shared": key}),))


def test_a_process_wide_chain_seals_every_decorator_that_names_none(swf: Any) -> None:
    key = os.urandom(16)
    client = WorkflowClient(DOMAIN, client=swf, codec=_sealing(key))
    deciders = DistributedDecisionWorker(plain, domain=DOMAIN, client=swf, codec=_sealing(key))
    activities = DistributedActivityWorker(echo, domain=DOMAIN, client=swf, codec=_sealing(key))
    with serving(deciders, activities):
        run = client.start(plain, SECRET)
        assert run.result(timeout=60) == SECRET
    assert not _plaintext_in(run.events())


def test_a_wrong_key_fails_only_the_task_that_reads_with_it(swf: Any) -> None:
    right, wrong = os.urandom(32), os.urandom(32)
    client = WorkflowClient(DOMAIN, client=swf, codec=_sealing(right))
    deciders = DistributedDecisionWorker(
        plain, plain_open, domain=DOMAIN, client=swf, codec=_sealing(right)
    )
    activities = DistributedActivityWorker(
        echo, echo_open, domain=DOMAIN, client=swf, codec=_sealing(wrong)
    )
    with serving(deciders, activities):
        broken = client.start(plain, SECRET)
        with pytest.raises(WorkflowFailedError) as failed:
            broken.result(timeout=60)
        reason = failed.value.reason or ""
        assert reason.startswith("ActivityTaskError") and "WrongKeyError" in reason
        # The workers go on: a run whose activity opts out of the chain (codecs=[])
        # completes, its activity's input and result in plain JSON.
        opened = client.start(plain_open, "fine")
        assert opened.result(timeout=60) == "fine"
        scheduled = next(e for e in opened.history() if e.event_type == "ActivityTaskScheduled")
        assert scheduled.attributes["input"].startswith("swflow/1 json inline")
