"""Data stores: bytes <-> locations.

A leaf package: it imports only the standard library, its own third-party libraries
(lazily: s3fs on first S3 use) and `swflow.errors`.
"""

from .base import DataStore, Ref
from .digests import DIGESTS
from .inline import InlineDataStore
from .local import LocalDataStore
from .registry import STORES, register_store, store_class, store_for_ref
from .s3 import S3DataStore
from .threshold import ThresholdDataStore

__all__ = [
    "DIGESTS",
    "STORES",
    "DataStore",
    "InlineDataStore",
    "LocalDataStore",
    "Ref",
    "S3DataStore",
    "ThresholdDataStore",
    "register_store",
    "store_class",
    "store_for_ref",
]
