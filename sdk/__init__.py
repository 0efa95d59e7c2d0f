"""swflow: durable workflows on Amazon SWF.

Deciders are plain Python functions replayed against the SWF history; every payload
goes through a serializer and a data store chosen per decorator.
"""

from .errors import (
    DeserializationError,
    MissingDependencyError,
    PayloadCorruptError,
    PayloadError,
    PayloadNotFoundError,
    PayloadStoreError,
    PayloadTooLargeError,
    SerializationError,
    SwflowError,
    UnknownSerializerError,
    UnknownStoreError,
    UnsafeReferenceError,
    UnsupportedEnvelopeError,
)
from .payloads import Envelope, PayloadCodec, decode, default_codec, encode, parse_envelope

__all__ = [
    "DeserializationError",
    "Envelope",
    "MissingDependencyError",
    "PayloadCodec",
    "PayloadCorruptError",
    "PayloadError",
    "PayloadNotFoundError",
    "PayloadStoreError",
    "PayloadTooLargeError",
    "SerializationError",
    "SwflowError",
    "UnknownSerializerError",
    "UnknownStoreError",
    "UnsafeReferenceError",
    "UnsupportedEnvelopeError",
    "decode",
    "default_codec",
    "encode",
    "parse_envelope",
]
