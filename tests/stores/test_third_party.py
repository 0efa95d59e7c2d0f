"""A store written outside swflow, registered and held to the public suite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pytest

from swflow.errors import PayloadNotFoundError, UnsafeReferenceError
from swflow.payloads import PayloadCodec
from swflow.serializers import JsonSerializer
from swflow.stores import STORES, DataStore, Ref, register_store
from swflow.stores.base import sha256_hex, verify
from swflow.testing import OutOfBandStoreConformance


class MemoryStore(DataStore):
    """Payloads in a dict shared by the process: a stand-in for somebody's own store."""

    scheme = "memory"
    blobs: ClassVar[dict[str, bytes]] = {}

    def put(self, data: bytes) -> Ref:
        digest = sha256_hex(data)
        self.blobs[f"memory://{digest}"] = bytes(data)
        return Ref(self.scheme, f"memory://{digest}", len(data), digest)

    def get(self, ref: Ref) -> bytes:
        data = self.blobs.get(ref.location)
        if data is None:
            raise PayloadNotFoundError(f"nothing at {ref.location}")
        return verify(ref, data)

    def serves(self, ref: Ref) -> bool:
        return ref.scheme == self.scheme

    @classmethod
    def for_ref(cls, ref: Ref) -> DataStore:
        return cls()


@pytest.fixture(autouse=True)
def registered() -> Iterator[None]:
    register_store(MemoryStore)
    yield
    del STORES[MemoryStore.scheme]


class TestMemoryStore(OutOfBandStoreConformance):
    @pytest.fixture
    def store(self) -> DataStore:
        return MemoryStore()

    def overwrite(self, store: DataStore, ref: Ref, data: bytes) -> None:
        MemoryStore.blobs[ref.location] = data

    def remove(self, store: DataStore, ref: Ref) -> None:
        del MemoryStore.blobs[ref.location]


def test_envelopes_naming_it_are_read_by_a_reader_that_trusts_it() -> None:
    codec = PayloadCodec()
    text = codec.encode({"k": 1}, JsonSerializer(), MemoryStore(), field="result")
    assert "memory://" in text
    assert PayloadCodec(stores=(MemoryStore(),)).decode(text) == {"k": 1}  # another process
    with pytest.raises(UnsafeReferenceError, match="memory store"):
        PayloadCodec().decode(text)  # one that was never given the store


def test_a_scheme_already_taken_is_refused() -> None:
    class Impostor(MemoryStore):
        pass

    with pytest.raises(ValueError, match="taken by MemoryStore"):
        register_store(Impostor)
