"""Every ``swflow`` command against a devserver: results, tables, JSON and exit codes."""

from __future__ import annotations

import json

import pytest

from swflow.cli import EXIT_FAILED, EXIT_NOT_FOUND, EXIT_USAGE, cli
from tests.cli.conftest import Swflow

pytestmark = pytest.mark.usefixtures("workers")


def test_every_command_has_help(swflow: Swflow) -> None:
    top = swflow.ok("--help").stdout
    names = sorted(cli.commands)
    assert names == sorted(
        [
            *("cancel", "decider", "describe", "devserver", "history", "list", "payload"),
            *("replay", "result", "run", "signal", "start", "terminate", "timeline", "worker"),
        ]
    )
    for name in names:
        assert name in top
        assert "Usage: swflow " + name in swflow.ok(name, "--help").stdout
    assert "Usage: swflow payload show" in swflow.ok("payload", "show", "--help").stdout


def test_start_then_run_list_and_describe(swflow: Swflow) -> None:
    started = swflow.ok(
        "start", "tests.cli.flows:hello", "--input", '["ada"]', "--workflow-id", "w-start", "--json"
    ).json()
    assert started["workflowId"] == "w-start" and started["runId"]
    assert swflow.ok("run", "tests.cli.flows:hello", "--input", '{"name": "bob"}').stdout == (
        '"hello bob"\n'
    )
    info = swflow.ok("describe", "w-start", "--json").json()
    assert info["workflowType"] == "hello" and info["runId"] == started["runId"]
    table = swflow.ok("describe", "w-start").stdout
    assert "workflow_id" in table and "w-start" in table
    closed = swflow.ok("list", "--closed", "--json").json()
    assert "w-start" in {run["workflowId"] for run in closed}
    listing = swflow.ok("list", "--all", "--since", "1h").stdout
    assert listing.splitlines()[0].split() == [
        *("WORKFLOW", "ID", "RUN", "ID", "TYPE", "STATUS", "STARTED")
    ]
    assert "w-start" in listing


def test_run_prints_progress_when_asked(swflow: Swflow) -> None:
    outcome = swflow.ok("run", "tests.cli.flows:hello", "--input", '["eve"]', "--progress")
    assert "waiting for hello-" in outcome.stderr and "completed" in outcome.stderr
    assert outcome.stdout == '"hello eve"\n'


def test_a_failed_workflow_exits_1_with_its_reason_and_the_deciders_traceback(
    swflow: Swflow,
) -> None:
    outcome = swflow("run", "tests.cli.flows:doomed", "--input", '["out of stock"]')
    assert outcome.exit_code == EXIT_FAILED
    assert "WorkflowFailedError" in outcome.stderr and "out of stock" in outcome.stderr
    assert "the decider's traceback:" in outcome.stderr
    assert "raise ValueError(reason)" in outcome.stderr  # the line of flows.py that raised


def test_result_waits_for_a_run_started_earlier(swflow: Swflow) -> None:
    swflow.ok("start", "tests.cli.flows:hello", "--input", '["later"]', "--workflow-id", "w-res")
    assert swflow.ok("result", "w-res", "--timeout", "60").stdout == '"hello later"\n'
    swflow.ok("start", "tests.cli.flows:doomed", "--input", '["gone"]', "--workflow-id", "w-bad")
    failed = swflow("result", "w-bad", "--timeout", "60")
    assert failed.exit_code == EXIT_FAILED and "ValueError: gone" in failed.stderr
    missing = swflow("result", "w-never-started")
    assert missing.exit_code == 3


def test_signal_wakes_a_waiting_run(swflow: Swflow) -> None:
    swflow.ok("start", "tests.cli.flows:waiter", "--workflow-id", "w-signal")
    swflow.ok("signal", "w-signal", "go", "--input", '{"colour": "green"}')
    assert "WORKFLOW_ID" not in swflow.ok("list").stdout  # headers are words, not field names
    from swflow import WorkflowClient
    from swflow.swf.connection import devserver_client

    client = WorkflowClient("cli", client=devserver_client(swflow.env["AWS_ENDPOINT_URL_SWF"]))
    assert client.handle("w-signal").result(timeout=30) == {"colour": "green"}


def test_cancel_and_terminate(swflow: Swflow) -> None:
    swflow.ok("start", "tests.cli.flows:waiter", "--workflow-id", "w-cancel")
    swflow.ok("start", "tests.cli.flows:waiter", "--workflow-id", "w-terminate")
    open_ids = {run["workflowId"] for run in swflow.ok("list", "--json").json()}
    assert {"w-cancel", "w-terminate"} <= open_ids
    swflow.ok("cancel", "w-cancel")
    swflow.ok("terminate", "w-terminate", "--reason", "operator said so")
    terminated = swflow.ok("describe", "w-terminate", "--json").json()
    assert terminated["closeStatus"] == "TERMINATED"
    history = swflow.ok("history", "w-terminate").stdout
    assert "WorkflowExecutionTerminated" in history and "operator said so" in history
    for _ in range(300):
        if swflow.ok("describe", "w-cancel", "--json").json()["closeStatus"] == "CANCELED":
            break
        import time

        time.sleep(0.05)
    else:
        pytest.fail("the canceled run never closed")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["describe", "no-such-run"], "no workflow 'no-such-run'"),
        (["history", "no-such-run"], "no workflow 'no-such-run'"),
        (["signal", "no-such-run", "go"], "no workflow 'no-such-run'"),
        (["cancel", "no-such-run"], "no workflow 'no-such-run'"),
        (["terminate", "no-such-run"], "no workflow 'no-such-run'"),
        (["timeline", "no-such-run"], "no workflow 'no-such-run'"),
    ],
)
def test_unknown_workflow_ids_exit_3(swflow: Swflow, args: list[str], message: str) -> None:
    outcome = swflow(*args)
    assert outcome.exit_code == EXIT_NOT_FOUND
    assert "WorkflowNotFoundError" in outcome.stderr and message in outcome.stderr
    assert outcome.stdout == ""


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["start", "tests.cli.flows:hello", "--input", "[1, 2"], "not valid JSON"),
        (["run", "--local", "tests.cli.flows:hello", "--input", "{'a': 1}"], "not valid JSON"),
        (["signal", "w", "go", "--input", "nope"], "not valid JSON"),
        (["start", "tests.cli.flows:hello", "--input", "@/no/such/file"], "cannot read"),
        (["start", "tests.cli.nope:hello"], "no module named 'tests.cli.nope'"),
        (["start", "tests.cli.flows:nope"], "has no attribute 'nope'"),
        (["start", "tests.cli.flows:greet"], "not a @decision_task"),
        (["start", "tests.cli.flows"], "several deciders"),
        (["start", "no/such/file.py:hello"], "no such file"),
        (["worker", "tests.cli.flows:hello"], "not a @activity_task"),
        (["list", "--since", "last tuesday"], "neither an ISO date nor an age"),
        (["describe"], "Missing argument 'WORKFLOW_ID'"),
        (["frobnicate"], "No such command 'frobnicate'"),
        (["timeline"], "name a WORKFLOW_ID, or a saved history with --from"),
        (["payload", "show", "swflow/1 json"], "not a swflow reference"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(
    swflow: Swflow, args: list[str], message: str
) -> None:
    outcome = swflow(*args)
    assert outcome.exit_code == EXIT_USAGE, outcome
    assert message in outcome.stderr
    assert outcome.stdout == ""


def test_input_from_a_file_and_from_stdin(swflow: Swflow, tmp_path: object) -> None:
    path = f"{tmp_path}/input.json"
    with open(path, "w") as out:
        json.dump(["file"], out)
    assert swflow.ok("run", "--local", "tests.cli.flows:hello", "--input", f"@{path}").stdout == (
        '"hello file"\n'
    )
    piped = swflow.ok("run", "--local", "tests.cli.flows:hello", "--input", "-", stdin='["pipe"]')
    assert piped.stdout == '"hello pipe"\n'


def test_run_local_by_file_path_and_failures(swflow: Swflow) -> None:
    local = swflow.ok("run", "--local", "examples/quickstart.py:decider_a")
    assert "10 + 20 + bonus = 42" in local.stdout
    failed = swflow("run", "--local", "tests.cli.flows:doomed", "--input", '["no"]')
    assert failed.exit_code == EXIT_FAILED and "ValueError: no" in failed.stderr


def test_an_unreachable_endpoint_exits_4(swflow: Swflow) -> None:
    outcome = swflow("list", "--endpoint", "http://127.0.0.1:9")
    assert outcome.exit_code == 4
    assert "nothing answers at" in outcome.stderr and "swflow devserver" in outcome.stderr


def test_an_unknown_domain_exits_4(swflow: Swflow) -> None:
    outcome = swflow("list", "--domain", "no-such-domain")
    assert outcome.exit_code == 4 and "unknown SWF domain 'no-such-domain'" in outcome.stderr


def test_list_filters_by_tag_type_and_status_one_at_a_time(swflow: Swflow, workers: None) -> None:
    swflow.ok("run", "tests.cli.flows:hello", "--input", '["t"]', "--workflow-id", "tagged-1")
    tagged = swflow.ok("list", "--all", "--tag", "greeting", "--json").json()
    assert {run["workflowId"] for run in tagged} >= {"tagged-1"}
    assert all("greeting" in run["tags"] for run in tagged)
    failed = swflow.ok("list", "--status", "failed", "--json").json()
    assert all(run["closeStatus"] == "FAILED" for run in failed)
    typed = swflow.ok("list", "--all", "--type", "hello:1.0", "--json").json()
    assert typed and {run["workflowType"] for run in typed} == {"hello"}
    assert swflow.ok("list", "--all", "--type", "nosuchtype", "--json").json() == []
    both = swflow("list", "--tag", "greeting", "--type", "hello")
    assert both.exit_code == 2 and "one of --workflow-id, --tag, --type and --status" in both.stderr
