"""SWF JSON pages -> event dicts, fast: only what the history reader uses is built.

Most of a decider's time on a long history goes into building Python objects for every
field of every event, not into parsing. ``parse_page`` decodes a PollForDecisionTask or
GetWorkflowExecutionHistory body with msgspec against a schema derived from what the
history reader declares it reads (`swflow.replay.state.READ_FIELDS`, typed by
`swflow.swf.vocabulary.FIELD_TYPES`), so everything else (identities, the attributes of
events the replay ignores) is skipped without ever being created. The result is the
same plain dicts boto3 would give, minus what nobody reads; a test holds the two paths
equal for every SWF event type, generated from botocore's model.

A warm decision worker needs only a handful of the newest events, so it can ask for
a page whose events stay raw JSON (``lazy=True``, a quick scan) and decode just the
new ones with `newer_events`. A cold one keeps them raw and decodes each as it is
folded (`decoded`), inside the decision's pause of the cyclic collector: each event's
dicts are freed the moment they are folded, so the collector never scans a whole
history of them (a sixth of a cold 24,000-event decision).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypedDict

import msgspec

from swflow.errors import HistoryError
from swflow.replay.gcpause import paused_gc
from swflow.replay.state import READ_FIELDS
from swflow.swf.vocabulary import EVENTS, FIELD_TYPES, TypeShape, WorkflowExecutionShape

__all__ = ["decoded", "event_id", "newer_events", "parse_page"]


_typed_dict: Any = TypedDict  # schemas built from tables, which mypy cannot follow


def _attributes(kind: str, fields: tuple[str, ...]) -> Any:
    return _typed_dict(f"_{kind}", {name: FIELD_TYPES[name] for name in fields}, total=False)


# Every event's id, type and time; of its attributes, only what the reader uses.
_Event: Any = _typed_dict(
    "_Event",
    {
        "eventId": int,
        "eventType": str,
        "eventTimestamp": float,  # the newest one is the decider's clock
        **{EVENTS[kind].attributes: _attributes(kind, f) for kind, f in READ_FIELDS.items()},
    },
    total=False,
)


class _PageHead(TypedDict, total=False):
    taskToken: str
    startedEventId: int
    previousStartedEventId: int
    workflowExecution: WorkflowExecutionShape
    workflowType: TypeShape
    nextPageToken: str


_Page = _typed_dict("_Page", {**_PageHead.__annotations__, "events": list[_Event]}, total=False)


class _LazyPage(_PageHead, total=False):
    events: list[msgspec.Raw]  # decoded later, only as far as needed (newer_events)


_DECODER = msgspec.json.Decoder(_Page)
_LAZY_DECODER = msgspec.json.Decoder(_LazyPage)
_EVENT_DECODER: msgspec.json.Decoder[Any] = msgspec.json.Decoder(_Event)  # plain dicts


def parse_page(body: bytes | str, *, lazy: bool = False) -> dict[str, Any]:
    """A PollForDecisionTask or GetWorkflowExecutionHistory JSON body.

    With ``lazy`` the events stay undecoded (`msgspec.Raw`): read them with
    `newer_events`.

    Raises:
        HistoryError: the body is not JSON, or a field has the wrong type.
    """
    try:
        with paused_gc():
            page: dict[str, Any] = (_LAZY_DECODER if lazy else _DECODER).decode(body)  # type: ignore[assignment]
    except msgspec.DecodeError as exc:
        raise HistoryError(f"malformed SWF history page: {exc}") from None
    return page


def decoded(events: Iterable[Any]) -> Iterator[dict[str, Any]]:
    """Each event as a dict: raw ones (`msgspec.Raw`) decoded, dicts as they are.

    Raises:
        HistoryError: an event is not JSON, or a field has the wrong type.
    """
    return map(_decoded, events)


def event_id(event: Any) -> int:
    """An event's id, raw or decoded.

    Raises:
        HistoryError: the event is malformed or has no integer ``eventId``.
    """
    return _id(_decoded(event))


def _decoded(item: Any) -> dict[str, Any]:
    if not isinstance(item, msgspec.Raw):
        return item  # type: ignore[no-any-return]
    try:
        event: dict[str, Any] = _EVENT_DECODER.decode(item)
    except msgspec.DecodeError as exc:
        raise HistoryError(f"malformed SWF history event: {exc}") from None
    return event


def _id(event: dict[str, Any]) -> int:
    found = event.get("eventId")
    if not isinstance(found, int):
        raise HistoryError(f"an SWF history event without an eventId: {event}")
    return found


def newer_events(newest_first: list[Any], known: int) -> list[dict[str, Any]]:
    """A newest-first page's events newer than event ``known``, newest first.

    Decoding stops at the first event the caller already knows, so a warm decision
    task decodes only its new events. Events already decoded are taken as they are.

    Raises:
        HistoryError: an event is not JSON, or a field has the wrong type.
    """
    events: list[dict[str, Any]] = []
    for event in decoded(newest_first):
        if _id(event) <= known:
            break
        events.append(event)
    return events
