"""Protobuf: one message class per serializer, named in the envelope."""

from __future__ import annotations

from typing import Any

from swflow.errors import DeserializationError, SerializationError, UnknownSerializerError

from .base import Arguments, Serializer

__all__ = ["ProtobufSerializer"]


def _message_class(full_name: str) -> type[Any]:
    """The class registered for ``full_name`` in this process's default descriptor pool."""
    from google.protobuf import descriptor_pool, message_factory

    try:
        descriptor = descriptor_pool.Default().FindMessageTypeByName(full_name)
    except KeyError:
        raise UnknownSerializerError(
            f"protobuf message type {full_name!r} is not known in this process: import the "
            "module that defines it (its *_pb2 module) before decoding"
        ) from None
    return message_factory.GetMessageClass(descriptor)


class ProtobufSerializer(Serializer):
    """Binary Protobuf for one message class.

    A value is exactly one instance of ``message_class``: activities using it for
    results must return such an instance. As an *input* serializer, a call takes
    exactly one positional argument of that class and no keyword arguments. Anything
    else raises `SerializationError` naming what was given.

    The envelope records the message's full name (``protobuf:pkg.Message``): a reader
    decodes it with the class registered under that name, so the module defining it
    must be imported in the reading process.

    Args:
        message_class: a generated Protobuf message class.
    """

    name = "protobuf"

    def __init__(self, message_class: type[Any]) -> None:
        descriptor = getattr(message_class, "DESCRIPTOR", None)
        if not isinstance(message_class, type) or not hasattr(descriptor, "full_name"):
            raise TypeError(
                f"ProtobufSerializer needs a generated message class, got {message_class!r}"
            )
        self.message_class = message_class
        self.full_name: str = descriptor.full_name  # type: ignore[union-attr]

    @property
    def spec(self) -> str:
        return f"{self.name}:{self.full_name}"

    @classmethod
    def from_spec_argument(cls, argument: str) -> Serializer:
        if not argument:
            raise UnknownSerializerError("protobuf serializer spec must name a message type")
        return cls(_message_class(argument))

    def dumps(self, value: Any) -> bytes:
        if not isinstance(value, self.message_class):
            raise SerializationError(
                f"ProtobufSerializer({self.full_name}) cannot serialize {type(value).__name__} "
                f"at $: it takes only {self.full_name} messages",
                serializer=self.name,
                type_name=type(value).__name__,
                path="$",
            )
        try:
            data: bytes = value.SerializeToString()
        except Exception as exc:  # EncodeError: required fields missing (proto2)
            raise SerializationError(
                f"ProtobufSerializer({self.full_name}) cannot serialize the message: {exc}",
                serializer=self.name,
                type_name=type(value).__name__,
                path="$",
            ) from None
        return data

    def loads(self, data: bytes) -> Any:
        try:
            return self.message_class.FromString(bytes(data))
        except Exception as exc:  # DecodeError, and RuntimeError on recursion in upb
            raise DeserializationError(
                f"protobuf payload is not a valid {self.full_name}: {exc}", serializer=self.name
            ) from None

    def pack_arguments(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if len(args) != 1 or kwargs or not isinstance(args[0], self.message_class):
            given = ", ".join([type(arg).__name__ for arg in args] + [f"{k}=" for k in kwargs])
            raise SerializationError(
                f"ProtobufSerializer({self.full_name}) takes exactly one positional "
                f"{self.full_name} argument, got ({given})",
                serializer=self.name,
                path="$",
            )
        return args[0]

    def unpack_arguments(self, value: Any) -> Arguments:
        return (value,), {}

    def __repr__(self) -> str:
        return f"ProtobufSerializer({self.full_name})"
