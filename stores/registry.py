"""The one table of stores, and references resolved through it."""

from __future__ import annotations

from swflow.errors import UnknownStoreError

from .base import DataStore, Ref
from .inline import InlineDataStore
from .local import LocalDataStore
from .s3 import S3DataStore

__all__ = ["STORES", "register_store", "store_class", "store_for_ref"]

STORES: dict[str, type[DataStore]] = {
    "inline": InlineDataStore,
    "base64": InlineDataStore,
    "file": LocalDataStore,
    "s3": S3DataStore,
}
"""Reference scheme -> store class. S3 imports s3fs only when first used."""


def register_store(cls: type[DataStore]) -> type[DataStore]:
    """Make references of ``cls.scheme`` readable through ``cls``; usable as a decorator.

    Raises:
        ValueError: another class is registered for that scheme.
    """
    known = STORES.get(cls.scheme)
    if known is not None and known is not cls:
        raise ValueError(f"store scheme {cls.scheme!r} is taken by {known.__qualname__}")
    STORES[cls.scheme] = cls
    return cls


def store_class(scheme: str) -> type[DataStore]:
    """The store class registered for ``scheme``, else `UnknownStoreError`."""
    cls = STORES.get(scheme)
    if cls is None:
        known = ", ".join(sorted(STORES))
        raise UnknownStoreError(f"no data store is registered for {scheme!r} (known: {known})")
    return cls


def store_for_ref(ref: Ref) -> DataStore:
    """A default-configured store that can read ``ref``."""
    return store_class(ref.scheme).for_ref(ref)
