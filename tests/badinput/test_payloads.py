"""Hostile payloads: each one is refused with its named error and a message that says
what is wrong, never decoded into a silently wrong value, never a crash of another type.

The corpus is one table: a name, how to build the hostile text (given a local store
root, an S3 bucket on moto's server), the error and words the message must hold.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgpack
import pytest

from swflow.codecs import AesGcmCodec, GzipCodec, KmsKeyProvider, ZstdCodec
from swflow.errors import (
    CompressedPayloadCorruptError,
    DeserializationError,
    MissingKeyError,
    PayloadCodecError,
    PayloadCorruptError,
    PayloadError,
    PayloadNotFoundError,
    PayloadStoreError,
    PayloadTamperedError,
    PayloadTooLargeError,
    SerializationError,
    UnknownCodecError,
    UnknownSerializerError,
    UnknownStoreError,
    UnsafeReferenceError,
    UnsupportedEnvelopeError,
    WrongKeyError,
)
from swflow.payloads import PayloadCodec
from swflow.serializers import JsonSerializer, MsgpackSerializer, ProtobufSerializer
from swflow.stores import InlineDataStore, LocalDataStore, S3DataStore
from swflow.stores.base import sha256_hex
from tests.protos import Record


@dataclass
class Kit:
    """What a case may build on: a codec that knows a local root and an S3 bucket."""

    codec: PayloadCodec
    local: LocalDataStore
    bucket: str
    s3: S3DataStore


MISSING_BUCKET = "swflow-no-such-bucket-x1"
UNREACHABLE_BUCKET = "swflow-behind-a-closed-port"


def envelope(spec: str, scheme: str, size: int | str, digest: str, location: str) -> str:
    return f"swflow/1 {spec} {scheme} {size} {digest}\n{location}"


def inline(spec: str, data: bytes) -> str:
    return envelope(spec, "base64", len(data), "-", base64.b64encode(data).decode())


def coded(chain: str, data: bytes, field: str = "result") -> str:
    body = base64.b64encode(data).decode()
    return f"swflow/2 json {chain} {field} base64 {len(data)} -\n{body}"


KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
BOUND = 2**20  # the kit's readers decompress at most 1 MiB
KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/unreachable"


def encrypted(key: bytes, value: object = None) -> str:
    return PayloadCodec().encode(
        value or {"card": "4111"}, JsonSerializer(), InlineDataStore(), field="result",
        codecs=(AesGcmCodec({"k1": key}),),
    )  # fmt: skip


def flipped(kit: Kit) -> str:
    header, body = encrypted(KEY).split("\n")
    raw = bytearray(base64.b64decode(body))
    raw[-3] ^= 0x01
    return f"{header}\n{base64.b64encode(raw).decode()}"


def zstd_frame_claiming(size: int) -> bytes:
    """A zstd frame header (single segment, 8-byte content size) and one empty block."""
    return bytes.fromhex("28b52ffde0") + size.to_bytes(8, "little") + bytes.fromhex("010000")


def gzip_of_zeros(size: int) -> bytes:
    import gzip

    return gzip.compress(bytes(size))


def frame(wrapped: bytes = b"") -> str:
    """An aesgcm spec's frame: a key check, a nonce and a wrapped key, in base64."""
    return base64.b64encode(bytes(8) + bytes(12) + wrapped).decode()


def kms_wrapped(kit: Kit) -> str:
    return coded(f"aesgcm:{KMS_KEY}:{frame(b'wrap')}", bytes(32))


def text(spec: str, body: str) -> str:
    return envelope(spec, "inline", len(body.encode()), "-", body)


def tampered(kit: Kit) -> str:
    good = kit.codec.encode({"rows": [1, 2, 3]}, JsonSerializer(), kit.local, field="t")
    path = Path(good.split("\n", 1)[1])
    path.write_bytes(path.read_bytes().replace(b"1", b"7"))
    return good


def shortened(kit: Kit) -> str:
    good = kit.codec.encode({"rows": [1, 2, 3]}, JsonSerializer(), kit.local, field="t")
    header, location = good.split("\n", 1)
    parts = header.split(" ")
    parts[3] = str(int(parts[3]) + 1)
    return " ".join(parts) + "\n" + location


def escaping(kit: Kit) -> str:
    data = b'"secret"'
    outside = Path(kit.local.root).parent / "outside" / sha256_hex(data)
    outside.parent.mkdir(parents=True, exist_ok=True)
    outside.write_bytes(data)
    location = f"{kit.local.root}/../outside/{outside.name}"
    return envelope("json", "file", len(data), sha256_hex(data), location)


def absolute(kit: Kit) -> str:
    data = b'"secret"'
    target = Path(kit.local.root).parent / "abs" / sha256_hex(data)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return envelope("json", "file", len(data), sha256_hex(data), str(target))


def symlinked(kit: Kit) -> str:
    data = b'"secret"'
    digest = sha256_hex(data)
    target = Path(kit.local.root).parent / "linked" / digest
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    link = Path(kit.local.root) / digest[:2] / digest
    link.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, link)
    return envelope("json", "file", len(data), digest, str(link))


def missing_file(kit: Kit) -> str:
    digest = sha256_hex(b"never written")
    location = f"{kit.local.root}/{digest[:2]}/{digest}"
    return envelope("json", "file", 13, digest, location)


def _s3(bucket: str, payload: bytes) -> str:
    """An envelope for ``payload`` in ``bucket``, where nothing was ever written."""
    digest = sha256_hex(payload)
    return envelope("json", "s3", len(payload), digest, f"s3://{bucket}/{digest}")


def missing_object(kit: Kit) -> str:
    return _s3(kit.bucket, b"never uploaded")


def missing_bucket(kit: Kit) -> str:
    return _s3(MISSING_BUCKET, b"nowhere")


def unreachable(kit: Kit) -> str:
    return _s3(UNREACHABLE_BUCKET, b"offline")


def untrusted_bucket(kit: Kit) -> str:
    return _s3("swflow-someone-elses", b"elsewhere")


def untrusted_root(kit: Kit) -> str:
    data = b'"secret"'
    digest = sha256_hex(data)
    other = Path(kit.local.root).parent / "other-root"
    (other / digest[:2]).mkdir(parents=True)
    (other / digest[:2] / digest).write_bytes(data)
    return envelope("json", "file", len(data), digest, f"{other}/{digest[:2]}/{digest}")


def _named_by(kit: Kit, payload: bytes) -> tuple[Path, str]:
    """Where the store keeps ``payload`` (nothing written there yet), and its envelope."""
    digest = sha256_hex(payload)
    path = Path(kit.local.root) / digest[:2] / digest
    path.parent.mkdir(parents=True, exist_ok=True)
    return path, envelope("json", "file", len(payload), digest, str(path))


def fifo(kit: Kit) -> str:
    path, text = _named_by(kit, b"[1]")
    os.mkfifo(path)  # a read would block forever
    return text


def sparse(kit: Kit) -> str:
    path, text = _named_by(kit, b"[]")
    with open(path, "wb") as file:
        file.truncate(3 * 2**30)  # 3 GiB of nothing behind a 2-byte reference
    return text


def oversized_object(kit: Kit) -> str:
    digest = sha256_hex(b"[]")
    kit.s3.filesystem.pipe_file(f"{kit.bucket}/{digest}", b" " * 50 * 2**20)
    return envelope("json", "s3", 2, digest, f"s3://{kit.bucket}/{digest}")


MSGPACK = msgpack.packb({"rows": [1, 2, 3], "name": "x" * 40})
PROTO = Record(id=7, name="seven").SerializeToString()
DEEP = "[" * 200_000 + "]" * 200_000

Case = tuple[str, Callable[[Kit], str], type[Exception], str]
CASES: list[Case] = [
    # Truncated or corrupt bytes, per serializer.
    (
        "json truncated",
        lambda k: text("json", '{"rows": [1, 2'),
        DeserializationError,
        "not valid JSON",
    ),
    ("json corrupt", lambda k: text("json", "{rows: 1}"), DeserializationError, "not valid JSON"),
    ("json empty", lambda k: text("json", ""), DeserializationError, "not valid JSON"),
    ("json NaN", lambda k: text("json", "[NaN]"), DeserializationError, "NaN is not JSON"),
    ("json Infinity", lambda k: text("json", "[-Infinity]"), DeserializationError, "not JSON"),
    ("json overflows to inf", lambda k: text("json", "[1e999]"), DeserializationError, "overflow"),
    ("json duplicate keys", lambda k: text("json", '{"a":1,"a":2}'), DeserializationError, "'a'"),
    (
        "json lone surrogate escape",
        lambda k: text("json", '{"k": "\\ud800"}'),
        DeserializationError,
        "lone surrogate",
    ),
    (
        "json lone surrogate, fast path",
        lambda k: envelope("json", "inline", 10, "-", '["\\udfff"]'),
        DeserializationError,
        "lone surrogate",
    ),
    (
        "fast path, junk digest",
        lambda k: envelope("json", "inline", 2, "junk", "{}"),
        PayloadCorruptError,
        "not a hex digest",
    ),
    (
        "size in Arabic-Indic digits",
        lambda k: envelope("json", "inline", "\u0662", "-", "{}"),
        PayloadCorruptError,
        "malformed",
    ),
    (
        "a sixth header field",
        lambda k: "swflow/1 json inline 2 - extra\n{}",
        PayloadCorruptError,
        "malformed",
    ),
    (
        "digest not hex",
        lambda k: envelope("json", "file", 2, "g" * 64, f"{k.local.root}/gg/{'g' * 64}"),
        PayloadCorruptError,
        "not a hex digest",
    ),
    ("json not UTF-8", lambda k: inline("json", b'"\xff\xfe"'), DeserializationError, "not UTF-8"),
    ("json nested 200,000 deep", lambda k: text("json", DEEP), DeserializationError, "too deeply"),
    (
        "msgpack truncated",
        lambda k: inline("msgpack", MSGPACK[:-5]),
        DeserializationError,
        "msgpack",
    ),
    (
        "msgpack reserved byte",
        lambda k: inline("msgpack", b"\xc1"),
        DeserializationError,
        "msgpack",
    ),
    (
        "msgpack trailing bytes",
        lambda k: inline("msgpack", MSGPACK + b"\x01"),
        DeserializationError,
        "msgpack",
    ),
    (
        "protobuf truncated",
        lambda k: inline("protobuf:swflow.test.Record", PROTO[:-2]),
        DeserializationError,
        "swflow.test.Record",
    ),
    (
        "protobuf garbage",
        lambda k: inline("protobuf:swflow.test.Record", b"\xff" * 9),
        DeserializationError,
        "swflow.test.Record",
    ),
    (
        "protobuf unknown message",
        lambda k: inline("protobuf:no.such.Msg", PROTO),
        UnknownSerializerError,
        "no.such.Msg",
    ),
    # Envelopes that lie or name what does not exist.
    ("unknown serializer", lambda k: text("yaml", "{}"), UnknownSerializerError, "'yaml'"),
    (
        "unknown store",
        lambda k: envelope("json", "ftp", 2, "-", "ftp://h/x"),
        UnknownStoreError,
        "'ftp'",
    ),
    (
        "newer envelope",
        lambda k: "swflow/9 json inline 2 -\n{}",
        UnsupportedEnvelopeError,
        "upgrade swflow",
    ),
    ("garbled version", lambda k: "swflow/one json inline 2 -\n{}", PayloadCorruptError, "version"),
    ("header cut short", lambda k: "swflow/1 json inline\n{}", PayloadCorruptError, "malformed"),
    ("no body line", lambda k: "swflow/1 json inline 2 -", PayloadCorruptError, "malformed"),
    (
        "size not a number",
        lambda k: envelope("json", "inline", "2e3", "-", "{}"),
        PayloadCorruptError,
        "malformed",
    ),
    (
        "inline size lies",
        lambda k: envelope("json", "inline", 99, "-", "{}"),
        PayloadCorruptError,
        "says 99",
    ),
    (
        "base64 not base64",
        lambda k: envelope("msgpack", "base64", 3, "-", "@@@@"),
        PayloadCorruptError,
        "base64",
    ),
    (
        "lone surrogate",
        lambda k: envelope("json", "inline", 2, "-", "\udcff\udcfe"),
        PayloadCorruptError,
        "surrogate",
    ),
    ("plain text, lone surrogate", lambda k: '"\udcff"', PayloadCorruptError, "surrogate"),
    ("stored file tampered", tampered, PayloadCorruptError, "sha256"),
    ("stored size lies", shortened, PayloadCorruptError, "the reference says"),
    # References that escape the local root, or point at nothing.
    ("local ref with ..", escaping, UnsafeReferenceError, "root"),
    ("local ref absolute elsewhere", absolute, UnsafeReferenceError, "root"),
    ("local ref through a symlink", symlinked, UnsafeReferenceError, "root"),
    ("local file missing", missing_file, PayloadNotFoundError, "no payload at"),
    ("S3 object missing", missing_object, PayloadNotFoundError, "no payload at"),
    ("S3 bucket missing", missing_bucket, PayloadNotFoundError, "bucket does not exist"),
    ("S3 unreachable", unreachable, PayloadStoreError, UNREACHABLE_BUCKET),
    # References into stores this process was never given, or at what is not a payload.
    ("S3 bucket not trusted", untrusted_bucket, UnsafeReferenceError, "swflow-someone-elses"),
    ("local root not trusted", untrusted_root, UnsafeReferenceError, "other-root"),
    ("a FIFO named by a digest", fifo, UnsafeReferenceError, "not a regular file"),
    # Sized up before a byte is read ("unread"): never fetched in full.
    ("3 GiB sparse file, 2-byte ref", sparse, PayloadCorruptError, "says 2: refused unread"),
    ("50 MiB object, 2-byte ref", oversized_object, PayloadCorruptError, "says 2: refused unread"),
    # Codecs: unknown, damaged, bombs, keys missing, wrong or unreachable, tampering.
    ("unknown codec", lambda k: coded("brotli", b"x"), UnknownCodecError, "'brotli'"),
    ("empty codec in chain", lambda k: coded("zstd,,gzip", b"x"), UnknownCodecError, "malformed"),
    ("codec argument", lambda k: coded("zstd:9", b"x"), UnknownCodecError, "no argument"),
    ("zstd garbage", lambda k: coded("zstd", b"garbage!"), CompressedPayloadCorruptError, "zstd"),
    (
        "zstd frame claiming 3 GiB",
        lambda k: coded("zstd", zstd_frame_claiming(3 * 2**30)),
        CompressedPayloadCorruptError,
        "past the",
    ),
    (
        "gzip truncated",
        lambda k: coded("gzip", gzip_of_zeros(10_000)[:-12]),
        CompressedPayloadCorruptError,
        "truncated",
    ),
    (
        "gzip bomb past the bound",
        lambda k: coded("gzip", gzip_of_zeros(4 * BOUND)),
        CompressedPayloadCorruptError,
        "bound",
    ),
    (
        "aes-gcm key not held",
        lambda k: coded(f"aesgcm:k9:{frame()}", b"\x01" * 60),
        MissingKeyError,
        "'k9'",
    ),
    ("aes-gcm wrong key", lambda k: encrypted(OTHER_KEY), WrongKeyError, "not the one"),
    ("aes-gcm ciphertext flipped", flipped, PayloadTamperedError, "authentication"),
    (
        "aes-gcm frame too short",
        lambda k: coded("aesgcm:k1", b"\x01"),
        PayloadTamperedError,
        "frame",
    ),
    (
        "aes-gcm under another serializer",
        lambda k: encrypted(KEY).replace("swflow/2 json", "swflow/2 msgpack"),
        PayloadTamperedError,
        "authentication",
    ),
    (
        "aes-gcm marker value read as a result",
        lambda k: encrypted(KEY).replace(" result ", " marker-details "),
        PayloadTamperedError,
        "written for the marker-details field",
    ),
    ("KMS unreachable", kms_wrapped, PayloadCodecError, "could not be reached"),
    # Hand-typed input without an envelope (the AWS console).
    ("console: not JSON", lambda k: "hello world", DeserializationError, "not valid JSON"),
    (
        "console: JSON then junk",
        lambda k: '{"a": 1} trailing',
        DeserializationError,
        "not valid JSON",
    ),
]


@pytest.fixture
def kit(tmp_path: Path, s3_bucket: str, s3_options: dict[str, Any]) -> Kit:
    local = LocalDataStore(tmp_path / "root")
    s3 = S3DataStore(s3_bucket, **s3_options)
    missing = S3DataStore(MISSING_BUCKET, **s3_options)  # trusted, but never created
    offline = S3DataStore(
        UNREACHABLE_BUCKET,
        client_kwargs={"endpoint_url": "http://127.0.0.1:9"},  # nothing listens there
        config_kwargs={"retries": {"max_attempts": 1}},
        retries=1,
    )
    stores = (local, s3, missing, offline)
    codec = PayloadCodec(cache_bytes=0, stores=stores)
    kms = KmsKeyProvider(
        KMS_KEY, client=_unreachable_kms(), cache_size=4
    )  # nothing listens there: every call fails to connect
    codec.register_codecs(
        (
            ZstdCodec(max_size=BOUND),
            GzipCodec(max_size=BOUND),
            AesGcmCodec({"k1": KEY}),
            AesGcmCodec(kms),
        )
    )
    return Kit(codec, local, s3_bucket, s3)


def _unreachable_kms() -> Any:
    import boto3
    from botocore.config import Config

    config = Config(retries={"max_attempts": 1}, connect_timeout=2)
    return boto3.client(
        "kms", region_name="us-east-1", endpoint_url="http://127.0.0.1:9", config=config
    )


@pytest.mark.parametrize(("name", "build", "error", "words"), CASES, ids=[c[0] for c in CASES])
def test_a_hostile_payload_is_refused_by_name(
    kit: Kit, name: str, build: Callable[[Kit], str], error: type[Exception], words: str
) -> None:
    hostile = build(kit)
    with pytest.raises(error) as raised:
        kit.codec.decode(hostile, field="result")
    assert words.lower() in str(raised.value).lower(), str(raised.value)


def test_the_corpus_covers_every_error_a_read_can_raise() -> None:
    """Each PayloadError a reader can meet has a hostile case of its own in the corpus, so
    an error class added to swflow.errors without a case here fails this test."""
    import swflow.errors

    written_only = {PayloadTooLargeError, SerializationError}  # raised by encode, not decode
    readable = (
        {
            error
            for error in vars(swflow.errors).values()
            if isinstance(error, type) and issubclass(error, PayloadError)
        }
        - written_only
        - {PayloadError}
    )
    assert readable - {error for _, _, error, _ in CASES} == set()


ENCODE_CASES = [
    ("oversized inline value", "x" * 40_000, JsonSerializer(), PayloadTooLargeError, "32,768"),
    ("nested too deep to encode", [[[]]], JsonSerializer(), SerializationError, "nested"),
    ("bytes into JSON", {"blob": b"\x00"}, JsonSerializer(), SerializationError, "$['blob']"),
    ("NaN into JSON", [float("nan")], JsonSerializer(), SerializationError, "NaN"),
    ("a set into msgpack", {1, 2}, MsgpackSerializer(), SerializationError, "set"),
    ("a dict into protobuf", {"id": 1}, ProtobufSerializer(Record), SerializationError, "Record"),
]


def _deep(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("name", "value", "serializer", "error", "words"),
    ENCODE_CASES,
    ids=[c[0] for c in ENCODE_CASES],
)
def test_a_hostile_value_is_refused_before_anything_is_written(
    name: str, value: Any, serializer: Any, error: type[Exception], words: str, tmp_path: Path
) -> None:
    if name == "nested too deep to encode":
        value = _deep(5_000)
    codec = PayloadCodec(cache_bytes=0)
    inline = error is PayloadTooLargeError  # only an inline store has a size to exceed
    store = InlineDataStore() if inline else LocalDataStore(tmp_path)
    with pytest.raises(error) as raised:
        codec.encode(value, serializer, store, field="result", owner="activity a")
    assert words.lower() in str(raised.value).lower(), str(raised.value)
    assert list(tmp_path.rglob("*")) == []  # not a byte reached the store


def test_a_protobuf_envelope_of_another_message_type_is_refused() -> None:
    from google.protobuf import struct_pb2

    other = PayloadCodec().encode(
        struct_pb2.Value(string_value="x"),
        ProtobufSerializer(struct_pb2.Value),
        InlineDataStore(),
        field="result",
    )
    codec = PayloadCodec()
    assert codec.decode(other).string_value == "x"  # a reader with no expectation follows it
    with pytest.raises(DeserializationError, match=r"google.protobuf.Value message, the reader"):
        codec.decode(other, expect=ProtobufSerializer(Record))


def test_an_activity_typed_for_one_message_refuses_another_as_input() -> None:
    from google.protobuf import struct_pb2

    from swflow import activity_task
    from swflow.worker.activity_run import run_activity

    ran: list[Record] = []

    @activity_task(input_data_serializer=ProtobufSerializer(Record))
    def store_record(record: Record) -> None:
        ran.append(record)

    wrong = PayloadCodec().encode(
        struct_pb2.Value(string_value="x"),
        ProtobufSerializer(struct_pb2.Value),
        InlineDataStore(),
        field="input",
    )
    outcome = run_activity(store_record.definition, wrong, PayloadCodec())
    assert outcome.kind == "failed" and outcome.reason is not None
    assert outcome.reason.startswith("DeserializationError") and "expects" in outcome.reason
    assert ran == []
