"""Where encryption keys come from: a key provider, and the static one."""

from __future__ import annotations

import abc
from collections.abc import Mapping
from dataclasses import dataclass, field

from swflow.errors import MissingKeyError

from .base import check_spec_token

__all__ = ["AES_KEY_SIZES", "DataKey", "KeyProvider", "StaticKeys"]

AES_KEY_SIZES = (16, 24, 32)


@dataclass(frozen=True)
class DataKey:
    """A key to encrypt one payload with.

    Attributes:
        key_id: which key; the envelope records it.
        key: the AES key itself (16, 24 or 32 bytes).
        wrapped: the key encrypted by a key service, carried with the ciphertext;
            empty for keys the reader holds itself.
    """

    key_id: str
    key: bytes = field(repr=False)
    wrapped: bytes = b""


class KeyProvider(abc.ABC):
    """Gives the key for each payload written, and finds the key for each one read."""

    @abc.abstractmethod
    def encryption_key(self) -> DataKey:
        """The key the next payload is encrypted with."""

    @abc.abstractmethod
    def decryption_key(self, key_id: str, wrapped: bytes) -> bytes:
        """The key that ``key_id`` (and ``wrapped``, when carried) stand for.

        Raises:
            MissingKeyError: this provider does not have that key.
            WrongKeyError: the key service refused it as not its own.
            PayloadTamperedError: the wrapped key was changed.
        """

    def knows(self, key_id: str) -> bool:
        """True when `decryption_key` may succeed for ``key_id``."""
        return True


class StaticKeys(KeyProvider):
    """Keys held in the process, by id: rotate by adding a key and making it active.

    Args:
        keys: key id -> AES key (16, 24 or 32 bytes). Keep every key whose payloads
            may still be read: old runs' histories name the key that wrote them.
        active_key_id: the key new payloads are encrypted with (default: the only one).
    """

    def __init__(self, keys: Mapping[str, bytes], active_key_id: str | None = None) -> None:
        if not isinstance(keys, Mapping) or not keys:
            raise ValueError("keys must be a non-empty mapping of key id -> AES key bytes")
        for key_id, key in keys.items():
            if not isinstance(key_id, str):
                raise ValueError(f"key ids are strings, got {key_id!r}")
            check_spec_token(key_id, "key id")
            if not isinstance(key, bytes) or len(key) not in AES_KEY_SIZES:
                raise ValueError(f"key {key_id!r} must be 16, 24 or 32 bytes (AES-128/192/256)")
        if active_key_id is None:
            if len(keys) != 1:
                raise ValueError("several keys: say which one encrypts with active_key_id=")
            active_key_id = next(iter(keys))
        if active_key_id not in keys:
            raise ValueError(f"active_key_id {active_key_id!r} is not among the keys")
        self._keys = dict(keys)
        self.active_key_id = active_key_id

    def encryption_key(self) -> DataKey:
        return DataKey(self.active_key_id, self._keys[self.active_key_id])

    def decryption_key(self, key_id: str, wrapped: bytes) -> bytes:
        key = self._keys.get(key_id)
        if key is None:
            raise MissingKeyError(
                f"payload is encrypted with key {key_id!r}, which this process does not "
                f"have (it has {', '.join(sorted(map(repr, self._keys)))})"
            )
        return key

    def knows(self, key_id: str) -> bool:
        return key_id in self._keys

    def __repr__(self) -> str:
        return f"StaticKeys({sorted(self._keys)}, active_key_id={self.active_key_id!r})"
