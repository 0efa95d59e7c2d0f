"""The contracts every data store and serializer keeps, as suites to subclass.

A third-party plug-in runs the same tests as the built-in ones:

```python
import pytest
from swflow.stores import register_store
from swflow.testing import OutOfBandStoreConformance

register_store(MemoryStore)

class TestMemoryStore(OutOfBandStoreConformance):
    @pytest.fixture
    def store(self):
        return MemoryStore()

    def overwrite(self, store, ref, data):  # reach behind the store's back
        store.blobs[ref.location] = data

    def remove(self, store, ref):
        del store.blobs[ref.location]
```

pytest collects the inherited ``test_*`` methods of a ``Test*`` subclass. The suites
import pytest (and, for a serializer given ``values``, hypothesis) only when they run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from swflow.errors import (
    DeserializationError,
    PayloadCorruptError,
    PayloadNotFoundError,
    SerializationError,
)
from swflow.serializers import Serializer, serializer_from_spec
from swflow.stores import DataStore, Ref, store_for_ref
from swflow.stores.digests import digest_hex

__all__ = [
    "OutOfBandStoreConformance",
    "SerializerCase",
    "SerializerConformance",
    "StoreConformance",
]

MB = 2**20


def _payload(size: int) -> bytes:
    return os.urandom(size)


class StoreConformance:
    """What any `DataStore` must do; subclasses give a ``store`` fixture."""

    def test_round_trip_of_empty_small_and_large_payloads(self, store: DataStore) -> None:
        for size in (0, 1, 4096, MB):
            data = _payload(size)
            ref = store.put(data)
            assert ref.size == size
            assert store.get(ref) == data
            assert store.serves(ref)

    def test_put_is_idempotent_and_content_addressed(self, store: DataStore) -> None:
        data = _payload(4096)
        first, second = store.put(data), store.put(data)
        assert first == second
        if not first.inline:
            assert first.digest == digest_hex(first.algorithm, data)
        assert store.get(second) == data

    def test_readers_follow_the_reference(self, store: DataStore) -> None:
        """The registry finds a store of the reference's scheme that serves it."""
        ref = store.put(_payload(2048))
        assert store_for_ref(ref).serves(ref)

    def test_concurrent_puts_of_the_same_content_agree(self, store: DataStore) -> None:
        data = _payload(MB)
        refs: list[Ref] = []
        errors: list[BaseException] = []
        start = threading.Barrier(8)

        def put() -> None:
            try:
                start.wait()
                refs.append(store.put(data))
            except BaseException as exc:
                errors.append(exc)

        threads = [threading.Thread(target=put) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert len(set(refs)) == 1
        assert store.get(refs[0]) == data


class OutOfBandStoreConformance(StoreConformance):
    """What a store that keeps bytes elsewhere (a file, an object) must also do: notice
    what went missing or changed. Subclasses define `overwrite` and `remove`, which
    reach behind the store's back."""

    def overwrite(self, store: DataStore, ref: Ref, data: bytes) -> None:
        raise NotImplementedError("replace the bytes stored behind ref")

    def remove(self, store: DataStore, ref: Ref) -> None:
        raise NotImplementedError("delete the bytes stored behind ref")

    def test_references_point_out_of_band(self, store: DataStore) -> None:
        ref = store.put(_payload(4096))
        assert not ref.inline and ref.digest and ref.location

    def test_a_missing_payload_is_not_found(self, store: DataStore) -> None:
        import pytest

        ref = store.put(_payload(4096))
        self.remove(store, ref)
        with pytest.raises(PayloadNotFoundError):
            store.get(ref)

    def test_changed_or_truncated_bytes_are_corrupt(self, store: DataStore) -> None:
        import pytest

        for size in (4096, 9 * MB):  # large payloads are hashed while streamed
            data = _payload(size)
            for bad in (bytes([data[0] ^ 1]) + data[1:], data[:-1]):
                ref = store.put(data)
                self.overwrite(store, ref, bad)
                with pytest.raises(PayloadCorruptError):
                    store.get(ref)
                self.overwrite(store, ref, data)


@dataclass
class SerializerCase:
    """What a serializer takes and refuses, for `SerializerConformance`.

    Attributes:
        serializer: the instance under test.
        samples: values that come back equal (after ``normalize``).
        values: optionally, a hypothesis strategy of such values.
        normalize: what a value comes back as (e.g. tuples as lists); identity default.
        refused: ``(value, path, type name)``: values it cannot take, and where and what
            the `SerializationError` must name.
        garbage: bytes it must refuse to read, with `DeserializationError`.
    """

    serializer: Serializer
    samples: list[Any]
    values: Any = None
    normalize: Callable[[Any], Any] = field(default=lambda value: value)
    refused: list[tuple[Any, str, str]] = field(default_factory=list)
    garbage: list[bytes] = field(default_factory=lambda: [b"\xff\xfe\x00garbage\xc1"])


class SerializerConformance:
    """What any `Serializer` must do; subclasses give a ``serializer_case`` fixture
    returning a `SerializerCase`."""

    def test_samples_and_generated_values_come_back_equal(
        self, serializer_case: SerializerCase
    ) -> None:
        case = serializer_case
        assert case.samples, "give the suite some samples"
        for value in case.samples:
            self._round_trip(case, value)
        if case.values is not None:
            from hypothesis import HealthCheck, given, settings

            @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
            @given(case.values)
            def round_trip(value: Any) -> None:
                self._round_trip(case, value)

            round_trip()

    @staticmethod
    def _round_trip(case: SerializerCase, value: Any) -> None:
        data = case.serializer.dumps(value)
        assert isinstance(data, bytes)
        if case.serializer.is_text:
            data.decode("utf-8")
        assert case.serializer.loads(data) == case.normalize(value)

    def test_refused_values_name_their_type_and_path(self, serializer_case: SerializerCase) -> None:
        import pytest

        for value, path, type_name in serializer_case.refused:
            with pytest.raises(SerializationError) as raised:
                serializer_case.serializer.dumps(value)
            error = raised.value
            assert not isinstance(error, DeserializationError)
            assert (error.path, error.type_name) == (path, type_name), str(error)
            assert type_name in str(error) and path in str(error)

    def test_garbage_bytes_are_a_deserialization_error(
        self, serializer_case: SerializerCase
    ) -> None:
        import pytest

        for garbage in serializer_case.garbage:
            with pytest.raises(DeserializationError) as raised:
                serializer_case.serializer.loads(garbage)
            assert raised.value.serializer == serializer_case.serializer.name

    def test_the_spec_rebuilds_an_equal_serializer(self, serializer_case: SerializerCase) -> None:
        serializer = serializer_case.serializer
        rebuilt = serializer_from_spec(serializer.spec)
        assert rebuilt == serializer and type(rebuilt) is type(serializer)
        value = serializer_case.samples[0]
        assert rebuilt.loads(serializer.dumps(value)) == serializer_case.normalize(value)
