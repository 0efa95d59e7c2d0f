"""SWF history events as the replay reads them: one GC-untracked struct per event type.

A JSON page decodes straight into these (`swflow.worker.pages`) and boto3's dicts
convert into them (`as_event`), so the fold (`swflow.replay.state`) reads one shape:
attributes by name, the fields it needs checked present when the event is decoded,
the fields it does not read never built. The structs are ``gc=False``: the cyclic
collector never scans them, however long the history (they hold no cycles).

Each struct class carries its SWF event type (``kind``) and its fold handler
(``fold``), from `swflow.replay.event_handlers`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, ClassVar, Union

import msgspec

from swflow.errors import HistoryError
from swflow.swf.vocabulary import (
    EVENTS,
    FIELD_TYPES,
    TaskListShape,
    TypeShape,
    WorkflowExecutionShape,
)

from .event_handlers import HANDLERS, OPTIONAL, Handler

__all__ = [
    "EVENT_CLASSES",
    "EVENT_DECODER",
    "EVENT_TYPES",
    "AnyEvent",
    "Event",
    "ExecutionRef",
    "HistoryEvent",
    "TypeRef",
    "as_event",
]


class TypeRef(msgspec.Struct, gc=False):
    """An activity or workflow type, as an event names it."""

    name: str
    version: str


class TaskListRef(msgspec.Struct, gc=False):
    """A task list, as an event names it."""

    name: str


class ExecutionRef(msgspec.Struct, gc=False):
    """A workflow execution, as an event names it."""

    workflowId: str
    runId: str


_STRUCTS: dict[Any, Any] = {
    TypeShape: TypeRef,
    TaskListShape: TaskListRef,
    WorkflowExecutionShape: ExecutionRef,
}


class Event(msgspec.Struct, gc=False, kw_only=True, tag_field="eventType"):
    """One history event: its id and time. Each event type's subclass adds, as
    ``attributes``, what the fold reads of its ``...EventAttributes``."""

    eventId: int
    eventTimestamp: float | datetime | None = None
    kind: ClassVar[str]
    fold: ClassVar[Callable[..., None]]  # its `event_handlers` handler


def _field_type(name: str) -> Any:
    declared = FIELD_TYPES[name]
    return _STRUCTS.get(declared, declared)


def _attributes(kind: str, fields: tuple[str, ...]) -> Any:
    spec: list[Any] = []
    for field in fields:
        name = field.removesuffix(OPTIONAL)
        declared = _field_type(name)
        spec.append((name, declared | None, None) if field.endswith(OPTIONAL) else (name, declared))
    return msgspec.defstruct(f"{kind}Attributes", spec, kw_only=True, gc=False)


def _event_class(kind: str, handler: Handler, fields: tuple[str, ...]) -> type[Event]:
    namespace: dict[str, Any] = {"kind": kind, "fold": staticmethod(handler)}
    attributes: list[Any] = []
    if fields:
        attributes.append(("attributes", _attributes(kind, fields)))
    else:  # nothing read: the attributes are skipped unbuilt
        namespace["attributes"] = None
    cls: Any = msgspec.defstruct(  # the ...EventAttributes object read as .attributes
        kind,
        attributes,
        bases=(Event,),
        tag=kind,
        kw_only=True,
        rename={"attributes": EVENTS[kind].attributes},
        namespace=namespace,
    )
    return cls  # type: ignore[no-any-return]


EVENT_CLASSES: dict[str, type[Event]] = {
    kind: _event_class(kind, handler, fields) for kind, (handler, fields) in HANDLERS.items()
}
"""SWF event type -> its struct class."""

EVENT_TYPES = frozenset(EVENT_CLASSES.values())
"""The struct classes: ``type(x) in EVENT_TYPES`` is the fold's quick check."""

AnyEvent: Any = Union[tuple(EVENT_CLASSES.values())]  # noqa: UP007 (built from a table)
"""Any SWF history event, told apart by its ``eventType``: what decoders take."""


EVENT_DECODER: msgspec.json.Decoder[Any] = msgspec.json.Decoder(AnyEvent)
"""One event's JSON text -> its struct."""

HistoryEvent = Event | Mapping[str, Any] | msgspec.Raw
"""An event as the fold takes it: a struct, a dict as boto3 (or a test) gives it, or
its JSON text as a lazily read page holds it (`swflow.worker.pages`)."""


def as_event(event: HistoryEvent) -> Event:
    """``event`` as its struct: boto3's dicts (and a test's) converted, raw JSON decoded,
    structs as they are.

    Raises:
        HistoryError: an unknown event type, not JSON, or a field the fold reads missing
            or of the wrong type.
    """
    if isinstance(event, Event):
        return event
    if type(event) is msgspec.Raw:
        try:
            return EVENT_DECODER.decode(event)  # type: ignore[no-any-return]
        except msgspec.DecodeError as exc:
            raise HistoryError(f"malformed SWF history event: {exc}") from None
    if not isinstance(event, Mapping):
        raise HistoryError(f"an SWF history event is not an object: {str(event)[:200]}")
    try:
        kind = event["eventType"]
        if kind not in EVENT_CLASSES:
            raise HistoryError(f"unknown SWF event type {kind!r} (event {event.get('eventId')})")
        return msgspec.convert(event, EVENT_CLASSES[kind])
    except (msgspec.ValidationError, KeyError, TypeError) as exc:
        raise HistoryError(f"malformed SWF history event: {exc} in {str(event)[:200]}") from None
