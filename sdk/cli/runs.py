"""Starting runs and acting on them: start, run, list, describe, signal, cancel, terminate."""

from __future__ import annotations

import dataclasses
import json
import time
from typing import Any

import click

from swflow.client import WorkflowClient, WorkflowHandle
from swflow.errors import ResultTimeoutError, WorkflowError
from swflow.payloads import PayloadCodec
from swflow.run_info import CLOSE_STATUSES
from swflow.worker.local import LocalDecisionWorker

from .common import (
    EXIT_FAILED,
    CliError,
    Progress,
    connection_options,
    dump_json,
    input_limit,
    json_option,
    load_decider,
    open_handle,
    parse_input,
    parse_since,
    print_table,
    print_value,
    progress_option,
    run_json,
)
from .trust import trust_options

__all__ = [
    "cancel",
    "describe",
    "list_runs",
    "result",
    "run",
    "signal",
    "start",
    "terminate",
]

_INPUT_HELP = (
    "Arguments as JSON: a list is positional, an object is keyword, anything else is "
    "one argument. @FILE reads a file, - reads standard input."
)
workflow_id_argument = click.argument("workflow_id")
run_id_option = click.option("--run-id", help="A given run (default: the latest).")


def _start(
    connect: Any, domain: str | None, spec: str, text: str | None, workflow_id: str | None
) -> WorkflowHandle:
    decider = load_decider(spec)
    args, kwargs = parse_input(text, limit=input_limit(decider.definition))
    client = WorkflowClient(domain, client=connect())
    return client.start(decider, *args, workflow_id=workflow_id, kwargs=kwargs)


@click.command()
@click.argument("decider", metavar="MODULE:DECIDER")
@click.option("--input", "text", metavar="JSON", help=_INPUT_HELP)
@click.option("--workflow-id", help="Unique among open runs (default: type name + uuid).")
@json_option
@connection_options
def start(
    decider: str,
    text: str | None,
    workflow_id: str | None,
    as_json: bool,
    domain: str | None,
    connect: Any,
) -> None:
    """Start a run; print its workflow id and run id. Workers run it."""
    handle = _start(connect, domain, decider, text, workflow_id)
    if as_json:
        dump_json({"workflowId": handle.workflow_id, "runId": handle.run_id})
    else:
        click.echo(f"{handle.workflow_id} {handle.run_id}")


@click.command()
@click.argument("decider", metavar="MODULE:DECIDER")
@click.option("--input", "text", metavar="JSON", help=_INPUT_HELP)
@click.option(
    "--local", is_flag=True, help="Run everything in this process on an embedded devserver."
)
@click.option("--workflow-id", help="Unique among open runs (default: type name + uuid).")
@click.option("--timeout", type=click.FloatRange(min=0), help="Give up waiting after N seconds.")
@progress_option
@connection_options
def run(
    decider: str,
    text: str | None,
    local: bool,
    workflow_id: str | None,
    timeout: float | None,
    progress: bool | None,
    domain: str | None,
    connect: Any,
) -> None:
    """Run a workflow and print its result (JSON when it is JSON).

    With --local, the decider and every activity it schedules run here, on an
    in-memory devserver whose clock skips idle time. Without it, the run is started
    on SWF (or $AWS_ENDPOINT_URL_SWF) and workers elsewhere must serve it.
    """
    if local:
        task = load_decider(decider)
        args, kwargs = parse_input(text, limit=input_limit(task.definition))
        print_value(LocalDecisionWorker(task).start(*args, **kwargs))
        return
    _print_result(_start(connect, domain, decider, text, workflow_id), timeout, progress)


@click.command()
@workflow_id_argument
@run_id_option
@click.option("--timeout", type=click.FloatRange(min=0), help="Give up waiting after N seconds.")
@progress_option
@trust_options
@connection_options
def result(
    workflow_id: str,
    run_id: str | None,
    timeout: float | None,
    progress: bool | None,
    codec: PayloadCodec,
    domain: str | None,
    connect: Any,
) -> None:
    """Wait for a run's result (following continue-as-new) and print it.

    For a run started earlier: by `swflow start`, or a `swflow run` left with Ctrl-C.
    """
    _print_result(open_handle(connect, domain, workflow_id, run_id, codec), timeout, progress)


def _print_result(handle: WorkflowHandle, timeout: float | None, progress: bool | None) -> None:
    """Wait for ``handle``'s result and print it; a failed run prints its reason and,
    when its decider raised, the decider's traceback (exit 1)."""
    status = Progress(progress)
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        status.update(f"waiting for {handle.workflow_id}")
        try:
            value = handle.result(timeout=1.0)
        except ResultTimeoutError:
            if deadline is not None and time.monotonic() >= deadline:
                status.done()
                raise CliError(
                    f"workflow {handle.workflow_id} run {handle.run_id} still open after "
                    f"{timeout} s"
                ) from None
            continue
        except WorkflowError as error:
            status.done()
            trace = error.details.get("traceback") if isinstance(error.details, dict) else None
            if trace:
                click.echo(f"the decider's traceback:\n{trace.rstrip()}", err=True)
            raise CliError(f"{type(error).__name__}: {error}", EXIT_FAILED) from None
        except Exception:
            status.done()
            raise
        status.done(f"{handle.workflow_id} completed")
        print_value(value)
        return


@click.command("list")
@click.option("--closed", is_flag=True, help="Closed runs instead of open ones.")
@click.option("--all", "everything", is_flag=True, help="Open and closed runs.")
@click.option("--workflow-id", help="Only runs of this workflow id.")
@click.option("--tag", help="Only runs with this tag.")
@click.option("--type", "workflow_type", metavar="NAME[:VERSION]", help="Only runs of this type.")
@click.option(
    "--status",
    type=click.Choice(["OPEN", *sorted(CLOSE_STATUSES)], case_sensitive=False),
    help="Only runs in this state (a close status lists closed runs).",
)
@click.option("--since", metavar="WHEN", help="Started since: ISO date or age (90m, 36h, 7d).")
@json_option
@connection_options
def list_runs(
    closed: bool,
    everything: bool,
    workflow_id: str | None,
    tag: str | None,
    workflow_type: str | None,
    status: str | None,
    since: str | None,
    as_json: bool,
    domain: str | None,
    connect: Any,
) -> None:
    """List runs, newest first (open ones unless told otherwise).

    SWF filters by one of --workflow-id, --tag, --type and --status at a time.
    """
    client = WorkflowClient(domain, client=connect())
    oldest = parse_since(since)
    if status:
        status = status.upper()
        closed, everything = status != "OPEN", False
    close_status = status if status != "OPEN" else None
    given = [
        flag
        for flag, value in (
            ("--workflow-id", workflow_id),
            ("--tag", tag),
            ("--type", workflow_type),
            ("--status", close_status),
        )
        if value
    ]
    if len(given) > 1:
        raise click.UsageError(
            f"SWF filters a list by one of --workflow-id, --tag, --type and --status at a "
            f"time; got {' and '.join(given)}"
        )
    filters = {"workflow_id": workflow_id, "tag": tag, "workflow_type": workflow_type}
    runs = []
    if everything or not closed:
        runs += client.list_open(since=oldest, **filters)
    if everything or closed:
        runs += client.list_closed(since=oldest, status=close_status, **filters)
    runs.sort(key=lambda run: run.start_time, reverse=True)
    if as_json:
        dump_json([run_json(run) for run in runs])
        return
    if not runs and not (closed or everything):
        click.echo("no open runs (--all shows closed ones too)", err=True)
        return
    rows = [
        (r.workflow_id, r.run_id, f"{r.workflow_type} {r.version}", r.close_status or r.status)
        for r in runs
    ]
    started = [f"{r.start_time:%Y-%m-%d %H:%M:%S}" for r in runs]
    print_table(
        [(*row, at) for row, at in zip(rows, started, strict=True)],
        ("WORKFLOW ID", "RUN ID", "TYPE", "STATUS", "STARTED"),
    )


@click.command()
@workflow_id_argument
@run_id_option
@json_option
@connection_options
def describe(
    workflow_id: str, run_id: str | None, as_json: bool, domain: str | None, connect: Any
) -> None:
    """A run's type, status, times, tags and open task counts."""
    run = open_handle(connect, domain, workflow_id, run_id).describe()
    if as_json:
        dump_json(run_json(run))
        return
    info = dataclasses.asdict(run)
    info["tags"] = ", ".join(info["tags"]) or None
    info["open_counts"] = ", ".join(f"{k}={v}" for k, v in info["open_counts"].items()) or None
    print_table(info.items(), ("FIELD", "VALUE"))


@click.command()
@workflow_id_argument
@click.argument("name")
@click.option("--input", "text", metavar="JSON", help="The signal's value, as JSON.")
@run_id_option
@connection_options
def signal(
    workflow_id: str,
    name: str,
    text: str | None,
    run_id: str | None,
    domain: str | None,
    connect: Any,
) -> None:
    """Send signal NAME to a run."""
    value = None
    if text is not None:
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise click.BadParameter(f"not valid JSON: {exc}", param_hint="--input") from None
        except RecursionError:
            raise click.BadParameter("JSON nested too deeply", param_hint="--input") from None
    open_handle(connect, domain, workflow_id, run_id).signal(name, value)


@click.command()
@workflow_id_argument
@run_id_option
@connection_options
def cancel(workflow_id: str, run_id: str | None, domain: str | None, connect: Any) -> None:
    """Ask a run to cancel; its next decision closes it."""
    open_handle(connect, domain, workflow_id, run_id).cancel()


@click.command()
@workflow_id_argument
@run_id_option
@click.option("--reason", help="Recorded in the history (up to 256 characters).")
@connection_options
def terminate(
    workflow_id: str, run_id: str | None, reason: str | None, domain: str | None, connect: Any
) -> None:
    """End a run at once; its decider runs no more."""
    open_handle(connect, domain, workflow_id, run_id).terminate(reason=reason)
