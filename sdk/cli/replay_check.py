"""``swflow replay``: check today's decider code against recorded runs, offline.

One history file is checked as before; a folder of them, or runs fetched straight from
SWF (``--type``), are checked one line per run with a summary: a deploy gate.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from swflow.client import WorkflowClient
from swflow.errors import HistoryError, NonDeterministicWorkflowError
from swflow.payloads import PayloadCodec
from swflow.replay.check import ReplayReport, check_replay, load_history
from swflow.workflow.decorators import WorkflowTask

from .common import (
    EXIT_FAILED,
    CliError,
    Progress,
    connection_options,
    load_decider,
    parse_since,
    progress_option,
)
from .trust import trust_options

__all__ = ["replay"]

Events = list[dict[str, Any]]


@click.command()
@click.argument("targets", nargs=-1, required=True, metavar="[HISTORY.json|FOLDER]... DECIDER")
@click.option(
    "--type",
    "workflow_type",
    metavar="NAME[:VERSION]",
    help="Fetch runs of this type from SWF (closed and open) instead of reading files.",
)
@click.option("--since", default="7d", show_default=True, help="With --type: started since.")
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@progress_option
@trust_options
@connection_options
def replay(
    targets: tuple[str, ...],
    workflow_type: str | None,
    since: str,
    limit: int,
    progress: bool | None,
    codec: PayloadCodec,
    domain: str | None,
    connect: Any,
) -> None:
    """Replay recorded runs with the current code; exit 1 on any mismatch.

    DECIDER is MODULE:FUNCTION. A HISTORY.json is what `swflow history --json` writes,
    or SWF's own GetWorkflowExecutionHistory output; a FOLDER holds such files. With
    --type, runs are fetched from SWF. Run it in CI before deploying a decider change.
    """
    *paths, decider = targets
    task = load_decider(decider)
    status = Progress(progress)
    if not paths and workflow_type is None:
        raise click.UsageError("give history files or folders, or --type to fetch runs from SWF")
    if len(paths) == 1 and Path(paths[0]).is_file() and workflow_type is None:
        _one(paths[0], task, decider, status, codec)
        return
    runs: Iterator[tuple[str, Callable[[], Events]]]
    if workflow_type is None:
        runs = _files(paths)
    else:
        client = WorkflowClient(domain, client=connect(), codec=codec)
        runs = _fetched(client, workflow_type, parse_since(since), limit)
    checked, mismatched = 0, 0
    for label, events in runs:
        status.update(f"replaying {label}")
        line = _check(label, events, task, codec)
        status.done()
        checked += 1
        mismatched += line.startswith("MISMATCH")
        click.echo(line)
    if not checked:
        raise CliError("no runs to replay", EXIT_FAILED)
    click.echo(f"{checked} run(s) replayed: {checked - mismatched} agree, {mismatched} mismatch")
    if mismatched:
        raise SystemExit(EXIT_FAILED)


def _one(
    path: str, task: WorkflowTask, decider: str, status: Progress, codec: PayloadCodec
) -> None:
    status.update(f"reading {path}")
    try:
        events = load_history(path)
    except HistoryError as exc:
        status.done()
        raise click.BadParameter(str(exc), param_hint="HISTORY.json") from None
    status.update(f"replaying {len(events):,} events")
    try:
        report = check_replay(events, task, codec=codec)
    except NonDeterministicWorkflowError as exc:
        status.done()
        raise CliError(f"MISMATCH: {exc}", EXIT_FAILED) from None
    status.done(f"replayed {len(events):,} events")
    click.echo(f"OK: {report.events} events agree with {decider}; the run {_ending(report)}")
    if report.next_decisions:
        click.echo(f"the code would decide next: {', '.join(report.next_decisions)}")
    elif report.closed_by is None and report.waiting_on:
        click.echo(f"the code waits on: {', '.join(report.waiting_on)}")


def _ending(report: ReplayReport) -> str:
    return f"ends with {report.closed_by}" if report.closed_by else "is open"


def _check(
    label: str, events: Callable[[], Events], task: WorkflowTask, codec: PayloadCodec
) -> str:
    try:
        report = check_replay(events(), task, codec=codec)
    except NonDeterministicWorkflowError as exc:
        return f"MISMATCH {label}: {exc}"
    except HistoryError as exc:
        return f"MISMATCH {label}: unreadable history: {exc}"
    return f"OK       {label}: {report.events} events, {_ending(report)}"


def _files(paths: list[str]) -> Iterator[tuple[str, Callable[[], Events]]]:
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise click.BadParameter(f"{given} does not exist", param_hint="HISTORY.json|FOLDER")
        for file in sorted(path.glob("*.json")) if path.is_dir() else [path]:
            yield str(file), functools.partial(load_history, file)


def _fetched(
    client: WorkflowClient, workflow_type: str, since: Any, limit: int
) -> Iterator[tuple[str, Callable[[], Events]]]:
    runs = client.list_closed(workflow_type=workflow_type, since=since)
    runs += client.list_open(workflow_type=workflow_type, since=since)
    runs.sort(key=lambda run: run.start_time, reverse=True)
    for run in runs[:limit]:
        handle = client.handle(run.workflow_id, run.run_id)
        yield f"{run.workflow_id} {run.run_id}", handle.events
