"""Errors on the value <-> bytes <-> location path."""

from __future__ import annotations

from .core import SwflowError


class PayloadError(SwflowError):
    """A payload could not be encoded, stored, fetched or decoded."""


class PayloadTooLargeError(PayloadError):
    """An encoded payload exceeds the SWF field it must travel in."""

    def __init__(self, *, field: str, size: int, limit: int, owner: str = "") -> None:
        where = f"{owner} {field}" if owner else field
        super().__init__(
            f"{where}: encoded payload is {size:,} characters but SWF allows {limit:,}. "
            "Store it out of band: give the decorator a result/input data store such as "
            "S3DataStore(bucket=...) or LocalDataStore(root), or "
            "ThresholdDataStore(S3DataStore(...)) to spill only large values."
        )
        self.field = field
        self.size = size
        self.limit = limit
        self.owner = owner


class PayloadNotFoundError(PayloadError):
    """The referenced payload does not exist in its store."""


class PayloadStoreError(PayloadError):
    """The store failed for a reason other than a missing payload."""


class PayloadCorruptError(PayloadError):
    """Size or checksum mismatch, or an envelope that cannot be parsed."""


class UnsafeReferenceError(PayloadCorruptError):
    """A reference that tries to leave its store (``..``, absolute paths, symlinks)."""


class UnsupportedEnvelopeError(PayloadError):
    """The envelope was written by a newer swflow with a format this one cannot read."""


class UnknownSerializerError(PayloadError):
    """No serializer is registered under the given name."""


class UnknownStoreError(PayloadError):
    """No data store is registered under the given scheme."""


class SerializationError(PayloadError):
    """A value the serializer cannot represent.

    Attributes:
        serializer: the serializer's name.
        type_name: the offending value's type, when known.
        path: where it sits in the value, e.g. ``$.rows[3].blob``.
    """

    def __init__(
        self, message: str, *, serializer: str = "", type_name: str = "", path: str = ""
    ) -> None:
        super().__init__(message)
        self.serializer = serializer
        self.type_name = type_name
        self.path = path


class DeserializationError(SerializationError):
    """Bytes that the named serializer cannot turn back into a value."""


class UnknownCodecError(PayloadError):
    """An envelope or spec names a codec nobody registered."""


class PayloadCodecError(PayloadError):
    """A codec could not undo what it did to a payload's bytes."""


class MissingKeyError(PayloadCodecError):
    """The payload is encrypted under a key this process was not given."""


class WrongKeyError(PayloadCodecError):
    """The key this process holds under the payload's key id is not the one that wrote it."""


class PayloadTamperedError(PayloadCodecError):
    """Authentication failed: the ciphertext, or the envelope header bound to it, changed."""


class CompressedPayloadCorruptError(PayloadCodecError):
    """A compressed frame that does not decompress, or grows past the bound."""
