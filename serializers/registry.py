"""The one table of serializers, and specs in envelopes resolved through it."""

from __future__ import annotations

from swflow.errors import UnknownSerializerError

from .base import Serializer
from .json_serializer import JsonSerializer
from .msgpack_serializer import MsgpackSerializer
from .protobuf_serializer import ProtobufSerializer

__all__ = ["SERIALIZERS", "register_serializer", "serializer_from_spec"]

SERIALIZERS: dict[str, type[Serializer]] = {
    JsonSerializer.name: JsonSerializer,
    MsgpackSerializer.name: MsgpackSerializer,
    ProtobufSerializer.name: ProtobufSerializer,
}
"""Name -> class. Each class imports its third-party library only when instantiated."""


def register_serializer(cls: type[Serializer]) -> type[Serializer]:
    """Make ``cls`` readable by name from envelopes (``cls.name``); usable as a decorator.

    Raises:
        ValueError: another class is registered under that name.
    """
    known = SERIALIZERS.get(cls.name)
    if known is not None and known is not cls:
        raise ValueError(f"serializer name {cls.name!r} is taken by {known.__qualname__}")
    SERIALIZERS[cls.name] = cls
    return cls


def serializer_from_spec(spec: str) -> Serializer:
    """The serializer an envelope names, e.g. ``"json"`` or ``"protobuf:pkg.Message"``."""
    name, _, argument = spec.partition(":")
    cls = SERIALIZERS.get(name)
    if cls is None:
        known = ", ".join(sorted(SERIALIZERS))
        raise UnknownSerializerError(f"no serializer is registered as {name!r} (known: {known})")
    return cls.from_spec_argument(argument)
