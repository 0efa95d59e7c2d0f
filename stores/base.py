"""What every data store is: bytes in, an immutable reference out, and back."""

from __future__ import annotations

import abc
import queue
import threading
from dataclasses import dataclass
from typing import ClassVar

from swflow.errors import ConfigurationError, PayloadCorruptError, UnsafeReferenceError

from .digests import DEFAULT_DIGEST, DIGESTS, check_digest_name, digest_hex, hasher

__all__ = [
    "INLINE_SCHEMES",
    "DataStore",
    "PipelinedDigest",
    "Ref",
    "check_digest",
    "sha256_hex",
    "verify",
]

_HEX = frozenset("0123456789abcdef")

INLINE_SCHEMES = ("inline", "base64")
"""Schemes whose references carry the payload itself (readable text, and binary)."""


@dataclass(frozen=True, slots=True)
class Ref:
    """Where a payload lives, and how to know it is the one that was written.

    Attributes:
        scheme: the store kind, a key of `swflow.stores.STORES`.
        location: store-specific; for inline payloads it is the payload itself.
        size: length of the payload in bytes.
        digest: lowercase hex digest of the payload; empty for inline payloads,
            which SWF itself keeps intact.
        algorithm: which digest it is, a key of `swflow.stores.digests.DIGESTS`.
    """

    scheme: str
    location: str
    size: int
    digest: str = ""
    algorithm: str = DEFAULT_DIGEST

    @property
    def inline(self) -> bool:
        """True when the reference carries the payload itself."""
        return self.scheme in INLINE_SCHEMES


def sha256_hex(data: bytes) -> str:
    return digest_hex("sha256", data)


class PipelinedDigest:
    """A digest computed on a helper thread while the caller moves the same chunks.

    hashlib and blake3 release the GIL on large updates, so hashing overlaps the
    caller's I/O instead of adding a second pass over the payload. Feed chunks in order.
    """

    def __init__(self, algorithm: str = DEFAULT_DIGEST) -> None:
        self._hasher = hasher(algorithm)  # one thread: it already runs beside the I/O
        self._chunks: queue.SimpleQueue[memoryview | bytes | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="swflow-digest", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (chunk := self._chunks.get()) is not None:
            self._hasher.update(chunk)

    def feed(self, chunk: memoryview | bytes) -> None:
        self._chunks.put(chunk)

    def hexdigest(self) -> str:
        self.close()
        return self._hasher.hexdigest()

    def close(self) -> None:
        """Let the helper thread end (after the chunks fed so far); idempotent."""
        if self._thread.is_alive():
            self._chunks.put(None)
            self._thread.join()


def check_digest(ref: Ref) -> str:
    """``ref``'s digest if it is a well-formed 256-bit hex digest of a digest swflow
    computes, else `UnsafeReferenceError`.

    Stores build object names from digests, so a malformed one is an escape attempt.
    """
    digest = ref.digest
    if len(digest) != 64 or not _HEX.issuperset(digest):
        raise UnsafeReferenceError(
            f"reference checksum {digest[:80]!r} is not a 256-bit hex digest"
        )
    check_digest_name(ref.algorithm)
    return digest


def verify(ref: Ref, data: bytes, digest: str = "") -> bytes:
    """``data`` if its size and checksum match ``ref``; else `PayloadCorruptError`.

    ``digest``, when given, is the one (of ``ref.algorithm``) the caller already
    computed while reading.
    """
    if len(data) != ref.size:
        raise PayloadCorruptError(
            f"payload at {ref.location[:200]} has {len(data):,} bytes, the reference says "
            f"{ref.size:,}"
        )
    if ref.digest and (digest or digest_hex(ref.algorithm, data)) != ref.digest:
        raise PayloadCorruptError(
            f"payload at {ref.location[:200]} does not match its {ref.algorithm} {ref.digest}"
        )
    return data


class DataStore(abc.ABC):
    """Puts bytes somewhere and gives back a `Ref`; gets them back, verified.

    Keys are content addressed (by the digest of `algorithm`), so a retried put is
    idempotent and equal payloads are stored once. Stores are safe to share between
    threads.
    """

    scheme: ClassVar[str]
    """The scheme its references carry; the key in `swflow.stores.STORES`."""

    algorithm: str = DEFAULT_DIGEST
    """The digest its new references carry; any reference is verified by its own."""

    def _use_digest(self, algorithm: str) -> None:
        """Write references with ``algorithm``; its library must be installed now."""
        if algorithm not in DIGESTS:
            raise ConfigurationError(
                f"{type(self).__name__}: digest {algorithm!r} is not one of {', '.join(DIGESTS)}"
            )
        hasher(algorithm)  # a missing extra fails the configuration, not the first put
        self.algorithm = algorithm

    @abc.abstractmethod
    def put(self, data: bytes) -> Ref:
        """Store ``data`` and return its reference."""

    @abc.abstractmethod
    def get(self, ref: Ref) -> bytes:
        """The bytes ``ref`` names, verified against its size and checksum.

        Raises:
            PayloadNotFoundError: nothing is stored there.
            PayloadCorruptError: the bytes there are not the ones written.
            UnsafeReferenceError: the reference points outside this store.
            PayloadStoreError: the store failed for another reason.
        """

    @abc.abstractmethod
    def serves(self, ref: Ref) -> bool:
        """True when this configured instance is the one to read ``ref`` with."""

    @classmethod
    @abc.abstractmethod
    def for_ref(cls, ref: Ref) -> DataStore:
        """A default-configured store able to read ``ref`` (readers follow the reference)."""
