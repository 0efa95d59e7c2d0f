"""SWF JSON pages -> typed events, fast: only what the history reader uses is built.

Most of a decider's time on a long history goes into building Python objects for every
field of every event, not into parsing. ``parse_page`` decodes a PollForDecisionTask or
GetWorkflowExecutionHistory body with msgspec straight into the replay's event structs
(`swflow.replay.events`, which hold what `swflow.replay.event_handlers` reads), so
everything else (identities, the attributes of events the replay ignores) is skipped
without ever being created, and what is created is never scanned by the cyclic
collector. A test holds the boto3 and JSON paths equal for every SWF event type,
generated from botocore's model.

A decision worker asks for a first page whose events stay raw JSON (``lazy=True``, a
quick scan) until it knows the run: warm, it decodes only the handful of new ones with
`page_events`; cold, it reads the history's pages decoded whole (`read_page`), and raw
events left on a page decode as they are folded (`swflow.replay.events.as_event`).
"""

from __future__ import annotations

from typing import Any, TypedDict

import msgspec

from swflow.errors import HistoryError
from swflow.replay.events import EVENT_DECODER, EVENT_TYPES, AnyEvent, Event, as_event
from swflow.swf.vocabulary import TypeShape, WorkflowExecutionShape

__all__ = ["event_id", "page_events", "parse_page", "read_page"]


_typed_dict: Any = TypedDict  # a schema built from a table, which mypy cannot follow


class _PageHead(TypedDict, total=False):
    taskToken: str
    startedEventId: int
    previousStartedEventId: int
    workflowExecution: WorkflowExecutionShape
    workflowType: TypeShape
    nextPageToken: str


_Page = _typed_dict("_Page", {**_PageHead.__annotations__, "events": list[AnyEvent]}, total=False)


class _LazyPage(_PageHead, total=False):
    events: list[msgspec.Raw]  # decoded later, only as far as needed (page_events)


_DECODER = msgspec.json.Decoder(_Page)
_LAZY_DECODER = msgspec.json.Decoder(_LazyPage)


def parse_page(body: bytes | str, *, lazy: bool = False) -> dict[str, Any]:
    """A PollForDecisionTask or GetWorkflowExecutionHistory JSON body.

    With ``lazy`` the events stay undecoded (`msgspec.Raw`): read them with
    `page_events`.

    Raises:
        HistoryError: the body is not JSON, or a field has the wrong type.
    """
    try:
        page: dict[str, Any] = (_LAZY_DECODER if lazy else _DECODER).decode(body)  # type: ignore[assignment]
    except msgspec.DecodeError as exc:
        raise HistoryError(f"malformed SWF history page: {exc}") from None
    return page


def read_page(body: bytes | str, *, lazy: bool) -> dict[str, Any]:
    """`parse_page` as a decision worker reads a page: ``lazy`` for a page whose events
    may be known already; else decoded at once, in one pass (a cold run's pages, where
    every event is needed: ~40% faster than raw events decoded one by one).

    A page whose events do not decode at once is read lazily instead, so that a
    malformed event fails its decision task when it is folded, not the poll.

    Raises:
        HistoryError: the body is not JSON, or a head field has the wrong type.
    """
    if not lazy:
        try:
            return parse_page(body)
        except HistoryError:
            pass
    return parse_page(body, lazy=True)


def event_id(event: Any) -> int:
    """An event's id: raw, a dict or a struct.

    Raises:
        HistoryError: the event is malformed.
    """
    return page_events([event])[0].eventId


def page_events(events: list[Any], known: int = 0) -> list[Event]:
    """A newest-first page's events newer than event ``known`` (all of them when 0), as
    structs, newest first: raw ones (`msgspec.Raw`) decoded, dicts converted.

    Decoding stops at the first event the caller already knows, so a warm decision
    task decodes only its new events.

    Raises:
        HistoryError: an event is not JSON, or a field is missing or of the wrong type.
    """
    decode = EVENT_DECODER.decode
    try:
        if not known:  # raw events decoded, structs kept, dicts converted
            raw, structs = msgspec.Raw, EVENT_TYPES
            return [
                decode(e) if type(e) is raw else e if type(e) in structs else as_event(e)
                for e in events
            ]
        newer: list[Event] = []
        for item in events:
            event = decode(item) if type(item) is msgspec.Raw else as_event(item)
            if event.eventId <= known:
                break
            newer.append(event)
    except msgspec.DecodeError as exc:
        raise HistoryError(f"malformed SWF history event: {exc}") from None
    return newer
