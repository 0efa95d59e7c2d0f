"""A payload configuration as workers would import it: zstd, then AES-GCM."""

from __future__ import annotations

from swflow import PayloadCodec
from swflow.codecs import AesGcmCodec, ZstdCodec

KEY = bytes(range(32))
CODEC = PayloadCodec(codecs=(ZstdCodec(), AesGcmCodec({"ops-2026": KEY})))
ZSTD = ZstdCodec()
