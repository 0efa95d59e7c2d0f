"""Looking inside runs: ``history``, ``timeline`` and ``payload show``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from swflow.errors import HistoryError, PayloadCorruptError
from swflow.payloads import Envelope, PayloadCodec, default_codec, parse_envelope
from swflow.run_info import HistoryEvent
from swflow.timeline import render_timeline

from .common import (
    Progress,
    connection_options,
    dump_json,
    json_option,
    open_handle,
    payload_text,
    print_table,
    print_value,
    progress_option,
)
from .trust import trust_options

__all__ = ["history", "one_line", "payload", "timeline"]


def one_line(envelope: Envelope) -> str:
    """An out-of-band envelope on one line, as ``swflow payload show`` takes it."""
    return envelope.to_text().replace("\n", " ", 1)


def _fetch(
    connect: Any,
    domain: str | None,
    workflow_id: str,
    run_id: str | None,
    progress: bool | None,
    codec: PayloadCodec | None = None,
) -> tuple[Any, list[HistoryEvent]]:
    handle = open_handle(connect, domain, workflow_id, run_id, codec)
    status = Progress(progress)
    events = handle.history(on_page=lambda count: status.update(f"{count:,} events read"))
    status.done(f"{len(events):,} events read")
    return handle, events


def _payloads(event: HistoryEvent) -> dict[str, dict[str, Any]]:
    described = {}
    for name, envelope in event.envelopes().items():
        ref = envelope.ref
        entry: dict[str, Any] = {"serializer": envelope.serializer, "store": ref.scheme}
        entry["size"] = ref.size
        if not ref.inline:
            entry.update(location=ref.location, digest=f"{ref.algorithm}:{ref.digest}")
            entry["ref"] = one_line(envelope)
        described[name] = entry
    return described


_JSON_PREVIEW = 10_000  # characters of a decoded payload in `history --json --decode`


@click.command()
@click.argument("workflow_id")
@click.option("--run-id", help="A given run (default: the latest).")
@click.option("--decode", is_flag=True, help="Also decode every payload (fetches references).")
@click.option("--full", is_flag=True, help="With --decode: every payload whole, not cut.")
@json_option
@progress_option
@trust_options
@connection_options
def history(
    workflow_id: str,
    run_id: str | None,
    decode: bool,
    full: bool,
    as_json: bool,
    progress: bool | None,
    codec: PayloadCodec,
    domain: str | None,
    connect: Any,
) -> None:
    """A run's events, payloads shown as serializer/store/size.

    --json writes SWF's own shape ({"events": [...]}, with a "payloads" summary per
    event): the file `swflow replay` and `swflow timeline --from` read. --decode adds
    each payload's value, as JSON text cut to 200 characters in the table and to
    10,000 in --json (there as "preview", with "truncated": true); --full keeps all.
    """
    handle, events = _fetch(connect, domain, workflow_id, run_id, progress, codec)
    if as_json:
        out = []
        for event in events:
            raw = event.to_swf()
            raw["payloads"] = _payloads(event)
            if decode:
                for name in raw["payloads"]:
                    value = event.value(name)
                    text = payload_text(value, full=True)
                    if full or len(text) <= _JSON_PREVIEW:
                        raw["payloads"][name]["value"] = value
                    else:
                        raw["payloads"][name].update(preview=text[:_JSON_PREVIEW], truncated=True)
            out.append(raw)
        dump_json({"workflowId": handle.workflow_id, "runId": handle.run_id, "events": out})
        return
    start = events[0].timestamp if events else None
    rows = []
    for event in events:
        offset = (event.timestamp - start).total_seconds() if start else 0.0
        summary = event.summary()
        if decode:
            summary += "".join(
                f"  {name}: {payload_text(event.value(name), full)}" for name in event.envelopes()
            )
        rows.append((event.event_id, f"+{offset:.3f}s", event.event_type, summary))
    print_table(rows, ("ID", "TIME", "TYPE", "DETAILS"))


@click.command()
@click.argument("workflow_id", required=False)
@click.option("--run-id", help="A given run (default: the latest).")
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, dir_okay=False),
    help="Draw a history saved by `swflow history --json` instead of asking SWF.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="HTML file (default: WORKFLOW_ID.html)."
)
@progress_option
@connection_options
def timeline(
    workflow_id: str | None,
    run_id: str | None,
    source: str | None,
    output: str | None,
    progress: bool | None,
    domain: str | None,
    connect: Any,
) -> None:
    """Write a self-contained HTML timeline of a run and print its path."""
    if source is not None:
        from swflow.replay.check import load_history

        try:
            events = [HistoryEvent.from_json(raw, default_codec()) for raw in load_history(source)]
        except HistoryError as exc:
            raise click.BadParameter(str(exc), param_hint="--from") from None
        title = workflow_id or Path(source).stem
    elif workflow_id is not None:
        _, events = _fetch(connect, domain, workflow_id, run_id, progress)
        title = workflow_id
    else:
        raise click.UsageError("name a WORKFLOW_ID, or a saved history with --from")
    path = Path(output or f"{title}.html")
    path.write_text(render_timeline(events, title=title))
    click.echo(str(path))


@click.group()
def payload() -> None:
    """Out-of-band payloads (S3, local disk)."""


@payload.command()
@click.argument("text", metavar="ENVELOPE|REF")
@click.option(
    "--raw", is_flag=True, help="Write the stored bytes as they are: codecs not undone, undecoded."
)
@trust_options
def show(text: str, raw: bool, codec: PayloadCodec) -> None:
    """Fetch, verify and decode a payload.

    ENVELOPE is a payload field as SWF holds it (use - to read it from standard input);
    REF is the one-line form `swflow history --json` prints as "ref". Out-of-band
    payloads are read only from the stores named with --root, --bucket or --store;
    encrypted ones need the keys, given with --codec (the configuration the workers
    use). The codec chain is shown on standard error.
    """
    if text == "-":
        text = sys.stdin.read().rstrip("\n")
    if text.startswith("swflow/") and "\n" not in text:
        fields = 7 if text.startswith("swflow/2 ") else 5  # header fields, then the location
        header = text.split(" ", fields)
        if len(header) != fields + 1:
            raise click.BadParameter(f"not a swflow reference: {text[:200]!r}")
        text = " ".join(header[:fields]) + "\n" + header[fields]
    try:
        envelope = parse_envelope(text)
    except PayloadCorruptError as exc:
        raise click.BadParameter(str(exc)) from None
    if envelope.codecs:  # on stderr: standard output stays the value, for pipes
        click.echo(f"{envelope.describe()}, written for {envelope.field}", err=True)
    if raw:
        sys.stdout.buffer.write(codec.fetch(envelope.ref))
        sys.stdout.buffer.flush()
        return
    print_value(codec.serializer(envelope.serializer).loads(codec.undo_codecs(envelope)))
