"""Keys: static ones rotate, KMS gives a data key per payload and caches what it reads,
and each way a key can be wrong has its own error."""

from __future__ import annotations

import base64
import os
from typing import Any

import pytest
from botocore.stub import Stubber

from swflow.codecs import AesGcmCodec, KmsKeyProvider, StaticKeys
from swflow.errors import (
    ConfigurationError,
    MissingKeyError,
    PayloadCodecError,
    PayloadTamperedError,
    WrongKeyError,
)
from swflow.payloads import PayloadCodec, parse_envelope
from swflow.serializers import JsonSerializer
from swflow.stores import InlineDataStore
from swflow.workflow import activity_task

VALUE = {"card": "4111-1111-1111-1111"}


def _encode(codec: AesGcmCodec, value: Any = VALUE) -> str:
    return PayloadCodec().encode(
        value, JsonSerializer(), InlineDataStore(), field="result", codecs=(codec,)
    )


def _kms(key: str, endpoint: str, **options: Any) -> KmsKeyProvider:
    return KmsKeyProvider(key, region_name="us-east-1", endpoint_url=endpoint, **options)


def test_a_data_key_per_payload_and_reads_cached(kms_key: str, moto_s3_endpoint: str) -> None:
    writer = _kms(kms_key, moto_s3_endpoint)
    texts = [_encode(AesGcmCodec(writer), {"n": n}) for n in range(5)]
    assert writer.kms_calls == 5  # GenerateDataKey once per payload
    assert len({parse_envelope(text).ref.location[:200] for text in texts}) == 5
    assert all(parse_envelope(text).codecs.startswith(f"aesgcm:{kms_key}:") for text in texts)
    provider = _kms(kms_key, moto_s3_endpoint, cache_size=2)
    reader = PayloadCodec(codecs=(AesGcmCodec(provider),))
    for _ in range(3):  # a replay reads the same payloads again and again
        assert [reader.decode(text)["n"] for text in texts[:2]] == [0, 1]
    assert provider.kms_calls == 2  # one Decrypt per data key, then the cache
    for text in texts:
        reader.decode(text)
    assert provider.kms_calls == 5  # bounded: 2 keys kept, the rest asked for again
    reader.decode(texts[0])
    assert provider.kms_calls == 6


def test_a_kms_wrapped_key_changed_or_another_kms_key_is_refused(
    kms_key: str, kms_client: Any, moto_s3_endpoint: str
) -> None:
    text = _encode(AesGcmCodec(_kms(kms_key, moto_s3_endpoint)))
    other = str(kms_client.create_key()["KeyMetadata"]["Arn"])
    reader = PayloadCodec(codecs=(AesGcmCodec(_kms(other, moto_s3_endpoint)),))
    # The envelope names the key that wrapped the data key; naming another is refused
    # (moto answers AccessDenied where KMS answers IncorrectKey, mapped below).
    with pytest.raises(MissingKeyError, match="cannot use that key"):
        reader.decode(text.replace(kms_key, other))
    chain = parse_envelope(text).codecs
    frame = chain.rpartition(":")[2]
    raw = bytearray(base64.b64decode(frame))
    raw[30] ^= 0xFF  # inside the wrapped data key, after the key check and the nonce
    forged = chain.replace(frame, base64.b64encode(raw).decode())
    with pytest.raises(PayloadTamperedError, match="wrapped data key was changed"):
        reader.decode(text.replace(chain, forged))


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("IncorrectKeyException", WrongKeyError),
        ("InvalidCiphertextException", PayloadTamperedError),
        ("DisabledException", MissingKeyError),
        ("NotFoundException", MissingKeyError),
        ("KMSInternalException", PayloadCodecError),
    ],
)
def test_each_kms_fault_maps_to_its_named_error(code: str, error: type[Exception]) -> None:
    import boto3

    client = boto3.client("kms", region_name="us-east-1")
    provider = KmsKeyProvider("alias/payloads", client=client)
    with Stubber(client) as stub:
        stub.add_client_error("decrypt", service_error_code=code)
        with pytest.raises(error) as raised:
            provider.decryption_key("alias/payloads", b"wrapped")
    assert type(raised.value) is error and code in str(raised.value)


def test_key_ids_may_be_kms_aliases_and_arns() -> None:
    for key_id in ("alias/payloads_2026", "arn:aws:kms:eu-west-1:123456789012:key/1a2b-3c"):
        text = _encode(AesGcmCodec({key_id: bytes(32)}))
        assert parse_envelope(text).codecs.startswith(f"aesgcm:{key_id}:")
        assert PayloadCodec(codecs=(AesGcmCodec({key_id: bytes(32)}),)).decode(text) == VALUE


def test_static_keys_rotate_and_name_what_is_missing() -> None:
    old = AesGcmCodec({"2025": os.urandom(32)})
    text = _encode(old)
    rotated = AesGcmCodec(
        {"2025": old.keys.decryption_key("2025", b""), "2026": os.urandom(32)},
        active_key_id="2026",
    )
    reader = PayloadCodec(codecs=(rotated,))
    assert reader.decode(text) == VALUE
    assert parse_envelope(_encode(rotated)).codecs.startswith("aesgcm:2026:")
    with pytest.raises(MissingKeyError, match="'2025'"):
        PayloadCodec(codecs=(AesGcmCodec({"2026": os.urandom(32)}),)).decode(text)
    with pytest.raises(WrongKeyError):
        PayloadCodec(codecs=(AesGcmCodec({"2025": os.urandom(32)}),)).decode(text)
    with pytest.raises(MissingKeyError, match="no AesGcmCodec"):
        PayloadCodec().decode(text)


@pytest.mark.parametrize(
    ("keys", "active", "words"),
    [
        ({}, None, "non-empty"),
        ({"a": b"short"}, None, "16, 24 or 32"),
        ({"a b": os.urandom(16)}, None, "key id"),
        ({"a": os.urandom(16), "b": os.urandom(16)}, None, "active_key_id"),
        ({"a": os.urandom(16)}, "b", "not among"),
    ],
)
def test_bad_keys_are_refused_when_configured(
    keys: dict[str, bytes], active: str | None, words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        StaticKeys(keys, active)


def test_decorators_refuse_what_is_not_a_codec() -> None:
    with pytest.raises(ConfigurationError, match="Codec"):
        activity_task(result_data_codecs=["zstd"])(lambda: None)  # type: ignore[list-item]
    with pytest.raises(ConfigurationError, match="list of Codec"):
        activity_task(input_data_codecs=AesGcmCodec({"k": os.urandom(16)}))(lambda: None)  # type: ignore[arg-type]
