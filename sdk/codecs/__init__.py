"""Codecs: bytes -> bytes transforms between a payload's serializer and its store.

Compression (`ZstdCodec`, `GzipCodec`) and encryption (`AesGcmCodec`, with keys held
in the process or data keys from AWS KMS through `KmsKeyProvider`). Chosen per
decorator (``input_data_codecs=``, ``result_data_codecs=``) or for a whole process
(``PayloadCodec(codecs=...)``); the envelope names the chain that ran, so readers need
nothing but the keys.

This package imports only the standard library, ``swflow.errors``, cachetools, and
lazily the libraries of its codecs (zstandard, cryptography, boto3).
"""

from __future__ import annotations

from .aes_gcm import AesGcmCodec
from .base import Codec
from .chain import NO_CODECS, decode_chain, encode_chain, parse_chain
from .compression import DEFAULT_MAX_SIZE, DEFAULT_MIN_SIZE, CompressionCodec, GzipCodec, ZstdCodec
from .keys import DataKey, KeyProvider, StaticKeys
from .kms import KmsKeyProvider
from .registry import CODECS, codec_class, register_codec

__all__ = [
    "CODECS",
    "DEFAULT_MAX_SIZE",
    "DEFAULT_MIN_SIZE",
    "NO_CODECS",
    "AesGcmCodec",
    "Codec",
    "CompressionCodec",
    "DataKey",
    "GzipCodec",
    "KeyProvider",
    "KmsKeyProvider",
    "StaticKeys",
    "ZstdCodec",
    "codec_class",
    "decode_chain",
    "encode_chain",
    "parse_chain",
    "register_codec",
]
