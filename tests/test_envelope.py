"""The payload envelope and the codec: every serializer x store, limits, tampering."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from swflow import (
    DeserializationError,
    PayloadCodec,
    PayloadCorruptError,
    PayloadNotFoundError,
    PayloadTooLargeError,
    SerializationError,
    UnknownSerializerError,
    UnknownStoreError,
    UnsafeReferenceError,
    UnsupportedEnvelopeError,
)
from swflow.payloads import parse_envelope
from swflow.serializers import JsonSerializer, MsgpackSerializer, ProtobufSerializer, Serializer
from swflow.stores import (
    DataStore,
    InlineDataStore,
    LocalDataStore,
    Ref,
    S3DataStore,
    ThresholdDataStore,
)
from tests.protos import Record

SERIALIZERS: dict[str, tuple[Serializer, Any]] = {
    "json": (JsonSerializer(), {"rows": [{"id": 1, "name": "é"}, {"id": 2}], "total": 2.5}),
    "msgpack": (MsgpackSerializer(), {"blob": b"\x00\xff" * 10, "rows": [1, None, "x"]}),
    "protobuf": (ProtobufSerializer(Record), Record(id=3, name="three", blob=b"\x01", tags=["a"])),
}


@pytest.fixture
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, DataStore]:
    s3 = S3DataStore(
        request.getfixturevalue("s3_bucket"), "env/", **request.getfixturevalue("s3_options")
    )
    return {
        "inline": InlineDataStore(),
        "local": LocalDataStore(tmp_path / "payloads"),
        "s3": s3,
        "threshold": ThresholdDataStore(s3, max_inline_bytes=16),
    }


@pytest.mark.parametrize("serializer_name", sorted(SERIALIZERS))
@pytest.mark.parametrize("store_name", ["inline", "local", "s3", "threshold"])
def test_every_serializer_store_pair_round_trips(
    serializer_name: str, store_name: str, stores: dict[str, DataStore]
) -> None:
    serializer, value = SERIALIZERS[serializer_name]
    store = stores[store_name]
    writer = PayloadCodec()
    text = writer.encode(value, serializer, store, field="result")
    envelope = parse_envelope(text)
    assert envelope.serializer == serializer.spec
    assert len(text) < 400  # small in SWF, whatever the payload
    assert writer.decode(text) == value
    reader = PayloadCodec(stores=(store,), cache_bytes=0)  # another process: nothing cached
    assert reader.decode(text) == value


def test_inline_json_envelope_is_readable() -> None:
    text = PayloadCodec().encode(
        {"a": [1, 2, 3]}, JsonSerializer(), InlineDataStore(), field="input"
    )
    assert text == 'swflow/1 json inline 13 -\n{"a":[1,2,3]}'


def test_binary_inline_envelope_is_base64() -> None:
    text = PayloadCodec().encode(b"\x00", MsgpackSerializer(), InlineDataStore(), field="input")
    assert text == "swflow/1 msgpack base64 3 -\nxAEA"


def test_out_of_band_envelope_carries_size_checksum_and_location(tmp_path: Path) -> None:
    store = LocalDataStore(tmp_path)
    text = PayloadCodec().encode("x" * 50_000, JsonSerializer(), store, field="result")
    header, location = text.split("\n")
    version, spec, scheme, size, digest = header.split(" ")
    assert (version, spec, scheme, size) == ("swflow/1", "json", "file", "50002")
    assert location == f"{store.root}/{digest[:2]}/{digest}"


class CountingInline(InlineDataStore):
    puts = 0

    def put(self, data: bytes) -> Ref:
        self.puts += 1
        return super().put(data)


@pytest.mark.parametrize("size", [40_000, 50 * 2**20])
def test_oversize_inline_raises_before_anything_is_written(size: int) -> None:
    store = CountingInline()
    with pytest.raises(PayloadTooLargeError) as caught:
        PayloadCodec().encode(
            b"\x01" * size, MsgpackSerializer(), store, field="result", owner="activity A 1.0"
        )
    error = caught.value
    assert error.limit == 32_768 and error.size > 32_768
    assert error.field == "result" and error.owner == "activity A 1.0"
    assert "activity A 1.0 result" in str(error) and "S3DataStore" in str(error)
    if size > 4 * 32_768:
        assert store.puts == 0  # refused without base64-ing megabytes


def test_limit_is_per_field() -> None:
    codec = PayloadCodec()
    codec.encode("x" * 2000, JsonSerializer(), InlineDataStore(), field="details", limit=2048)
    with pytest.raises(PayloadTooLargeError, match="2,048"):
        codec.encode("x" * 2048, JsonSerializer(), InlineDataStore(), field="details", limit=2048)


def test_multibyte_text_counts_characters_not_bytes() -> None:
    value = "€" * 15_000  # 45,000 bytes of UTF-8, 15,002 characters of JSON
    text = PayloadCodec().encode(value, JsonSerializer(), InlineDataStore(), field="input")
    assert len(text) < 32_768 < len(text.encode())


def test_threshold_store_keeps_large_values_out_of_the_field(tmp_path: Path) -> None:
    store = ThresholdDataStore(LocalDataStore(tmp_path))
    codec = PayloadCodec()
    small = codec.encode("s", JsonSerializer(), store, field="result")
    large = codec.encode("x" * 100_000, JsonSerializer(), store, field="result")
    assert parse_envelope(small).ref.inline and not parse_envelope(large).ref.inline
    assert codec.decode(large) == "x" * 100_000


def test_serialization_error_surfaces_unchanged() -> None:
    with pytest.raises(SerializationError, match=r"\$\['when'\]"):
        PayloadCodec().encode({"when": {1, 2}}, JsonSerializer(), InlineDataStore(), field="x")


# Legacy plain JSON, as typed in the AWS console.


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("[1, 2]", [1, 2]),
        ('{"a": "b"}', {"a": "b"}),
        ('"text"', "text"),
        ("null", None),
        (" 42 ", 42),
    ],
)
def test_plain_json_without_envelope_is_read_as_inline_json(text: str, value: Any) -> None:
    assert PayloadCodec().decode(text) == value
    assert parse_envelope(text).legacy


@pytest.mark.parametrize("text", ["hello", "", "{'single': 'quotes'}", "[1,"])
def test_plain_text_that_is_not_json_is_a_deserialization_error(text: str) -> None:
    with pytest.raises(DeserializationError, match="not valid JSON"):
        PayloadCodec().decode(text)


# Tampered envelopes.


def _local_envelope(tmp_path: Path) -> str:
    return PayloadCodec().encode(
        {"k": "v" * 100}, JsonSerializer(), LocalDataStore(tmp_path), field="result"
    )


def _with_header_field(text: str, index: int, value: str) -> str:
    header, location = text.split("\n", 1)
    fields = header.split(" ")
    fields[index] = value
    return " ".join(fields) + "\n" + location


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda t: _with_header_field(t, 1, "yaml"), UnknownSerializerError),
        (lambda t: _with_header_field(t, 1, "protobuf:acme.Gone"), UnknownSerializerError),
        (lambda t: _with_header_field(t, 2, "ftp"), UnknownStoreError),
        (lambda t: _with_header_field(t, 3, "7"), PayloadCorruptError),
        (lambda t: _with_header_field(t, 3, "-1"), PayloadCorruptError),
        (lambda t: _with_header_field(t, 4, "0" * 64), PayloadCorruptError),
        (lambda t: _with_header_field(t, 4, "../etc"), PayloadCorruptError),
        (lambda t: _with_header_field(t, 0, "swflow/3"), UnsupportedEnvelopeError),
        (lambda t: _with_header_field(t, 0, "swflow/2"), PayloadCorruptError),  # v2: 7 fields
        (lambda t: _with_header_field(t, 0, "swflow/x"), PayloadCorruptError),
        (lambda t: t.replace("\n", " "), PayloadCorruptError),
        (
            lambda t: t.split("\n")[0].rsplit(" ", 1)[0] + "\n" + t.split("\n")[1],
            PayloadCorruptError,
        ),
    ],
)
def test_tampered_envelopes_raise_named_errors(
    tmp_path: Path, change: Any, error: type[Exception]
) -> None:
    text = _local_envelope(tmp_path)
    with pytest.raises(error):
        PayloadCodec().decode(change(text))


def test_tampered_inline_envelopes(tmp_path: Path) -> None:
    codec = PayloadCodec()
    text = codec.encode([1, 2, 3], JsonSerializer(), InlineDataStore(), field="input")
    with pytest.raises(PayloadCorruptError, match="bytes"):
        codec.decode(text + "4")
    with pytest.raises(DeserializationError):
        codec.decode(text.replace("[1,2,3]", "[1,2,x]"))


def test_missing_out_of_band_payload(tmp_path: Path) -> None:
    text = _local_envelope(tmp_path)
    Path(parse_envelope(text).ref.location).unlink()
    with pytest.raises(PayloadNotFoundError):
        PayloadCodec(stores=(LocalDataStore(tmp_path),)).decode(text)


# Readers follow the envelope, into the stores they trust.


def test_a_reader_trusting_the_root_reads_it_and_no_other_does(tmp_path: Path) -> None:
    text = _local_envelope(tmp_path)
    reader = PayloadCodec(cache_bytes=0, stores=(LocalDataStore(tmp_path),))
    assert reader.decode(text) == {"k": "v" * 100}
    with pytest.raises(UnsafeReferenceError) as refused:
        PayloadCodec(cache_bytes=0, stores=(LocalDataStore(tmp_path / "elsewhere"),)).decode(text)
    assert str(tmp_path) in str(refused.value) and "stores=" in str(refused.value)


def test_a_reader_trusting_the_bucket_needs_no_other_configuration(
    s3_bucket: str,
    s3_options: dict[str, Any],
    moto_s3_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = PayloadCodec().encode(
        list(range(100)),
        MsgpackSerializer(),
        S3DataStore(s3_bucket, "r/", **s3_options),
        field="result",
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_s3_endpoint)  # the AWS way, nothing else
    trusted = S3DataStore(s3_bucket, "r/")  # the bucket, no options: the default chain
    assert PayloadCodec(cache_bytes=0, stores=(trusted,)).decode(text) == list(range(100))
    with pytest.raises(UnsafeReferenceError, match=s3_bucket):
        PayloadCodec(cache_bytes=0).decode(text)


def test_changing_the_writer_store_does_not_break_old_envelopes(tmp_path: Path) -> None:
    codec = PayloadCodec()
    old = codec.encode("old", JsonSerializer(), LocalDataStore(tmp_path / "a"), field="r")
    new = codec.encode("new", MsgpackSerializer(), InlineDataStore(), field="r")
    reader = PayloadCodec(stores=(LocalDataStore(tmp_path / "a"),))
    assert (reader.decode(old), reader.decode(new)) == ("old", "new")


# The read cache.


class CountingLocal(LocalDataStore):
    gets = 0

    def get(self, ref: Ref) -> bytes:
        self.gets += 1
        return super().get(ref)


def test_reads_are_cached_by_reference(tmp_path: Path) -> None:
    store = CountingLocal(tmp_path)
    text = PayloadCodec(cache_bytes=0).encode(["v"] * 10, JsonSerializer(), store, field="r")
    reader = PayloadCodec(stores=(store,))
    first, second = reader.decode(text), reader.decode(text)
    assert first == second == ["v"] * 10
    assert first is not second  # the cache holds bytes, never shared mutable values
    assert store.gets == 1


def test_what_a_codec_wrote_is_read_back_without_a_fetch(tmp_path: Path) -> None:
    store = CountingLocal(tmp_path)
    codec = PayloadCodec()
    text = codec.encode("v" * 1000, JsonSerializer(), store, field="r")
    assert codec.decode(text) == "v" * 1000
    assert store.gets == 0


def test_cache_is_bounded_by_bytes(tmp_path: Path) -> None:
    store = CountingLocal(tmp_path)
    writer = PayloadCodec(cache_bytes=0)
    texts = [
        writer.encode(os.urandom(400), MsgpackSerializer(), store, field="r") for _ in range(3)
    ]
    reader = PayloadCodec(stores=(store,), cache_bytes=1000)  # room for two 402-byte payloads
    for text in texts:
        reader.decode(text)
    reader.decode(texts[2])
    reader.decode(texts[1])
    assert store.gets == 3
    reader.decode(texts[0])  # evicted first
    assert store.gets == 4
    huge = writer.encode(os.urandom(5000), MsgpackSerializer(), store, field="r")
    reader.decode(huge)
    reader.decode(huge)  # larger than the whole cache: never cached, never evicts the rest
    assert store.gets == 6


def test_parsing_an_envelope_reads_nothing(tmp_path: Path) -> None:
    store = CountingLocal(tmp_path)
    text = PayloadCodec(cache_bytes=0).encode("v", JsonSerializer(), store, field="r")
    envelope = parse_envelope(text)
    assert envelope.describe().startswith("json/file 3 B at ")
    assert envelope.to_text() == text
    assert store.gets == 0


@pytest.mark.parametrize(
    ("text", "contained"),
    [
        ("swflow/1 json inline 3 -\n123", True),
        ("swflow/1 msgpack base64 4 -\nkQE=", True),
        ('{"legacy": "plain JSON"}', True),
        ("swflow/1 json s3 3 " + "a" * 64 + "\ns3://b/k", False),
        ("swflow/1 json file 3 " + "a" * 64 + "\n/tmp/x", False),
        ("swflow/2 json zstd:3 result inline 3 -\nxyz", False),  # a codec runs
        ("swflow/1", False),
    ],
)
def test_only_a_v1_inline_payload_is_self_contained(text: str, contained: bool) -> None:
    from swflow.envelope import is_self_contained

    assert is_self_contained(text) is contained
