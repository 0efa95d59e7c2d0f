"""What the client reports about runs: `RunInfo` (lists, describe) and `HistoryEvent`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from swflow.errors import ConfigurationError
from swflow.swf.vocabulary import CLOSE_STATUS, attributes_key, event_time

from .payloads import Envelope, PayloadCodec, parse_envelope

__all__ = ["CLOSE_STATUSES", "PAYLOAD_FIELDS", "HistoryEvent", "RunInfo", "list_filters"]

PAYLOAD_FIELDS = ("input", "result", "details", "control")
"""Event attributes that hold payloads (envelopes or plain JSON)."""


_NAMED = ("activityId", "timerId", "markerName", "signalName", "workflowId")
_LABELLED = ("reason", "timeoutType", "cause", "startToFireTimeout", "newExecutionRunId")


@dataclass(frozen=True)
class RunInfo:
    """One workflow run as SWF describes it."""

    workflow_id: str
    run_id: str
    workflow_type: str
    version: str
    status: str  # OPEN or CLOSED
    close_status: str | None  # COMPLETED, FAILED, CANCELED, TERMINATED, CONTINUED_AS_NEW, TIMED_OUT
    start_time: datetime
    close_time: datetime | None
    tags: tuple[str, ...] = ()
    cancel_requested: bool = False
    open_counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_swf(
        cls, info: Mapping[str, Any], open_counts: Mapping[str, int] | None = None
    ) -> RunInfo:
        execution, kind = info["execution"], info["workflowType"]
        return cls(
            workflow_id=execution["workflowId"],
            run_id=execution["runId"],
            workflow_type=kind["name"],
            version=kind["version"],
            status=info["executionStatus"],
            close_status=info.get("closeStatus"),
            start_time=info["startTimestamp"],
            close_time=info.get("closeTimestamp"),
            tags=tuple(info.get("tagList", ())),
            cancel_requested=bool(info.get("cancelRequested")),
            open_counts=dict(open_counts or {}),
        )


@dataclass(frozen=True)
class HistoryEvent:
    """One history event; its payload attributes decode on demand.

    Attributes:
        attributes: the event's own attributes (``<eventType>EventAttributes``).
    """

    event_id: int
    event_type: str
    timestamp: datetime
    attributes: dict[str, Any]
    codec: PayloadCodec = field(repr=False, compare=False)

    @classmethod
    def from_swf(cls, event: dict[str, Any], codec: PayloadCodec) -> HistoryEvent:
        kind = event["eventType"]
        attributes = event.get(attributes_key(kind), {})
        return cls(event["eventId"], kind, event["eventTimestamp"], attributes, codec)

    @classmethod
    def from_json(cls, event: dict[str, Any], codec: PayloadCodec) -> HistoryEvent:
        """From SWF's JSON, where the timestamp is epoch seconds (or ISO text)."""
        stamp = datetime.fromtimestamp(event_time(event.get("eventTimestamp")) or 0, timezone.utc)
        return cls.from_swf({**event, "eventTimestamp": stamp}, codec)

    def envelopes(self) -> dict[str, Envelope]:
        """The payload attributes' envelopes (serializer, store, size), without fetching."""
        found = {}
        for name in PAYLOAD_FIELDS:
            text = self.attributes.get(name)
            if isinstance(text, str) and text:
                try:
                    found[name] = parse_envelope(text)
                except Exception:  # free text written by someone else
                    continue
        return found

    def to_swf(self) -> dict[str, Any]:
        """The event as SWF's JSON has it (timestamp in epoch seconds): replayable."""
        return {
            "eventId": self.event_id,
            "eventType": self.event_type,
            "eventTimestamp": self.timestamp.timestamp(),
            attributes_key(self.event_type): self.attributes,
        }

    def summary(self) -> str:
        """One line for people: what the event is about, payloads as envelopes."""
        a = self.attributes
        parts = [str(a[key]) for key in _NAMED if isinstance(a.get(key), str)]
        for key in ("activityType", "workflowType"):
            if isinstance(a.get(key), dict):
                parts.insert(0, f"{a[key].get('name')} {a[key].get('version')}")
        parts += [f"{key}={a[key]}" for key in _LABELLED if a.get(key)]
        for name, envelope in self.envelopes().items():
            parts.append(f"{name}={envelope.describe()}")
        return "  ".join(parts)

    def value(self, name: str) -> Any:
        """The decoded payload in attribute ``name`` (fetched from its store if need be)."""
        text = self.attributes.get(name)
        return None if text is None else self.codec.decode(text)


def list_filters(**given: Any) -> dict[str, Any]:
    """SWF's list filter for the one filter given (SWF takes one kind per call)."""
    chosen = {name: value for name, value in given.items() if value is not None}
    if len(chosen) > 1:
        raise ConfigurationError(
            f"SWF filters a list by one of workflow id, type, tag or close status per call; "
            f"got {' and '.join(chosen)}: list by one, then filter the result"
        )
    if not chosen:
        return {}
    [(name, value)] = chosen.items()
    if name == "workflow_id":
        return {"executionFilter": {"workflowId": value}}
    if name == "tag":
        return {"tagFilter": {"tag": value}}
    if name == "status":
        status = str(value).upper()
        if status not in CLOSE_STATUSES:
            raise ConfigurationError(
                f"unknown close status {value!r}: one of {', '.join(sorted(CLOSE_STATUSES))}"
            )
        return {"closeStatusFilter": {"status": status}}
    definition = getattr(value, "definition", None)  # a decider
    if definition is not None:
        return {"typeFilter": definition.kind}
    name_, _, version = str(value).partition(":")
    return {"typeFilter": {"name": name_, **({"version": version} if version else {})}}


CLOSE_STATUSES = frozenset(CLOSE_STATUS.values())
