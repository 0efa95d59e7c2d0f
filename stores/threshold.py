"""Inline while small, out of band when large: simpleflow-style automatic offload."""

from __future__ import annotations

from swflow.errors import UnknownStoreError

from .base import DataStore, Ref
from .inline import InlineDataStore

__all__ = ["ThresholdDataStore"]

# Base64 of 24,000 bytes is 32,000 characters: with the envelope header it still fits
# SWF's 32,768-character fields, whatever the bytes are.
DEFAULT_MAX_INLINE_BYTES = 24_000


class ThresholdDataStore(DataStore):
    """Writes payloads up to ``max_inline_bytes`` inline and larger ones to ``large``.

    A write-side policy only: its references are those of the store that took the
    payload, so readers never need to know a threshold was involved.

    Args:
        large: where payloads above the threshold go, e.g. ``S3DataStore(...)``.
        max_inline_bytes: largest payload kept inline.
    """

    scheme = "threshold"

    def __init__(self, large: DataStore, max_inline_bytes: int = DEFAULT_MAX_INLINE_BYTES) -> None:
        if max_inline_bytes < 0:
            raise ValueError("ThresholdDataStore: max_inline_bytes must be >= 0")
        self.small = InlineDataStore()
        self.large = large
        self.max_inline_bytes = max_inline_bytes

    def put(self, data: bytes) -> Ref:
        store = self.small if len(data) <= self.max_inline_bytes else self.large
        return store.put(data)

    def get(self, ref: Ref) -> bytes:
        store = self.small if ref.inline else self.large
        return store.get(ref)

    def serves(self, ref: Ref) -> bool:
        return self.small.serves(ref) or self.large.serves(ref)

    @classmethod
    def for_ref(cls, ref: Ref) -> DataStore:
        raise UnknownStoreError("a threshold store has no references of its own")

    def __repr__(self) -> str:
        return f"ThresholdDataStore({self.large!r}, max_inline_bytes={self.max_inline_bytes})"
