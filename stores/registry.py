"""The one table of stores, and references resolved through it."""

from __future__ import annotations

from swflow.errors import UnknownStoreError

from .base import DataStore, Ref
from .inline import InlineDataStore
from .local import LocalDataStore
from .s3 import S3DataStore

__all__ = ["STORES", "store_for_ref"]

STORES: dict[str, type[DataStore]] = {
    "inline": InlineDataStore,
    "base64": InlineDataStore,
    "file": LocalDataStore,
    "s3": S3DataStore,
}
"""Reference scheme -> store class. S3 imports s3fs only when first used."""


def store_for_ref(ref: Ref) -> DataStore:
    """A default-configured store that can read ``ref``."""
    cls = STORES.get(ref.scheme)
    if cls is None:
        known = ", ".join(sorted(STORES))
        raise UnknownStoreError(f"no data store is registered for {ref.scheme!r} (known: {known})")
    return cls.for_ref(ref)
