"""``swflow replay``: check today's decider code against a recorded history, offline."""

from __future__ import annotations

import click

from swflow.errors import HistoryError, NonDeterministicWorkflowError
from swflow.replay.check import check_replay, load_history

from .common import EXIT_FAILED, CliError, Progress, load_decider, progress_option

__all__ = ["replay"]


@click.command()
@click.argument("history_file", metavar="HISTORY.json", type=click.Path(dir_okay=False))
@click.argument("decider", metavar="MODULE:DECIDER")
@progress_option
def replay(history_file: str, decider: str, progress: bool | None) -> None:
    """Replay a recorded run with the current code; exit 1 at the first mismatch.

    HISTORY.json is what `swflow history --json` writes, or SWF's own
    GetWorkflowExecutionHistory output. Run it in CI on histories of production
    runs before deploying a change to a decider.
    """
    task = load_decider(decider)
    status = Progress(progress)
    status.update(f"reading {history_file}")
    try:
        events = load_history(history_file)
    except HistoryError as exc:
        status.done()
        raise click.BadParameter(str(exc), param_hint="HISTORY.json") from None
    status.update(f"replaying {len(events):,} events")
    try:
        report = check_replay(events, task)
    except NonDeterministicWorkflowError as exc:
        status.done()
        raise CliError(f"MISMATCH: {exc}", EXIT_FAILED) from None
    status.done(f"replayed {len(events):,} events")
    ending = f"ends with {report.closed_by}" if report.closed_by else "is open"
    click.echo(f"OK: {report.events} events agree with {decider}; the run {ending}")
    if report.next_decisions:
        click.echo(f"the code would decide next: {', '.join(report.next_decisions)}")
    elif report.closed_by is None and report.waiting_on:
        click.echo(f"the code waits on: {', '.join(report.waiting_on)}")
