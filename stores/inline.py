"""Inline: the payload travels in the SWF field itself."""

from __future__ import annotations

import base64
import binascii
import re

from swflow.errors import PayloadCorruptError, UnknownStoreError

from .base import INLINE_SCHEMES, DataStore, Ref

__all__ = ["InlineDataStore"]

# Characters that a text field may mangle or reject on its way through SWF and consoles.
_UNSAFE_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufeff]")


class InlineDataStore(DataStore):
    """Keeps the payload in the SWF field: text when it is safe UTF-8, else base64.

    Its references carry the bytes, so they need no checksum. Scheme ``inline`` is the
    readable text form (what JSON payloads become); ``base64`` is binary.
    """

    scheme = "inline"
    text_scheme, binary_scheme = INLINE_SCHEMES

    def put(self, data: bytes) -> Ref:
        if data.isascii():
            text = data.decode("ascii")
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = ""
        if (text or not data) and not _UNSAFE_TEXT.search(text):
            return Ref(self.text_scheme, text, len(data))
        return Ref(self.binary_scheme, base64.b64encode(data).decode("ascii"), len(data))

    def get(self, ref: Ref) -> bytes:
        if ref.scheme == self.text_scheme:
            try:
                data = ref.location.encode("utf-8")
            except UnicodeEncodeError as exc:  # e.g. "\\udcff" escapes in SWF's JSON
                raise PayloadCorruptError(
                    f"inline payload holds a lone surrogate at character {exc.start}: "
                    "not valid UTF-8"
                ) from None
        elif ref.scheme == self.binary_scheme:
            try:
                data = base64.b64decode(ref.location, validate=True)
            except (binascii.Error, ValueError):
                raise PayloadCorruptError("inline base64 payload is not valid base64") from None
        else:
            raise UnknownStoreError(f"InlineDataStore cannot read {ref.scheme!r} references")
        if len(data) != ref.size:
            raise PayloadCorruptError(
                f"inline payload has {len(data):,} bytes, its envelope says {ref.size:,}"
            )
        return data

    def serves(self, ref: Ref) -> bool:
        return ref.inline

    @classmethod
    def for_ref(cls, ref: Ref) -> DataStore:
        return cls()

    def __repr__(self) -> str:
        return "InlineDataStore()"
