"""The ``swflow`` command: serve, start, follow, inspect and check workflows.

Exit codes scripts can trust: 0 success; 1 the workflow failed (or was canceled,
terminated, timed out) or a replay found a mismatch; 2 bad arguments or input; 3 no
such workflow, run or payload; 4 configuration, connection or store trouble.

The top layer: it may import everything (one file per concern); nothing imports it.
"""

from __future__ import annotations

import logging
from typing import Any

import click

from .common import EXIT_ERROR, EXIT_FAILED, EXIT_NOT_FOUND, EXIT_USAGE, CliError, as_cli_error
from .inspect import history, payload, timeline
from .replay_check import replay
from .runs import cancel, describe, list_runs, result, run, signal, start, terminate
from .serve import decider, devserver, worker

__all__ = ["EXIT_ERROR", "EXIT_FAILED", "EXIT_NOT_FOUND", "EXIT_USAGE", "CliError", "cli", "main"]


class _Group(click.Group):
    """Turns swflow and AWS errors into one clear line and a meaningful exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            raise as_cli_error(exc) from exc


@click.group("swflow", cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
@click.version_option(package_name="swflow")
def cli(verbose: int) -> None:
    """Durable workflows on Amazon SWF (and on the local devserver).

    Exit codes: 0 ok, 1 workflow failed or replay mismatch, 2 bad arguments or input,
    3 not found, 4 configuration, connection or store error.
    """
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


for command in (
    devserver,
    worker,
    decider,
    start,
    run,
    result,
    list_runs,
    describe,
    history,
    signal,
    cancel,
    terminate,
    payload,
    replay,
    timeline,
):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; the exit code."""
    try:
        cli.main(args=argv, prog_name="swflow", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort:
        click.echo("Aborted!", err=True)
        return 130
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
