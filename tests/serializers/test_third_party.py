"""A serializer written outside swflow, registered and held to the public suite."""

from __future__ import annotations

import binascii
import json
from collections.abc import Iterator
from typing import Any

import pytest

from swflow.errors import DeserializationError, SerializationError
from swflow.payloads import PayloadCodec
from swflow.serializers import SERIALIZERS, Serializer, register_serializer
from swflow.stores import InlineDataStore
from swflow.testing import SerializerCase, SerializerConformance


class HexJsonSerializer(Serializer):
    """JSON, hex-encoded: a stand-in for somebody's own format."""

    name = "hexjson"

    def dumps(self, value: Any) -> bytes:
        try:
            return binascii.hexlify(json.dumps(value, allow_nan=False).encode())
        except (TypeError, ValueError) as exc:
            raise SerializationError(
                f"hexjson cannot take {type(value).__name__} at $: {exc}",
                serializer=self.name,
                type_name=type(value).__name__,
                path="$",
            ) from None

    def loads(self, data: bytes) -> Any:
        try:
            return json.loads(binascii.unhexlify(data))
        except (ValueError, binascii.Error) as exc:
            raise DeserializationError(f"not hexjson: {exc}", serializer=self.name) from None


@pytest.fixture(autouse=True)
def registered() -> Iterator[None]:
    register_serializer(HexJsonSerializer)
    yield
    del SERIALIZERS[HexJsonSerializer.name]


class TestHexJsonSerializer(SerializerConformance):
    @pytest.fixture
    def serializer_case(self) -> SerializerCase:
        return SerializerCase(
            HexJsonSerializer(),
            samples=[{"a": [1, "b", None]}, 3, "text"],
            refused=[(object(), "$", "object")],
            garbage=[b"zz", b"7b"],
        )


def test_envelopes_naming_it_are_read_through_the_registry() -> None:
    text = PayloadCodec().encode({"k": 1}, HexJsonSerializer(), InlineDataStore(), field="r")
    assert "hexjson" in text
    assert PayloadCodec().decode(text) == {"k": 1}


def test_a_name_already_taken_is_refused() -> None:
    class Impostor(HexJsonSerializer):
        pass

    with pytest.raises(ValueError, match="taken by HexJsonSerializer"):
        register_serializer(Impostor)
