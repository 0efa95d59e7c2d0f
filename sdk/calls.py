"""A call's arguments <-> one envelope, with promises forwarded by reference.

A resolved promise passed as an argument whose result is stored out of band travels
as its envelope (``{"__swflow_ref__": "<envelope>"}`` in JSON or msgpack arguments),
so a large result moves from one task to the next without passing through the
decider. Only direct arguments are forwarded this way; promises nested inside
containers are refused.

Readers choose what a forwarded argument becomes: activities get the value
(`decode_call`), deciders get a ready `Promise` (``as_promises=True``) that they may
read, or pass on still without downloading it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from swflow.serializers import ProtobufSerializer, Serializer
from swflow.workflow.decorators import ActivityDefinition, TaskDefinition
from swflow.workflow.promise import Promise

from .envelope import is_self_contained, split_trace
from .errors import SerializationError
from .payloads import Channel, PayloadCodec, parse_envelope

Exempt = Callable[[], AbstractContextManager[object]]
"""Where a decode runs: a decider's `Progress.exempted`, or nothing."""

__all__ = [
    "REF_KEY",
    "decode_call",
    "encode_call",
    "encode_input",
    "inline_promise",
    "lazy_promise",
    "resolved_promise",
]

REF_KEY = "__swflow_ref__"
_LATER = object()  # decode_inline's answer for a payload decoded on first read


def resolved_promise(
    envelope: str,
    codec: PayloadCodec,
    description: str = "",
    *,
    at: int = 0,
    promise: Promise[Any] | None = None,
    expect: Serializer | None = None,
    field: str = "",
    exempt: Exempt = nullcontext,
) -> Promise[Any]:
    """``promise`` (or a new one) made ready with the payload ``envelope`` names.

    A small inline JSON payload is decoded at once (`inline_promise`); any other on the
    first read of ``result`` (`lazy_promise`).
    """
    promise = promise if promise is not None else Promise(description)
    settled = inline_promise(promise, envelope, codec, at)
    if settled is not None:
        return settled
    return lazy_promise(promise, envelope, codec, at, expect=expect, field=field, exempt=exempt)


def inline_promise(
    promise: Promise[Any], envelope: str, codec: PayloadCodec, at: int
) -> Promise[Any] | None:
    """``promise`` made ready with a small inline JSON payload, decoded now (no I/O,
    nothing that could fail later: most results of a long replay); else None."""
    value = codec.decode_inline(envelope, _LATER)
    if value is _LATER:
        return None
    promise.envelope = envelope
    return promise._resolve(value, at=at)


def lazy_promise(
    promise: Promise[Any],
    envelope: str,
    codec: PayloadCodec,
    at: int,
    *,
    expect: Serializer | None = None,
    field: str = "",
    exempt: Exempt = nullcontext,
) -> Promise[Any]:
    """``promise`` made ready with the payload ``envelope`` names, decoded on the first
    read of ``result``, never before, inside ``exempt()`` (in a decider: a fetch is
    swflow's I/O, not the decider's own time). ``expect`` and ``field`` are as
    `PayloadCodec.decode` takes them."""
    promise.envelope = envelope
    if is_self_contained(envelope):  # no I/O to exempt: no context to enter on the read
        return promise._resolve(
            decode=functools.partial(codec.decode, envelope, expect, field), at=at
        )

    def decode() -> Any:
        with exempt():
            return codec.decode(envelope, expect=expect, field=field)

    return promise._resolve(decode=decode, at=at)


def _forwardable(value: Promise[Any]) -> str | None:
    """The promise's envelope when its payload is out of band: forward it unread.

    Failed and pending promises have no envelope; reading their result raises.
    """
    if value.envelope is None or parse_envelope(value.envelope).ref.inline:
        return None
    return value.envelope


def _argument(value: Any, channel: Channel) -> Any:
    if not isinstance(value, Promise):
        if isinstance(value, list | tuple | dict) and any(
            isinstance(item, Promise)
            for item in (value.values() if isinstance(value, dict) else value)
        ):
            raise SerializationError(
                "pass promises as direct arguments, not inside containers", path="$"
            )
        return value
    envelope = _forwardable(value)
    if envelope is not None and not isinstance(channel.serializer, ProtobufSerializer):
        return {REF_KEY: envelope}
    return value.result


def encode_input(
    definition: TaskDefinition, args: tuple[Any, ...], kwargs: dict[str, Any], codec: PayloadCodec
) -> str:
    """A task's input field: the call's arguments through ``definition``'s input channel."""
    kind = "activity" if isinstance(definition, ActivityDefinition) else "workflow"
    owner = f"{kind} {definition.name} {definition.version}"
    return encode_call(args, kwargs, definition.input, codec, field="input", owner=owner)


def encode_call(
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    channel: Channel,
    codec: PayloadCodec,
    *,
    field: str,
    owner: str,
) -> str:
    """The envelope of a call's arguments, written through ``channel``."""
    if len(args) == 1 and not kwargs and isinstance(args[0], Promise):
        envelope = _forwardable(args[0])
        if envelope is not None and parse_envelope(envelope).serializer == channel.serializer.spec:
            return envelope  # a lone out-of-band argument is forwarded as the input itself
    packed = channel.serializer.pack_arguments(
        tuple(_argument(arg, channel) for arg in args),
        {key: _argument(value, channel) for key, value in kwargs.items()},
    )
    return codec.encode(
        packed,
        channel.serializer,
        channel.store,
        field=field,
        owner=owner,
        codecs=channel.codecs,
    )


def _reference(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get(REF_KEY), str):
        return str(value[REF_KEY])
    return None


def decode_call(
    text: str | None,
    codec: PayloadCodec,
    *,
    as_promises: bool = False,
    expect: Serializer | None = None,
    exempt: Exempt = nullcontext,
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The ``(args, kwargs)`` an input envelope (or plain JSON) stands for.

    Arguments forwarded by reference are fetched and decoded, or become ready
    promises with ``as_promises``. A missing input means no arguments. ``expect`` is
    the reader's own input serializer (see `PayloadCodec.decode`); fetches run inside
    ``exempt()``.
    """
    if text is not None:
        text = split_trace(text)[1]  # the trace context is the worker's, not the code's
    if text is None or text == "":
        return (), {}
    envelope = parse_envelope(text)
    serializer = codec.serializer(envelope.serializer)
    with exempt():
        args, kwargs = serializer.unpack_arguments(codec.decode(text, expect=expect, field="input"))

    def restore(value: Any) -> Any:
        reference = _reference(value)
        if reference is None:
            return value
        if as_promises:
            return resolved_promise(reference, codec, "forwarded argument", exempt=exempt)
        with exempt():
            return codec.decode(reference)

    return tuple(restore(arg) for arg in args), {k: restore(v) for k, v in kwargs.items()}
