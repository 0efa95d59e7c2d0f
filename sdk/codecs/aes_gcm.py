"""AES-GCM encryption of payloads (the ``cryptography`` package, extra ``[crypto]``).

A payload encrypted by `AesGcmCodec` is, after the envelope's ``aesgcm:<key id>``::

    version (1 byte) | key check (8) | wrapped key length (2) | wrapped key | nonce (12)
    | ciphertext and tag

The nonce is 96 random bits per payload. What the envelope says before the codec
(format, serializer, field, earlier codecs) and the codec's own spec are bound as
associated data, so a ciphertext moved under another serializer, field or key id
fails to authenticate. The key check (an HMAC of the key) tells a wrong key from a
tampered ciphertext without revealing the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Mapping
from typing import Any

from swflow.errors import (
    MissingDependencyError,
    MissingKeyError,
    PayloadTamperedError,
    WrongKeyError,
)

from .base import Codec, check_spec_token
from .keys import KeyProvider, StaticKeys

__all__ = ["AesGcmCodec"]

_VERSION = b"\x01"
_CHECK = 8
_NONCE = 12
_TAG = 16
_LENGTH = struct.Struct(">H")


def _key_check(key: bytes) -> bytes:
    return hmac.new(key, b"swflow aes-gcm key check", hashlib.sha256).digest()[:_CHECK]


class AesGcmCodec(Codec):
    """Encrypts payloads with AES-GCM; decrypts with any key its provider knows.

    Args:
        keys: key id -> AES key (16, 24 or 32 bytes), or a `KeyProvider` such as
            `KmsKeyProvider` for envelope encryption with AWS KMS.
        active_key_id: with a mapping, the key new payloads use (default: the only one).
    """

    name = "aesgcm"

    def __init__(
        self, keys: Mapping[str, bytes] | KeyProvider, active_key_id: str | None = None
    ) -> None:
        if isinstance(keys, KeyProvider):
            if active_key_id is not None:
                raise ValueError("active_key_id goes with a mapping of keys, not a KeyProvider")
            self.keys = keys
        else:
            self.keys = StaticKeys(keys, active_key_id)
        self._aead = _aesgcm()

    def encode(self, data: bytes, context: bytes) -> tuple[str, bytes]:
        data_key = self.keys.encryption_key()
        spec = f"{self.name}:{check_spec_token(data_key.key_id, 'key id')}"
        if len(data_key.wrapped) > 0xFFFF:
            raise ValueError("a wrapped data key longer than 65,535 bytes")
        head = _VERSION + _key_check(data_key.key) + _LENGTH.pack(len(data_key.wrapped))
        head += data_key.wrapped
        nonce = os.urandom(_NONCE)
        sealed = self._aead(data_key.key).encrypt(nonce, data, _bound(context, spec, head))
        return spec, head + nonce + sealed

    def decode(self, data: bytes, argument: str, context: bytes) -> bytes:
        spec = f"{self.name}:{argument}"
        fixed = len(_VERSION) + _CHECK + _LENGTH.size
        if len(data) < fixed + _NONCE + _TAG or data[:1] != _VERSION:
            raise PayloadTamperedError(f"{spec} payload is not an swflow AES-GCM frame")
        (wrapped_length,) = _LENGTH.unpack_from(data, len(_VERSION) + _CHECK)
        start = fixed + wrapped_length
        if len(data) < start + _NONCE + _TAG:
            raise PayloadTamperedError(f"{spec} payload is truncated")
        check, wrapped = data[1 : 1 + _CHECK], data[fixed:start]
        key = self.keys.decryption_key(argument, wrapped)
        if not hmac.compare_digest(_key_check(key), check):
            raise WrongKeyError(
                f"the key this process holds as {argument!r} is not the one that encrypted "
                "this payload"
            )
        nonce = data[start : start + _NONCE]
        try:
            return bytes(
                self._aead(key).decrypt(
                    nonce, data[start + _NONCE :], _bound(context, spec, data[:start])
                )
            )
        except _invalid_tag() as exc:
            raise PayloadTamperedError(
                f"{spec} payload failed authentication: its ciphertext, or the envelope "
                "bound to it (serializer, field, codecs), was changed"
            ) from exc

    def reads(self, argument: str) -> bool:
        return self.keys.knows(argument)

    @classmethod
    def for_reading(cls, argument: str) -> Codec:
        raise MissingKeyError(
            f"payload is encrypted (aesgcm, key {argument!r}) and this process has no "
            "AesGcmCodec: give it one with that key (on a decorator it serves, or in "
            "PayloadCodec(codecs=...))"
        )

    def __repr__(self) -> str:
        return f"AesGcmCodec({self.keys!r})"


def _bound(context: bytes, spec: str, head: bytes) -> bytes:
    return context + b"\n" + spec.encode() + b"\n" + head


def _aesgcm() -> Any:
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:
        raise MissingDependencyError("cryptography", "crypto", "AesGcmCodec") from None
    return AESGCM


def _invalid_tag() -> type[Exception]:
    from cryptography.exceptions import InvalidTag

    return InvalidTag
