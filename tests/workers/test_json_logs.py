"""``--log-format json``: one JSON object per line, with the run and activity it is about."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from swflow import (
    DistributedActivityWorker,
    DistributedDecisionWorker,
    WorkflowClient,
    WorkflowFailedError,
    activity_task,
    decision_task,
)
from swflow.worker.json_logs import JsonLogFormatter

from .conftest import DOMAIN, serving

app = logging.getLogger("tests.app")


@activity_task(swf_task_list="logged-steps")
def logged(fail: bool) -> str:
    app.warning("charging card")  # the user's own log line, inside the activity
    if fail:
        raise ValueError("card declined")
    return "ok"


@decision_task(swf_task_list="logged")
def logging_flow(fail: bool) -> str:
    return logged(fail).result


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonLogFormatter())
    loggers = [logging.getLogger("tests.app"), logging.getLogger("swflow.worker")]
    for logger in loggers:
        logger.addHandler(handler)
    yield out
    for logger in loggers:
        logger.removeHandler(handler)


def _records(out: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_log_lines_are_json_with_workflow_run_and_activity_ids(
    swf: Any, client: WorkflowClient, lines: io.StringIO
) -> None:
    workers = (
        DistributedDecisionWorker(logging_flow, domain=DOMAIN, client=swf),
        DistributedActivityWorker(logged, domain=DOMAIN, client=swf),
    )
    with serving(*workers):
        run = client.start(logging_flow, True)
        with pytest.raises(WorkflowFailedError):
            run.result(timeout=60)
    records = _records(lines)
    user = next(r for r in records if r["message"] == "charging card")
    failed = next(r for r in records if "card declined" in r["message"])
    for record in (user, failed):
        assert record["workflow_id"] == run.workflow_id and record["run_id"] == run.run_id
        assert record["activity_id"] == "a1"
        assert {"time", "level", "logger"} <= set(record)
    assert failed["logger"] == "swflow.worker" and failed["level"] == "WARNING"
