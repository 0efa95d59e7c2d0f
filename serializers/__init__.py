"""Serializers: Python values <-> bytes.

A leaf package: it imports only the standard library, its own third-party libraries
(lazily) and `swflow.errors`.
"""

from .base import Serializer
from .json_serializer import JsonSerializer
from .msgpack_serializer import MsgpackSerializer
from .protobuf_serializer import ProtobufSerializer
from .registry import SERIALIZERS, register_serializer, serializer_from_spec

__all__ = [
    "SERIALIZERS",
    "JsonSerializer",
    "MsgpackSerializer",
    "ProtobufSerializer",
    "Serializer",
    "register_serializer",
    "serializer_from_spec",
]
