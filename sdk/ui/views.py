"""What each page shows, read through `WorkflowClient` from any SWF endpoint.

The views return plain data for the templates; nothing here renders HTML, and nothing
here writes but `act`, which the app calls only for a POST.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from swflow.client import WorkflowClient, WorkflowHandle
from swflow.errors import ConfigurationError, SwflowError
from swflow.payloads import PayloadCodec, parse_envelope
from swflow.run_info import PAYLOAD_FIELDS, HistoryEvent, RunInfo

__all__ = ["PREVIEW", "Filters", "Views"]

PREVIEW = 300
"""Characters of a decoded payload shown before its expand link."""

PAGE = 50


@dataclass(frozen=True)
class Filters:
    """The runs page's query: at most one of workflow id, type, tag and status (SWF's rule)."""

    workflow_id: str = ""
    workflow_type: str = ""
    tag: str = ""
    status: str = ""
    since_hours: float | None = None
    page: int = 0


class Views:
    """Pages' data for one SWF endpoint (a boto3 client) and one payload codec."""

    def __init__(self, swf: Any, codec: PayloadCodec) -> None:
        self.swf = swf
        self.codec = codec

    def domains(self) -> list[str]:
        pages = self.swf.get_paginator("list_domains").paginate(registrationStatus="REGISTERED")
        return sorted(info["name"] for page in pages for info in page["domainInfos"])

    def runs(self, domain: str, filters: Filters) -> tuple[list[RunInfo], bool]:
        """Open and closed runs, newest first, one page of them, and whether more follow."""
        client = WorkflowClient(domain, client=self.swf, codec=self.codec)
        since = None
        if filters.since_hours is not None:
            since = datetime.now(timezone.utc) - timedelta(hours=filters.since_hours)
        chosen = {
            "workflow_id": filters.workflow_id or None,
            "workflow_type": filters.workflow_type or None,
            "tag": filters.tag or None,
        }
        status = filters.status.upper()
        runs: list[RunInfo] = []
        if status in ("", "OPEN"):
            runs += client.list_open(since=since, **chosen)
        if status != "OPEN":
            closed = {**chosen, "status": status or None}
            if sum(value is not None for value in closed.values()) > 1:
                raise ConfigurationError(
                    "SWF filters closed runs by one of workflow id, type, tag or status "
                    "at a time: clear one of them"
                )
            runs += client.list_closed(since=since, **closed)
        runs.sort(key=lambda run: run.start_time, reverse=True)
        start = filters.page * PAGE
        return runs[start : start + PAGE], len(runs) > start + PAGE

    def run(self, domain: str, workflow_id: str, run_id: str) -> dict[str, Any]:
        """Everything the run page shows."""
        handle = self._handle(domain, workflow_id, run_id)
        answer = self.swf.describe_workflow_execution(
            domain=domain, execution={"workflowId": workflow_id, "runId": handle.run_id}
        )  # one call: RunInfo, and the parent RunInfo does not carry
        described = answer["executionInfo"]
        info = RunInfo.from_swf(described, answer.get("openCounts"))
        events = handle.history()
        first, last = events[0], events[-1]
        closing = last if info.status == "CLOSED" else None
        return {
            "info": info,
            "run_id": handle.run_id,
            "events": events,
            "rows": [self._row(event) for event in events],
            "input": self.preview(first.attributes.get("input")),
            "result": self.preview(closing.attributes.get("result")) if closing else None,
            "reason": closing.attributes.get("reason") if closing else None,
            "traceback": self._traceback(closing) if closing else None,
            "parent": described.get("parent"),
            "children": [
                event.attributes["workflowExecution"]
                for event in events
                if event.event_type == "ChildWorkflowExecutionStarted"
            ],
            "continued": closing.attributes.get("newExecutionRunId") if closing else None,
        }

    def events(self, domain: str, workflow_id: str, run_id: str) -> list[HistoryEvent]:
        """The run's history, payloads left undecoded (the timeline needs no more)."""
        return self._handle(domain, workflow_id, run_id).history()

    def payload(self, domain: str, workflow_id: str, run_id: str, event_id: int, name: str) -> str:
        """One payload of one event, decoded in full (as JSON where it can be)."""
        if name not in PAYLOAD_FIELDS:
            raise ConfigurationError(
                f"{name!r} is not a payload field ({', '.join(PAYLOAD_FIELDS)})"
            )
        for event in self.events(domain, workflow_id, run_id):
            if event.event_id == event_id:
                return _text(self._decoded(event.attributes.get(name)))
        raise ConfigurationError(f"no event {event_id} in run {run_id}")

    def act(
        self, domain: str, workflow_id: str, run_id: str, action: str, form: dict[str, str]
    ) -> None:
        """Signal, cancel or terminate the run (called for a confirmed POST only)."""
        handle = self._handle(domain, workflow_id, run_id)
        if action == "cancel":
            handle.cancel()
        elif action == "terminate":
            handle.terminate(reason=form.get("reason") or "terminated from the swflow UI")
        elif action == "signal":
            text = form.get("input", "").strip()
            value = json.loads(text) if text else None
            handle.signal(form.get("name", ""), value)
        else:
            raise ConfigurationError(f"unknown action {action!r}")

    def _handle(self, domain: str, workflow_id: str, run_id: str) -> WorkflowHandle:
        client = WorkflowClient(domain, client=self.swf, codec=self.codec)
        return client.handle(workflow_id, run_id or None)

    def preview(self, text: str | None) -> dict[str, Any] | None:
        """A payload decoded and cut to `PREVIEW` characters, or what went wrong."""
        if text is None:
            return None
        full = _text(self._decoded(text))
        return {"text": full[:PREVIEW], "truncated": len(full) > PREVIEW}

    def _decoded(self, text: str | None) -> Any:
        if text is None:
            return None
        try:
            return self.codec.decode(text)
        except SwflowError as exc:  # untrusted store, missing key: say so, decode nothing
            return f"<not decoded: {type(exc).__name__}: {exc}>"

    def _row(self, event: HistoryEvent) -> dict[str, Any]:
        """An event's payloads: inline ones previewed, out-of-band ones fetched only on
        demand (the expand link), so a page of history never reads a store."""
        payloads: dict[str, Any] = {}
        for name in PAYLOAD_FIELDS:
            text = event.attributes.get(name)
            if not isinstance(text, str):
                continue
            try:
                envelope = parse_envelope(text)
            except SwflowError:
                envelope = None
            if envelope is not None and not envelope.ref.inline:
                payloads[name] = {"text": envelope.describe(), "truncated": True}
            else:
                payloads[name] = self.preview(text)
        return {"event": event, "summary": event.summary(), "payloads": payloads}

    def _traceback(self, event: HistoryEvent) -> str | None:
        details = self._decoded(event.attributes.get("details"))
        if isinstance(details, dict) and isinstance(details.get("traceback"), str):
            return details["traceback"] or None
        return None


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, indent=2, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):
        return repr(value)
