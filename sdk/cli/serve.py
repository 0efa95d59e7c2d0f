"""Long-running processes: ``devserver``, ``worker`` (activities) and ``decider``."""

from __future__ import annotations

import ipaddress
import logging
import os
import signal
import threading
from typing import Any

import click

from swflow.payloads import PayloadCodec
from swflow.worker.activity import DistributedActivityWorker
from swflow.worker.decision import DistributedDecisionWorker
from swflow.worker.json_logs import JsonLogFormatter
from swflow.workflow.decorators import ActivityTask, WorkflowTask

from .common import EXIT_USAGE, CliError, connection_options, load_tasks
from .trust import named_object, trust_options, trusted_codecs

__all__ = ["decider", "default_db", "devserver", "worker"]


def default_db() -> str:
    """A file under the user's data folder (XDG_DATA_HOME, else ~/.local/share)."""
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "share"
    )
    return os.path.join(data, "swflow", "devserver.sqlite3")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8787, show_default=True)
@click.option("--db", default=default_db, show_default=True, help="SQLite file, or :memory:.")
@click.option(
    "--time-skipping", is_flag=True, help="Jump the clock to the next timer whenever nothing runs."
)
@click.option("--poll-timeout", type=click.FloatRange(min=0), default=60.0, show_default=True)
@click.option(
    "--ui-port",
    type=click.IntRange(0, 65535),
    help="The web UI's port (default: --port + 1, or any free one when that is taken).",
)
@click.option("--no-ui", is_flag=True, help="Serve the SWF API only.")
@trust_options
def devserver(
    host: str,
    port: int,
    db: str,
    time_skipping: bool,
    poll_timeout: float,
    ui_port: int | None,
    no_ui: bool,
    codec: PayloadCodec,
) -> None:
    """Run the SWF-compatible local server, and its web UI, until interrupted.

    The UI decodes payloads only from the stores named with --root, --bucket or --store
    (and with the keys given with --codec).
    """
    from swflow.devserver import DevServer
    from swflow.ui import UiServer

    if db != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(db)), exist_ok=True)
    try:
        server = DevServer(
            host=host, port=port, db=db, time_skipping=time_skipping, poll_timeout=poll_timeout
        ).start()
    except OSError as exc:  # the port is taken, or the address is not this machine's
        raise CliError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}; stop what holds it or "
            "choose another --port",
            EXIT_USAGE,
        ) from None
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if not _loopback(host):
        click.echo(
            f"warning: listening on {host}, beyond this machine; the devserver has no "
            "authentication: anyone who reaches the port can start, read and terminate runs",
            err=True,
        )
    ui = None
    if not no_ui:
        api_port = server.http.server_address[1]
        wanted = ui_port if ui_port is not None else (api_port + 1 if port else 0)
        try:
            ui = UiServer(server.endpoint, host=host, port=wanted, codec=codec).start()
        except OSError as exc:
            if ui_port is not None:  # asked for: say so; else take any free port
                server.stop()
                raise CliError(
                    f"cannot serve the UI on {host}:{ui_port}: {exc.strerror or exc}; "
                    "choose another --ui-port, or --no-ui",
                    EXIT_USAGE,
                ) from None
            ui = UiServer(server.endpoint, host=host, port=0, codec=codec).start()
    click.echo(
        f"swflow devserver on {server.endpoint} (db: {db})\n"
        f"export AWS_ENDPOINT_URL_SWF={server.endpoint}"
        + (f"\nweb UI on {ui.url}" if ui is not None else "")
    )
    stop.wait()
    if ui is not None:
        ui.stop()
    server.stop()


def _codec(spec: str | None) -> PayloadCodec | None:
    """The workers' payload codec: a PayloadCodec as named, or one with the codecs named."""
    if spec is None:
        return None
    found = named_object(spec)
    return (
        found if isinstance(found, PayloadCodec) else PayloadCodec(codecs=trusted_codecs((spec,)))
    )


def _loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _worker_options(func: Any) -> Any:
    func = click.option("--identity", help="Name in SWF's records (default: host:pid).")(func)
    func = click.option(
        "--log-format",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="json: one object per line, with workflow id, run id and activity id.",
    )(func)
    func = click.option(
        "--codec",
        "codec_spec",
        metavar="MODULE:NAME",
        help="The PayloadCodec (or Codec, or list of them) payloads are written and read with.",
    )(func)
    func = click.option(
        "--concurrency",
        type=click.IntRange(min=1),
        help="Tasks handled at once per task list.",
    )(func)
    func = click.option("--task-list", help="Poll this task list instead of the decorators' ones.")(
        func
    )
    return connection_options(func)


@click.command()
@click.argument("targets", nargs=-1, required=True, metavar="MODULE[:ATTR]...")
@_worker_options
def worker(targets: tuple[str, ...], **options: Any) -> None:
    """Serve @activity_task functions until SIGTERM or Ctrl-C.

    MODULE alone serves every activity it defines; MODULE can be a dotted name or a
    .py file. A first signal finishes the tasks in hand, a second exits at once.
    """
    _serve(DistributedActivityWorker, load_tasks(targets, ActivityTask), **options)


@click.command()
@click.argument("targets", nargs=-1, required=True, metavar="MODULE[:ATTR]...")
@_worker_options
def decider(targets: tuple[str, ...], **options: Any) -> None:
    """Serve @decision_task functions until SIGTERM or Ctrl-C."""
    _serve(DistributedDecisionWorker, load_tasks(targets, WorkflowTask), **options)


def _serve(
    kind: type[DistributedActivityWorker] | type[DistributedDecisionWorker],
    functions: list[Any],
    *,
    domain: str | None,
    task_list: str | None,
    concurrency: int | None,
    identity: str | None,
    connect: Any,
    log_format: str,
    codec_spec: str | None,
) -> None:
    if log_format == "json":
        for handler in logging.getLogger().handlers:
            handler.setFormatter(JsonLogFormatter())
    server = kind(
        *functions,
        domain=domain,
        task_list=task_list,
        concurrency=concurrency,
        identity=identity,
        client=connect(connections=(concurrency or 4) * 2 + 4),
        codec=_codec(codec_spec),
    )
    names = ", ".join(function.definition.name for function in functions)
    click.echo(f"swflow {kind.__name__} serving {names}", err=True)
    server.start()
