"""AWS KMS envelope encryption: a data key per payload, wrapped by a KMS key.

`KmsKeyProvider` gives `AesGcmCodec` a fresh data key per payload from KMS
``GenerateDataKey``; the wrapped (KMS-encrypted) key travels with the ciphertext, and
a reader asks KMS to ``Decrypt`` it. Plaintext data keys read are kept in a bounded
cache, so replaying a history does not call KMS for every payload again. KMS's
faults are mapped here, once, to swflow's codec errors.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from cachetools import TTLCache

from swflow.errors import MissingKeyError, PayloadCodecError, PayloadTamperedError, WrongKeyError

from .base import check_spec_token
from .keys import DataKey, KeyProvider

__all__ = ["KmsKeyProvider"]

_KMS_KEY_ID = re.compile(r"\A(arn:aws[a-z-]*:kms:|alias/|mrk-|[0-9a-f]{8}-[0-9a-f]{4}-)")
"""What KMS key ids look like: ARNs, aliases, multi-Region and plain key ids."""

_MISSING = frozenset(
    ("NotFoundException", "AccessDeniedException", "DisabledException", "KMSInvalidStateException")
)


class KmsKeyProvider(KeyProvider):
    """Data keys from AWS KMS under one KMS key.

    Args:
        key_id: the KMS key new payloads are encrypted under (id, ARN or alias).
        client: a boto3 KMS client (default: ``boto3.client("kms", ...)`` with the
            region and endpoint below).
        cache_size: plaintext data keys kept for reading (LRU, bounded).
        cache_seconds: how long a plaintext data key is kept.
    """

    def __init__(
        self,
        key_id: str,
        *,
        client: Any = None,
        region_name: str | None = None,
        endpoint_url: str | None = None,
        cache_size: int = 1024,
        cache_seconds: float = 300.0,
    ) -> None:
        self.key_id = check_spec_token(key_id, "KMS key id")
        if client is None:
            import boto3

            client = boto3.client("kms", region_name=region_name, endpoint_url=endpoint_url)
        self._client = client
        self._lock = threading.Lock()
        self._keys: TTLCache[bytes, bytes] = TTLCache(maxsize=cache_size, ttl=cache_seconds)
        self.kms_calls = 0  # GenerateDataKey and Decrypt calls made: for audits and tests

    def encryption_key(self) -> DataKey:
        answer = self._call("GenerateDataKey", self.key_id, KeyId=self.key_id, KeySpec="AES_256")
        key, wrapped = bytes(answer["Plaintext"]), bytes(answer["CiphertextBlob"])
        with self._lock:
            self._keys[wrapped] = key
        return DataKey(str(answer.get("KeyId") or self.key_id), key, wrapped)

    def knows(self, key_id: str) -> bool:
        """Any KMS key id: KMS itself says whether this process may use it."""
        return key_id == self.key_id or _KMS_KEY_ID.match(key_id) is not None

    def decryption_key(self, key_id: str, wrapped: bytes) -> bytes:
        if not wrapped:
            raise MissingKeyError(
                f"payload names key {key_id!r} but carries no KMS-wrapped data key"
            )
        with self._lock:
            key = self._keys.get(wrapped)
        if key is None:
            answer = self._call("Decrypt", key_id, CiphertextBlob=wrapped, KeyId=key_id)
            key = bytes(answer["Plaintext"])
            with self._lock:
                self._keys[wrapped] = key
        return key

    def _call(self, operation: str, key_id: str, **params: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        with self._lock:
            self.kms_calls += 1
        method = {"GenerateDataKey": "generate_data_key", "Decrypt": "decrypt"}[operation]
        try:
            return getattr(self._client, method)(**params)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            message = f"KMS {operation} with key {key_id!r} failed: {code}"
            if code == "InvalidCiphertextException":
                raise PayloadTamperedError(f"{message}: the wrapped data key was changed") from exc
            if code == "IncorrectKeyException":
                raise WrongKeyError(f"{message}: the data key was wrapped by another key") from exc
            if code in _MISSING:
                raise MissingKeyError(f"{message}: this process cannot use that key") from exc
            raise PayloadCodecError(message) from exc
        except BotoCoreError as exc:
            raise PayloadCodecError(f"KMS {operation} could not be reached: {exc}") from exc

    def __repr__(self) -> str:
        return f"KmsKeyProvider({self.key_id!r})"
