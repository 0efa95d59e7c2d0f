"""Every built-in codec passes the conformance suite, with every serializer and store
(S3 on moto's real server) and, for AES-GCM, static keys, rotated keys and KMS."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from swflow.codecs import AesGcmCodec, GzipCodec, KmsKeyProvider, ZstdCodec
from swflow.errors import CompressedPayloadCorruptError, PayloadTamperedError
from swflow.serializers import ProtobufSerializer, Serializer
from swflow.stores import DataStore, S3DataStore, ThresholdDataStore
from swflow.testing import CodecCase, CodecConformance, EncryptingCodecConformance
from tests.protos import Record

OLD, NEW = os.urandom(32), os.urandom(16)


class EveryPair:
    """The built-in serializers and stores, S3 through moto's server included."""

    @pytest.fixture(autouse=True)
    def _s3(self, s3_bucket: str, s3_options: dict[str, Any]) -> None:
        self.s3 = S3DataStore(s3_bucket, prefix="coded/", **s3_options)

    def _make_stores(self, tmp_path: Path) -> list[DataStore]:
        base: list[DataStore] = super()._make_stores(tmp_path)  # type: ignore[misc]
        return [*base, self.s3, ThresholdDataStore(self.s3, max_inline_bytes=256)]

    def _make_serializers(self) -> list[Serializer]:
        base: list[Serializer] = super()._make_serializers()  # type: ignore[misc]
        return [*base, ProtobufSerializer(Record)]

    def sample_value(self, serializer: Serializer) -> Any:
        if isinstance(serializer, ProtobufSerializer):
            return Record(id=7, name="customer 299 " * 100, tags=["a"] * 50)
        return super().sample_value(serializer)  # type: ignore[misc]


class TestZstd(EveryPair, CodecConformance):
    @pytest.fixture
    def codec_case(self) -> CodecCase:
        return CodecCase(ZstdCodec(), corrupt=CompressedPayloadCorruptError, skips_small=512)


class TestZstdHighLevel(CodecConformance):
    @pytest.fixture
    def codec_case(self) -> CodecCase:
        return CodecCase(ZstdCodec(19, min_size=0), corrupt=CompressedPayloadCorruptError)


class TestGzip(EveryPair, CodecConformance):
    @pytest.fixture
    def codec_case(self) -> CodecCase:
        return CodecCase(GzipCodec(), corrupt=CompressedPayloadCorruptError, skips_small=512)


class TestAesGcm(EveryPair, EncryptingCodecConformance):
    @pytest.fixture
    def codec_case(self) -> CodecCase:
        return CodecCase(AesGcmCodec({"k1": OLD}), corrupt=PayloadTamperedError)


class TestAesGcmRotated(EncryptingCodecConformance):
    """Written under the old key, read by a process that has moved on to a new one."""

    @pytest.fixture
    def codec_case(self) -> CodecCase:
        reader = AesGcmCodec({"old": OLD, "new": NEW}, active_key_id="new")
        return CodecCase(AesGcmCodec({"old": OLD}), corrupt=PayloadTamperedError, reader=reader)


class TestAesGcmWithKms(EncryptingCodecConformance):
    """Envelope encryption: a KMS data key per payload, on moto's KMS."""

    @pytest.fixture
    def codec_case(self, kms_key: str, moto_s3_endpoint: str) -> CodecCase:
        writer = KmsKeyProvider(kms_key, region_name="us-east-1", endpoint_url=moto_s3_endpoint)
        reader = KmsKeyProvider(kms_key, region_name="us-east-1", endpoint_url=moto_s3_endpoint)
        return CodecCase(
            AesGcmCodec(writer), corrupt=PayloadTamperedError, reader=AesGcmCodec(reader)
        )
