"""What every ``swflow`` command shares: exit codes, connections, loading code, output."""

from __future__ import annotations

import dataclasses
import functools
import importlib
import importlib.util
import json
import os
import socket
import sys
import time
import traceback
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import click

from swflow.client import WorkflowClient, WorkflowHandle
from swflow.errors import (
    NonDeterministicWorkflowError,
    PayloadNotFoundError,
    SwfFault,
    SwflowError,
    WorkflowError,
    WorkflowNotFoundError,
)
from swflow.payloads import PayloadCodec
from swflow.stores import InlineDataStore
from swflow.swf.connection import DOMAIN_VARIABLE, swf_client
from swflow.swf.limits import DATA
from swflow.workflow.decorators import ActivityTask, WorkflowDefinition, WorkflowTask

__all__ = [
    "EXIT_ERROR",
    "EXIT_FAILED",
    "EXIT_NOT_FOUND",
    "EXIT_USAGE",
    "CliError",
    "Progress",
    "connection_options",
    "dump_json",
    "json_option",
    "load_decider",
    "load_tasks",
    "open_handle",
    "parse_input",
    "parse_since",
    "print_table",
    "print_value",
    "to_json",
]

EXIT_FAILED = 1  # the workflow ended without a result, or a replay found a mismatch
EXIT_USAGE = 2  # bad arguments or input (click's own code for usage errors)
EXIT_NOT_FOUND = 3  # no such workflow, run or payload
EXIT_ERROR = 4  # configuration, connection or store trouble

F = TypeVar("F", bound=Callable[..., Any])


class CliError(click.ClickException):
    """An error shown as one ``Error: ...`` line, with its own exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click reads it per instance


def exit_code_for(error: BaseException) -> int:
    """The exit code a script can trust for ``error``."""
    if isinstance(error, WorkflowNotFoundError | PayloadNotFoundError):
        return EXIT_NOT_FOUND
    if isinstance(error, WorkflowError | NonDeterministicWorkflowError):
        return EXIT_FAILED
    return EXIT_ERROR


def as_cli_error(error: Exception) -> CliError:
    """A swflow or AWS error as a one-line message and its exit code."""
    if isinstance(error, SwfFault):
        return CliError(f"SWF refused: {error}")
    if isinstance(error, SwflowError):
        return CliError(f"{type(error).__name__}: {error}", exit_code_for(error))
    from botocore.exceptions import BotoCoreError

    if isinstance(error, BotoCoreError):
        return CliError(f"cannot reach SWF: {error}")
    raise error


def connection_options(func: F) -> F:
    """``--domain`` and ``--endpoint``, passed on as ``connect`` (a boto3 SWF client maker)."""

    @click.option(
        "--domain",
        envvar=DOMAIN_VARIABLE,
        help=f"SWF domain (default: the decorator's, then ${DOMAIN_VARIABLE}).",
    )
    @click.option(
        "--endpoint",
        envvar="AWS_ENDPOINT_URL_SWF",
        metavar="URL",
        help="SWF endpoint, e.g. a devserver's (default: $AWS_ENDPOINT_URL_SWF, then AWS).",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, endpoint: str | None, **kwargs: Any) -> Any:
        def connect(connections: int = 10) -> Any:
            override = endpoint or os.environ.get("AWS_ENDPOINT_URL")
            if override:
                _answering(override)
            return swf_client(endpoint=endpoint, connections=connections)

        kwargs["connect"] = connect
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _answering(url: str) -> None:
    """A quick TCP check of an endpoint override: a devserver that is not running is
    one line that says how to start it, not seconds of botocore's silent retries."""
    parts = urllib.parse.urlsplit(url)
    if not parts.hostname:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=2).close()
    except OSError as exc:
        raise CliError(
            f"nothing answers at {url} ({exc.strerror or exc}): start a devserver with "
            "`swflow devserver`, or point --endpoint / AWS_ENDPOINT_URL_SWF elsewhere"
        ) from None


def open_handle(
    connect: Any,
    domain: str | None,
    workflow_id: str,
    run_id: str | None,
    codec: PayloadCodec | None = None,
) -> WorkflowHandle:
    """The run a command names (the latest one of ``workflow_id`` unless ``run_id``)."""
    return WorkflowClient(domain, client=connect(), codec=codec).handle(workflow_id, run_id)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON, not a table.")(func)


INLINE_INPUT_BYTES = 4 * DATA  # 32,768 characters of UTF-8 take at most this many bytes
OUT_OF_BAND_INPUT_BYTES = 2**30


def input_limit(definition: WorkflowDefinition) -> int:
    """The most ``--input`` bytes worth reading for ``definition``: what SWF can carry
    inline, or, with an out-of-band input store, 1 GiB."""
    inline = isinstance(definition.input.store, InlineDataStore)
    return INLINE_INPUT_BYTES if inline else OUT_OF_BAND_INPUT_BYTES


def parse_input(
    text: str | None, what: str = "--input", limit: int = INLINE_INPUT_BYTES
) -> tuple[list[Any], dict[str, Any]]:
    """Arguments from JSON: a list is positional, an object is keyword, else one argument.

    ``@FILE`` reads the JSON from a file and ``-`` from standard input, never more than
    ``limit`` bytes (a FIFO or ``/dev/zero`` cannot make it read forever).
    """
    if text is None:
        return [], {}
    raw = text.encode()
    if text == "-":
        raw = sys.stdin.buffer.read(limit + 1)
    elif text.startswith("@"):
        try:
            with open(text[1:], "rb") as file:
                raw = file.read(limit + 1)
        except OSError as exc:
            raise click.BadParameter(f"cannot read {text[1:]}: {exc.strerror}") from None
    if len(raw) > limit:
        raise click.BadParameter(
            f"more than {limit:,} bytes: SWF carries at most {DATA:,} characters in an "
            "input field (give the decider an out-of-band input_data_store for more)",
            param_hint=what,
        )
    try:
        value = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise click.BadParameter(f"not valid JSON: {exc}", param_hint=what) from None
    except RecursionError:
        raise click.BadParameter("JSON nested too deeply", param_hint=what) from None
    if isinstance(value, list):
        return value, {}
    if isinstance(value, dict):
        return [], value
    return [value], {}


def load_tasks(specs: Sequence[str], kind: type[Any]) -> list[Any]:
    """The decorated functions ``MODULE[:ATTR]`` names (every one of ``kind`` if no ATTR).

    MODULE is a dotted name importable from the current folder, or a ``.py`` path.
    """
    found: list[Any] = []
    what = "@activity_task" if kind is ActivityTask else "@decision_task"
    for spec in specs:
        module_name, _, attribute = spec.partition(":")
        module = import_target(module_name)
        if attribute:
            target: Any = module
            for part in attribute.split("."):
                if not hasattr(target, part):
                    there = sorted(n for n, v in vars(module).items() if isinstance(v, kind))
                    listed = ", ".join(there) if there else "none"
                    raise click.BadParameter(
                        f"{module_name} has no attribute {attribute!r}; its {what} "
                        f"functions: {listed}"
                    )
                target = getattr(target, part)
            if not isinstance(target, kind):
                raise click.BadParameter(f"{spec} is {target!r}, not a {what} function")
            candidates = [target]
        else:
            candidates = [value for value in vars(module).values() if isinstance(value, kind)]
            if not candidates:
                raise click.BadParameter(f"module {module_name} defines no {what} function")
        found.extend(c for c in candidates if all(c is not other for other in found))
    return found


def load_decider(spec: str) -> WorkflowTask:
    tasks = load_tasks([spec], WorkflowTask)
    if len(tasks) != 1:
        names = ", ".join(task.definition.name for task in tasks)
        raise click.BadParameter(f"{spec} defines several deciders ({names}): name one")
    decider: WorkflowTask = tasks[0]
    return decider


def import_target(name: str) -> Any:
    if name.endswith(".py"):
        path = Path(name).resolve()
        if not path.is_file():
            raise click.BadParameter(f"no such file {name}")
        sys.path.insert(0, str(path.parent))  # its own imports resolve as when run directly
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[path.stem] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            raise _import_failed(name, exc) from None
        return module
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            raise click.BadParameter(f"no module named {name!r} (from {os.getcwd()})") from None
        raise _import_failed(name, exc) from None
    except Exception as exc:  # the user's module raised, or does not parse
        raise _import_failed(name, exc) from None


def _import_failed(name: str, error: Exception) -> click.BadParameter:
    """One line for a module that cannot be imported: where, and why."""
    where = ""
    if isinstance(error, SyntaxError):
        where = f" ({error.filename}, line {error.lineno})"
    else:
        frames = traceback.extract_tb(error.__traceback__)
        if frames:
            where = f" ({frames[-1].filename}, line {frames[-1].lineno})"
    return click.BadParameter(f"cannot import {name}: {type(error).__name__}: {error}{where}")


def to_json(value: Any) -> Any:
    """``value`` made JSON-able: datetimes as ISO text, dataclass-likes as dicts."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    return value


def dump_json(value: Any) -> None:
    click.echo(json.dumps(to_json(value), indent=2))


def run_json(run: Any) -> dict[str, Any]:
    """A `RunInfo` in the one key casing of every ``--json``: SWF's camelCase."""
    return {_camel(key): value for key, value in dataclasses.asdict(run).items()}


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.title() for word in rest)


def payload_text(value: Any, full: bool, limit: int = 200) -> str:
    """A decoded payload as JSON text (repr when it is not JSON), cut unless ``full``."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    if full or len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters; --full shows all)"


def print_value(value: Any) -> None:
    """A decoded payload: JSON when it is JSON, else its repr."""
    try:
        click.echo(json.dumps(value))
    except (TypeError, ValueError):
        click.echo(repr(value))


def print_table(rows: Iterable[Sequence[Any]], headers: Sequence[str]) -> None:
    cells = [[("-" if cell is None else str(cell)) for cell in row] for row in rows]
    widths = [len(header) for header in headers]
    for row in cells:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    for row in [list(headers), *cells]:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


class Progress:
    """A status line on standard error, rewritten in place; silent unless enabled."""

    def __init__(self, enabled: bool | None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.started = time.monotonic()

    def update(self, text: str) -> None:
        if self.enabled:
            elapsed = time.monotonic() - self.started
            click.echo(f"\r{text} ({elapsed:.1f} s)\033[K", nl=False, err=True)

    def done(self, text: str = "") -> None:
        if self.enabled:
            if text:
                self.update(text)
            click.echo(err=True)


def progress_option(func: F) -> F:
    return click.option(
        "--progress/--no-progress",
        default=None,
        help="Show progress on standard error (default: when it is a terminal).",
    )(func)


def parse_since(text: str | None) -> datetime | None:
    """``2026-11-01``, an ISO time, or an age like ``90m``, ``36h``, ``7d``."""
    if text is None:
        return None
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if text[-1:] in units and text[:-1].isdigit():
        return datetime.now(timezone.utc) - timedelta(seconds=int(text[:-1]) * units[text[-1]])
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is neither an ISO date nor an age like 90m, 36h or 7d", param_hint="--since"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
