"""AES-GCM encryption of payloads (the ``cryptography`` package, extra ``[crypto]``).

A payload encrypted by `AesGcmCodec` is stored as AES-GCM's output itself (ciphertext
and tag), and its envelope names ``aesgcm:<key id>:<frame>``, where the frame is, in
base64:

```text
key check (8 bytes) | nonce (12) | wrapped data key (KMS; empty for static keys)
```

Keeping the frame in the envelope leaves the stored bytes exactly what the cipher
wrote: a 50 MB payload is never copied to put a header in front of it. The nonce is 96
random bits per payload. What the envelope says before the codec (format, serializer,
field, earlier codecs) and the codec's whole spec are bound as associated data, so a
ciphertext moved under another serializer, field or key id fails to authenticate.
The key check (an HMAC of the key) tells a wrong key from a tampered ciphertext
without revealing the key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
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

_CHECK = 8
_NONCE = 12
_TAG = 16


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
        nonce = os.urandom(_NONCE)
        frame = _key_check(data_key.key) + nonce + data_key.wrapped
        key_id = check_spec_token(data_key.key_id, "key id")
        spec = f"{self.name}:{key_id}:{base64.b64encode(frame).decode()}"
        return spec, self._aead(data_key.key).encrypt(nonce, data, _bound(context, spec))

    def decode(self, data: bytes, argument: str, context: bytes) -> bytes:
        key_id, frame = _frame(argument)
        spec = f"{self.name}:{argument}"
        if len(data) < _TAG:
            raise PayloadTamperedError(f"aesgcm payload of key {key_id!r} is truncated")
        check, nonce, wrapped = frame[:_CHECK], frame[_CHECK : _CHECK + _NONCE], frame[20:]
        key = self.keys.decryption_key(key_id, wrapped)
        if not hmac.compare_digest(_key_check(key), check):
            raise WrongKeyError(
                f"the key this process holds as {key_id!r} is not the one that encrypted "
                "this payload"
            )
        try:
            return bytes(self._aead(key).decrypt(nonce, data, _bound(context, spec)))
        except _invalid_tag() as exc:
            raise PayloadTamperedError(
                f"aesgcm payload of key {key_id!r} failed authentication: its ciphertext, "
                "or the envelope bound to it (serializer, field, codecs), was changed"
            ) from exc

    def reads(self, argument: str) -> bool:
        return self.keys.knows(argument.rpartition(":")[0])

    @classmethod
    def for_reading(cls, argument: str) -> Codec:
        key_id, _ = _frame(argument)  # a malformed spec says so first
        raise MissingKeyError(
            f"payload is encrypted (aesgcm, key {key_id!r}) and this "
            "process has no AesGcmCodec: give it one with that key (on a decorator it "
            "serves, or in PayloadCodec(codecs=...))"
        )

    def __repr__(self) -> str:
        return f"AesGcmCodec({self.keys!r})"


def _frame(argument: str) -> tuple[str, bytes]:
    """``(key id, frame bytes)`` of a spec's argument, else `PayloadTamperedError`."""
    key_id, _, text = argument.rpartition(":")
    try:
        frame = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        frame = b""
    if not key_id or len(frame) < _CHECK + _NONCE:
        raise PayloadTamperedError(
            f"aesgcm spec {argument[:120]!r} carries no key id and frame (key check, nonce)"
        )
    return key_id, frame


def _bound(context: bytes, spec: str) -> bytes:
    return context + b"\n" + spec.encode()


def _aesgcm() -> Any:
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    except ImportError:
        raise MissingDependencyError("cryptography", "crypto", "AesGcmCodec") from None
    return AESGCM


def _invalid_tag() -> type[Exception]:
    from cryptography.exceptions import InvalidTag

    return InvalidTag
